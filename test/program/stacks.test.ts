import { expect } from "chai";
import { input, single } from "../harness/query";
import { ProgramRun, readStackFile, runProgram, stackFilePath } from "../harness/run-program";
import { mandatoryViolations } from "../harness/verdict";

// The whole program, per stack, in one process: index.ts exports a function, so each run is fresh.

async function runStack(stack: string): Promise<ProgramRun> {
    return runProgram(stack, readStackFile(stackFilePath(stack)));
}

describe("the program, per stack", () => {
    describe("prod", () => {
        let run: ProgramRun;
        before(async () => { run = await runStack("prod"); });

        it("deploys a 2–10 instance ml.m5.xlarge SageMaker endpoint with autoscaling", () => {
            const config = single(run.resources, "aws:sagemaker/endpointConfiguration:EndpointConfiguration");
            expect(input(config, "productionVariants", 0)).to.include({ instanceType: "ml.m5.xlarge", initialInstanceCount: 2 });
            const scalingTarget = single(run.resources.filter((resource) => resource.parent === "sagemaker"), "aws:appautoscaling/target:Target");
            expect(scalingTarget.inputs).to.include({ minCapacity: 2, maxCapacity: 10 });
        });

        it("exports the endpoint's details as stack outputs", () => {
            expect(run.outputs["sagemaker"]).to.deep.include({ endpointName: "churn-classifier-prod" });
            expect((run.outputs["sagemaker"] as Record<string, string>)["imageDigest"]).to.match(/@sha256:/);
        });

        it("builds the serving image once per cloud for the stack", () => {
            const images = run.resources.filter((resource) => resource.type === "docker:index/image:Image");
            const registries = images.map((image) => String(image.inputs["imageName"]).split("/")[0]);
            expect(new Set(registries).size, registries.join(", ")).to.equal(images.length);
        });

        it("meets every mandatory guardrail", async () => {
            expect(await mandatoryViolations(run)).to.deep.equal([]);
        });
    });

    describe("dev", () => {
        let run: ProgramRun;
        before(async () => { run = await runStack("dev"); });

        it("serves SageMaker serverless, with no alarms and no autoscaling", () => {
            const config = single(run.resources, "aws:sagemaker/endpointConfiguration:EndpointConfiguration");
            expect(input(config, "productionVariants", 0, "serverlessConfig")).to.deep.equal({ memorySizeInMb: 2048, maxConcurrency: 5 });
            expect(run.resources.filter((resource) => resource.type === "aws:cloudwatch/metricAlarm:MetricAlarm")).to.have.length(0);
            expect(run.resources.filter((resource) => resource.type === "aws:appautoscaling/target:Target")).to.have.length(0);
        });

        it("meets every mandatory guardrail", async () => {
            expect(await mandatoryViolations(run)).to.deep.equal([]);
        });
    });
});
