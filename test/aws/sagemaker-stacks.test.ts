import { expect } from "chai";
import { validateStackConfig } from "../../components/config";
import { single } from "../harness/query";
import { readStackFile, runProgram, stackFilePath } from "../harness/run-program";
import { configProblemsOf } from "../harness/verdict";

// The sagemaker target through the real program and stack files: what AWS accepts on first `up`, and the
// config keys that name what it would refuse (issue #11).

function rawConfigOf(stack: string) {
    const config = readStackFile(stackFilePath(stack));
    return { stage: config["ml-endpoints:stage"], model: config["ml-endpoints:model"], image: config["ml-endpoints:image"], targets: config["ml-endpoints:targets"] };
}

function withSageMaker(stack: string, change: Record<string, unknown>) {
    const raw = rawConfigOf(stack);
    const targets = structuredClone(raw.targets) as { sagemaker: Record<string, unknown> };
    Object.assign(targets.sagemaker, change);
    return { ...raw, targets };
}

const sagemakerProblems = (stack: string, change: Record<string, unknown>) =>
    configProblemsOf(stack, withSageMaker(stack, change)).filter((problem) => problem.startsWith("ml-endpoints:targets.sagemaker"));

describe("the sagemaker target, per stack (issue #11)", () => {
    // Finding 1: the committed dev stack sent serverlessConfig with enableNetworkIsolation: true, which
    // "Serverless Inference" (feature exclusions) does not support: CreateModel/CreateEndpoint failed.
    it("dev: a serverless endpoint whose model has no network isolation", async () => {
        const run = await runProgram("dev", readStackFile(stackFilePath("dev")));
        const sagemaker = run.resources.filter((resource) => resource.parent === "sagemaker");
        expect(single(sagemaker, "aws:sagemaker/model:Model").inputs["enableNetworkIsolation"]).to.equal(false);
        expect(single(sagemaker, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs["kmsKeyArn"]).to.equal(undefined);
    });

    it("prod: exports the endpoint config it asked for, for the post-up rollback check", async () => {
        const run = await runProgram("prod", readStackFile(stackFilePath("prod")));
        const outputs = run.outputs["sagemaker"] as Record<string, unknown>;
        const config = single(run.resources.filter((resource) => resource.parent === "sagemaker"), "aws:sagemaker/endpointConfiguration:EndpointConfiguration");
        expect(outputs["endpointConfigName"]).to.equal(config.name);
    });

    // Finding 5: the image is shared with Lambda; an arm64 image cannot start on x86 ml.m5.
    it("prod: refuses an arm64 stack image on x86 SageMaker instances, naming the instance type and the platform", async () => {
        const config = { ...readStackFile(stackFilePath("prod")), "ml-endpoints:image": { platform: "linux/arm64" } };
        let error: Error | undefined;
        try {
            await runProgram("prod", config);
        } catch (err) {
            error = err as Error;
        }
        expect(error?.message).to.match(/instanceType ml\.m5\.xlarge runs linux\/amd64 containers, but the image is built for linux\/arm64/);
    });

    it("refuses, at config time and naming the key, what the SageMaker API would refuse", () => {
        expect(sagemakerProblems("dev", { networkIsolation: true })).to.deep.equal([
            "ml-endpoints:targets.sagemaker.networkIsolation: networkIsolation true is not supported by SageMaker Serverless Inference (feature exclusions: VPC configuration, network isolation); remove it, or serve from instances",
        ]);
        expect(sagemakerProblems("dev", { dataCapture: { enabled: true } })[0]).to.match(/^ml-endpoints:targets\.sagemaker\.dataCapture\.enabled: /);
        expect(sagemakerProblems("dev", { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" })[0]).to.match(/^ml-endpoints:targets\.sagemaker\.kmsKeyArn: /);
        expect(sagemakerProblems("prod", { instanceType: "ml.c5d.xlarge", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" })[0])
            .to.match(/^ml-endpoints:targets\.sagemaker\.instanceType: instanceType ml\.c5d\.xlarge has local NVMe storage/);
        expect(sagemakerProblems("prod", { scaling: { minInstances: 0, maxInstances: 10 } })[0]).to.match(/^ml-endpoints:targets\.sagemaker\.scaling\.minInstances: scaling\.minInstances 0/);
        expect(sagemakerProblems("prod", { rollout: { strategy: "blue-green", canaryPercent: 75 } })[0]).to.match(/^ml-endpoints:targets\.sagemaker\.rollout\.canaryPercent: rollout\.canaryPercent 75/);
        expect(sagemakerProblems("prod", { rollout: { strategy: "blue-green", bakeSeconds: 7200 } })[0]).to.match(/^ml-endpoints:targets\.sagemaker\.rollout\.bakeSeconds: rollout\.bakeSeconds 7200/);
        // Partition-aware: a GovCloud key ARN is a KMS key ARN too.
        expect(() => validateStackConfig("prod", withSageMaker("prod", { kmsKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/k" }))).to.not.throw();
    });
});
