import { expect } from "chai";
import { StackConfigError, validateStackConfig } from "../../components/config/load";
import type { RecordedResource } from "../harness/recorder";
import { ofType, single } from "../harness/query";
import { ProgramRun, readStackFile, runProgram, stackFilePath } from "../harness/run-program";
import { configProblemsOf, mandatoryViolations } from "../harness/verdict";

// The vertex target through the whole program, per stack, with the real stack files.

const VERTEX_KIND = "ml-endpoints:gcp:VertexModelDeployment";
const deploymentOf = (run: ProgramRun): RecordedResource =>
    ofType(run.resources, "pulumi-nodejs:dynamic:Resource").find((resource) => resource.inputs["kind"] === VERTEX_KIND)!;

describe("the vertex target, per stack", () => {
    const runs: Record<string, ProgramRun> = {};
    before(async () => {
        for (const stack of ["dev", "prod"]) runs[stack] = await runProgram(stack, readStackFile(stackFilePath(stack)));
    });

    it("prod: 2–10 n1-standard-4 replicas on CPU 60%, rolled out as a 10% canary baking 10 minutes", () => {
        expect(deploymentOf(runs["prod"]!).inputs).to.include({ machineType: "n1-standard-4", minReplicaCount: 2, maxReplicaCount: 10, cpuTarget: 60 });
        expect(deploymentOf(runs["prod"]!).inputs["rollout"]).to.deep.equal({ strategy: "canary", canaryPercent: 10, bakeSeconds: 600 });
    });

    it("dev: one n1-standard-2 replica, replaced all at once", () => {
        expect(deploymentOf(runs["dev"]!).inputs).to.include({ machineType: "n1-standard-2", minReplicaCount: 1, maxReplicaCount: 1 });
        expect(deploymentOf(runs["dev"]!).inputs["rollout"]).to.deep.include({ strategy: "all-at-once" });
    });

    it("serves the stack's one Artifact Registry image, the one Cloud Run serves too", () => {
        for (const run of Object.values(runs)) {
            const image = single(run.resources.filter((resource) => resource.name === "gcp-serving-image-image"), "docker:index/image:Image");
            const deployment = deploymentOf(run);
            expect(deployment.inputs["imageUri"]).to.match(/-docker\.pkg\.dev\/.*@sha256:/);
            expect(String(deployment.inputs["imageUri"]).startsWith(String(image.inputs["imageName"]).split(":")[0]!)).to.equal(true);
            const cloudRun = single(run.resources, "gcp:cloudrunv2/service:Service");
            expect((cloudRun.inputs["template"] as { containers: { image: string }[] }).containers[0]!.image).to.equal(deployment.inputs["imageUri"]);
        }
    });

    it("exports project, region, endpoint id and name, deployed model id, model name and predict URL", () => {
        const outputs = runs["prod"]!.outputs["vertex"] as Record<string, string>;
        expect(Object.keys(outputs).sort()).to.deep.equal(["deployedModelId", "endpointId", "endpointName", "modelName", "predictUrl", "project", "region"]);
        expect(outputs["region"]).to.equal("us-central1");
        expect(outputs["endpointName"]).to.equal(`projects/${outputs["project"]}/locations/us-central1/endpoints/${outputs["endpointId"]}`);
        expect(outputs["predictUrl"]).to.equal(`https://us-central1-aiplatform.googleapis.com/v1/${outputs["endpointName"]}:predict`);
    });

    it("meets every mandatory guardrail in both stacks", async () => {
        for (const run of Object.values(runs)) {
            expect(await mandatoryViolations(run), run.stack).to.deep.equal([]);
        }
    });

    it("refuses bad vertex config, every problem at once, naming key, value and what is allowed", () => {
        const raw = readStackFile(stackFilePath("prod"));
        const targets = { vertex: { instanceType: "e2-micro", scaling: { minInstances: 0, maxInstances: 0 }, kmsKeyName: "my-key", rollout: { strategy: "canary", canaryPercent: 100 } } };
        const problems = configProblemsOf("prod", { stage: raw["ml-endpoints:stage"], model: raw["ml-endpoints:model"], targets });
        expect(problems).to.include.members([
            "ml-endpoints:targets.vertex.instanceType: instanceType \"e2-micro\" is not a Vertex AI CPU prediction machine type (n1-/n2-/n2d-/e2-/c2d-standard|highmem|highcpu-N with N ≥ 2, c2-standard-N or c3-*-N with N ≥ 4; e.g. n1-standard-4)",
            "ml-endpoints:targets.vertex.kmsKeyName: kmsKeyName must be a Cloud KMS key name: projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key> (got \"my-key\")",
        ]);
        expect(problems.join("\n")).to.match(/targets\.vertex\.scaling\.maxInstances: .*\(got 0\)/);
        expect(problems.join("\n")).to.match(/targets\.vertex\.rollout\.canaryPercent: .*\(got 100\)/);
    });

    it("refuses GPU machine types and a fractional CPU target at config time (findings 3, 4)", () => {
        // A GPU machine type deploys without its accelerators (no acceleratorType/Count is sent) and the image is
        // CPU-only; AutoscalingMetricSpec.target is an int32 that the API refuses as 60.5 only at deploy time.
        const model = { name: "m", version: "1", path: "app/model" };
        expect(() => validateStackConfig("prod", { stage: "prod", model, targets: { vertex: { instanceType: "a2-highgpu-1g", scaling: { minInstances: 2, maxInstances: 4, targetLoadPerInstance: 60.5 } } } }))
            .to.throw(StackConfigError)
            .with.property("problems").that.includes.members([
                "ml-endpoints:targets.vertex.instanceType: instanceType \"a2-highgpu-1g\" is a GPU machine type: it needs acceleratorType/acceleratorCount, which are not sent, and the serving image's onnxruntime is CPU-only; use a Vertex AI CPU prediction machine type (n1-/n2-/n2d-/e2-/c2d-standard|highmem|highcpu-N with N ≥ 2, c2-standard-N or c3-*-N with N ≥ 4; e.g. n1-standard-4)",
                "ml-endpoints:targets.vertex.scaling.targetLoadPerInstance: targetLoadPerInstance 60.5 must be a whole number: Vertex AI takes it as an int32 (DedicatedResources), and would refuse it at deploy time",
            ]);
    });

    it("refuses min above max and a CPU target above 100%", () => {
        expect(() => validateStackConfig("prod", { stage: "prod", model: { name: "m", version: "1", path: "app/model" }, targets: { vertex: { scaling: { minInstances: 3, maxInstances: 2, targetLoadPerInstance: 120 } } } }))
            .to.throw(StackConfigError)
            .with.property("problems").that.includes.members([
                "ml-endpoints:targets.vertex.scaling.minInstances: minInstances 3 is greater than maxInstances 2",
                "ml-endpoints:targets.vertex.scaling.targetLoadPerInstance: targetLoadPerInstance 120 is a CPU utilisation on Vertex AI: at most 100 (%)",
            ]);
    });
});
