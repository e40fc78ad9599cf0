import { expect } from "chai";
import { validateStackConfig } from "../../components/config";
import { readStackFile, stackFilePath } from "../harness/run-program";
import { STACKS } from "../harness/stacks";
import { configProblemsOf } from "../harness/verdict";

/** The `ml-endpoints:*` keys of a stack file, in the shape `validateStackConfig` takes. */
function rawConfigOf(file: string) {
    const config = readStackFile(file);
    return { stage: config["ml-endpoints:stage"], model: config["ml-endpoints:model"], image: config["ml-endpoints:image"], targets: config["ml-endpoints:targets"] };
}

const PROD = rawConfigOf(stackFilePath("prod"));


function withSageMaker(change: Record<string, unknown>) {
    const targets = structuredClone(PROD.targets) as { sagemaker: Record<string, unknown> };
    Object.assign(targets.sagemaker, change);
    return { ...PROD, targets };
}

describe("stack config validation", () => {
    for (const stack of STACKS) {
        it(`accepts Pulumi.${stack}.yaml`, () => {
            const config = validateStackConfig(stack, rawConfigOf(stackFilePath(stack)));
            expect(config.stage).to.equal(stack);
            expect(Object.keys(config.targets)).to.include("sagemaker");
        });
    }

    it("names both bounds when minInstances exceeds maxInstances", () => {
        expect(configProblemsOf("prod", withSageMaker({ scaling: { minInstances: 3, maxInstances: 2 } }))).to.deep.equal([
            "ml-endpoints:targets.sagemaker.scaling.minInstances: minInstances 3 is greater than maxInstances 2",
        ]);
    });

    it("names the SageMaker vocabulary for a bare EC2 instance type", () => {
        expect(configProblemsOf("prod", withSageMaker({ instanceType: "m5.large" }))).to.deep.equal([
            "ml-endpoints:targets.sagemaker.instanceType: instanceType \"m5.large\" is not a SageMaker type (ml.*, e.g. ml.m5.xlarge)",
        ]);
    });

    it("lists the allowed targets for an unknown one", () => {
        const targets = { ...(PROD.targets as object), sagemkaer: {} };
        const [problem] = configProblemsOf("prod", { ...PROD, targets });
        expect(problem).to.match(/^ml-endpoints:targets\.sagemkaer: unknown target "sagemkaer"; allowed: sagemaker/);
    });

    it("lists the allowed keys for a misspelt one", () => {
        expect(configProblemsOf("prod", withSageMaker({ scaling: { minInstances: 2, maxInstance: 10 } }))).to.deep.equal([
            "ml-endpoints:targets.sagemaker.scaling.maxInstances: is required (a number)",
            "ml-endpoints:targets.sagemaker.scaling: unknown key \"maxInstance\"; allowed: minInstances, maxInstances, targetLoadPerInstance, scaleOutCooldownSeconds, scaleInCooldownSeconds",
        ]);
    });

    it("reports every problem at once, each with the value found", () => {
        const problems = configProblemsOf("prod", withSageMaker({ scaling: { minInstances: "two", maxInstances: 10 }, auth: "open", rollout: { strategy: "yolo" } }));
        expect(problems).to.have.length(3);
        expect(problems.join("\n")).to.include("scaling.minInstances").and.include('"two"').and.include('auth').and.include('"open"').and.include('"yolo"');
    });

    it("needs a stage when the stack name is not one", () => {
        const problems = configProblemsOf("feature-x", { ...PROD, stage: undefined });
        expect(problems[0]).to.equal('ml-endpoints:stage is not set and the stack name "feature-x" is not a stage; set it to one of dev, staging, prod');
    });

    it("needs exactly one model source", () => {
        const problems = configProblemsOf("prod", { ...PROD, model: { name: "m", version: "1", path: "app/model", artifactUri: "s3://b/m.tar.gz" } });
        expect(problems).to.deep.equal(["ml-endpoints:model: give exactly one of model.path and model.artifactUri"]);
    });

    it("refuses serverless mixed with instance settings", () => {
        const problems = configProblemsOf("dev", withSageMaker({ serverless: { memorySizeMb: 2048 } }));
        expect(problems[0]).to.match(/serverless: serverless endpoints have no instances/);
    });
});
