import { expect } from "chai";
import { StackConfigError } from "../../components/config";
import { input, ofType, single } from "../harness/query";
import { misconfiguredStackFile, ProgramRun, readStackFile, runProgram, stackFilePath } from "../harness/run-program";
import { synthesize } from "../harness/synth";
import { configProblemsOf, synthRefusal } from "../harness/verdict";

// The lambda target through the real program and the real stack files, under mocks.

const T = {
    fn: "aws:lambda/function:Function",
    alias: "aws:lambda/alias:Alias",
    provisioned: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
    api: "aws:apigatewayv2/api:Api",
    route: "aws:apigatewayv2/route:Route",
    rule: "aws:cloudwatch/eventRule:EventRule",
    image: "docker:index/image:Image",
} as const;

const lambdaChildren = (run: ProgramRun) => run.resources.filter((resource) => resource.parent === "lambda");

/** The stack's mandatory violations as `pulumi preview --policy-pack policy` would judge them (computed outputs unknown). */
async function mandatoryViolationsAtPreview(stack: string) {
    const { report } = await synthesize(stack, stackFilePath(stack), { preview: true });
    return report.violations.filter((violation) => violation.level === "mandatory");
}

describe("the lambda target, per stack", () => {
    describe("prod", () => {
        let run: ProgramRun;
        before(async () => { run = await runProgram("prod", readStackFile(stackFilePath("prod"))); });

        it("deploys a 2048 MB function, its live alias with 2 provisioned environments, and an IAM-authenticated HTTP API", () => {
            const children = lambdaChildren(run);
            expect(single(children, T.fn).inputs).to.include({ memorySize: 2048, packageType: "Image" });
            expect(single(children, T.alias).inputs).to.include({ name: "live" });
            expect(single(children, T.provisioned).inputs["provisionedConcurrentExecutions"]).to.be.at.least(2);
            single(children, T.api);
            expect(ofType(children, T.route).map((route) => route.inputs["authorizationType"])).to.deep.equal(["AWS_IAM"]);
        });

        it("has no warm-up schedule: provisioned concurrency keeps it warm", () => {
            expect(ofType(lambdaChildren(run), T.rule)).to.have.length(0);
        });

        it("builds the ECR image once and serves the same digest from SageMaker and Lambda", () => {
            expect(run.resources.filter((resource) => resource.parent === "sagemaker").length, "sagemaker is on too").to.be.greaterThan(0);
            const image = single(ofType(run.resources, T.image).filter((found) => String(found.inputs["imageName"]).includes(".dkr.ecr.")), T.image);
            expect(image.parent).to.equal("aws-serving-image");
            const model = single(run.resources, "aws:sagemaker/model:Model");
            expect(single(lambdaChildren(run), T.fn).inputs["imageUri"]).to.equal(input(model, "primaryContainer", "image"));
        });

        it("exports the lambda outputs the smoke client reads", () => {
            const outputs = run.outputs["lambda"] as Record<string, string>;
            expect(Object.keys(outputs)).to.have.members(["region", "invokeUrl", "functionName", "functionArn", "aliasArn", "authMode"]);
            expect(outputs).to.include({ region: "us-east-1", authMode: "iam", functionName: "churn-classifier-prod" });
            expect(outputs["invokeUrl"]).to.match(/^https:\/\/.+\.execute-api\.us-east-1\.amazonaws\.com\/predict$/);
        });

        it("meets every mandatory guardrail, judged as at preview", async () => {
            expect(await mandatoryViolationsAtPreview(run.stack)).to.deep.equal([]);
        });
    });

    describe("dev", () => {
        let run: ProgramRun;
        before(async () => { run = await runProgram("dev", readStackFile(stackFilePath("dev"))); });

        it("deploys the function and alias with no provisioned concurrency, and a 5-minute warm-up", () => {
            const children = lambdaChildren(run);
            single(children, T.fn);
            single(children, T.alias);
            single(children, T.api);
            expect(ofType(children, T.provisioned)).to.have.length(0);
            expect(single(children, T.rule).inputs["scheduleExpression"]).to.equal("rate(5 minutes)");
        });

        it("meets every mandatory guardrail, judged as at preview", async () => {
            expect(await mandatoryViolationsAtPreview(run.stack)).to.deep.equal([]);
        });
    });
});

describe("the lambda target's misconfigurations", () => {

    it("a prod stack with auth none is denied by api-routes-require-auth", async () => {
        const { report } = await synthesize("prod", misconfiguredStackFile("prod-lambda-auth-none.yaml"));
        const mandatory = report.violations.filter((violation) => violation.level === "mandatory");
        expect(mandatory.map((violation) => violation.policy)).to.deep.equal(["api-routes-require-auth"]);
        expect(mandatory[0]!.message).to.match(/lambda-predict-route: authorizationType \(route "POST \/predict"\) is "NONE"/);
    });

    it("a prod function with no provisioned concurrency at all is denied by the stack-wide availability rule", async () => {
        const { resources, report } = await synthesize("prod", misconfiguredStackFile("prod-lambda-no-provisioned-concurrency.yaml"));
        expect(ofType(resources, T.provisioned)).to.have.length(0);
        const mandatory = report.violations.filter((violation) => violation.level === "mandatory");
        expect(mandatory.map((violation) => [violation.policy, violation.resource])).to.deep.equal([["prod-stack-min-serving-instances", "lambda-function"]]);
    });

    it("a 30 s timeout is refused at config validation, naming the key", async () => {
        const error = await synthRefusal("prod", misconfiguredStackFile("prod-lambda-timeout-30.yaml"));
        expect(error).to.be.instanceOf(StackConfigError);
        expect((error as Error).message).to.include("ml-endpoints:targets.lambda.timeoutSeconds: timeoutSeconds 30 is not allowed behind API Gateway");
    });

    it("lists every broken Lambda rule at once, each naming its key, value and what is allowed", () => {
        const raw = {
            stage: "prod",
            model: { name: "m", version: "1", path: "app/model" },
            targets: {
                lambda: {
                    instanceType: "ml.m5.large",
                    memorySizeMb: 64,
                    timeoutSeconds: 29,
                    reservedConcurrency: 2,
                    provisionedConcurrency: 3,
                    auth: "jwt",
                    logRetentionDays: 45,
                },
            },
        };
        const problems = configProblemsOf("prod", raw);
        expect(problems).to.include.members([
            'ml-endpoints:targets.lambda.instanceType: instanceType "ml.m5.large" is not used by Lambda: memorySizeMb (128–10240) sets the size',
            "ml-endpoints:targets.lambda.memorySizeMb: memorySizeMb 64 is outside Lambda's 128–10240 MB (whole MB)",
            "ml-endpoints:targets.lambda.timeoutSeconds: timeoutSeconds 29 is not allowed behind API Gateway, which gives up after 30 s; allowed: 1–28",
            "ml-endpoints:targets.lambda.provisionedConcurrency: provisionedConcurrency 3 is above reservedConcurrency 2; provisioned environments come out of the reserved ones",
            'ml-endpoints:targets.lambda.jwt: auth "jwt" needs jwt.issuer (the token issuer URL) and jwt.audience (at least one); got null',
        ]);
        expect(problems.some((problem) => problem.startsWith("ml-endpoints:targets.lambda.logRetentionDays: logRetentionDays 45 is not a CloudWatch retention"))).to.equal(true);
    });
});
