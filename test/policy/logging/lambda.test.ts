import { expect } from "chai";
import { apiStageAccessLogging, lambdaXrayActive } from "../../../policy/logging/lambda";
import { AWS } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

// @pulumi/policy's sentinel for a string unknown at preview (not exported by the package).
const unknownStringValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("policy api-stage-access-logging", () => {
    const policy = apiStageAccessLogging;
    const compliantStage = {
        apiId: "api-id",
        name: "$default",
        autoDeploy: true,
        accessLogSettings: { destinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/churn/access", format: '{"requestId":"$context.requestId"}' },
    };

    it("passes a stage with access logs, also when the destination is unknown at preview", async () => {
        const unknown = mutate(compliantStage, (stage) => { stage.accessLogSettings.destinationArn = unknownStringValue; });
        expect(await violationsOf(policy, [resource(AWS.apigatewayv2Stage, compliantStage), resource(AWS.apigatewayv2Stage, unknown)])).to.deep.equal([]);
    });

    it("denies a stage without access logs, in any stage", async () => {
        const silent = mutate(compliantStage, (stage) => { delete (stage as Partial<typeof stage>).accessLogSettings; });
        const violations = await violationsOf(policy, resource(AWS.apigatewayv2Stage, silent, { stack: "dev", name: "stage" }));
        expect(violations.map((violation) => violation.message)).to.deep.equal([
            "stage: accessLogSettings.destinationArn is not set; every stage requires access logging",
            "stage: accessLogSettings.format is not set; every stage requires access logging",
        ]);
        expect(violations[0]).to.include({ level: "mandatory" });
    });
});

describe("policy lambda-xray-active", () => {
    const policy = lambdaXrayActive;
    const compliantFunction = { name: "churn-classifier-dev", packageType: "Image", tracingConfig: { mode: "Active" } };

    it("passes an actively traced function", async () => {
        expect(await violationsOf(policy, resource(AWS.lambdaFunction, compliantFunction))).to.deep.equal([]);
    });

    it("advises on PassThrough tracing", async () => {
        const passThrough = mutate(compliantFunction, (fn) => { fn.tracingConfig.mode = "PassThrough"; });
        const [violation] = await violationsOf(policy, resource(AWS.lambdaFunction, passThrough, { name: "fn" }));
        expect(violation).to.include({ policy: "lambda-xray-active", level: "advisory", message: 'fn: tracingConfig.mode is "PassThrough"; Active is advised' });
    });
});
