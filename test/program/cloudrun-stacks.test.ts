import { expect } from "chai";
import { RecordedResource, UNKNOWN } from "../harness/recorder";
import { input, ofType, single } from "../harness/query";
import { misconfiguredStackFile, ProgramRun, readStackFile, runProgram, stackFilePath } from "../harness/run-program";
import { synthesize } from "../harness/synth";
import { configProblemsOf, mandatoryViolations, synthRefusal } from "../harness/verdict";

// The cloudrun target through the real program and the real stack files, under mocks.

const SERVICE = "gcp:cloudrunv2/service:Service";
const INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember";
const cloudRunChildren = (run: ProgramRun) => run.resources.filter((resource) => resource.parent === "cloudrun");

/** Every Artifact Registry image reference anywhere in the stack's inputs. */
function artifactRegistryImages(resources: readonly RecordedResource[]): Set<string> {
    const found = new Set<string>();
    const visit = (value: unknown) => {
        if (typeof value === "string" && /-docker\.pkg\.dev\/.+@sha256:/.test(value)) found.add(value);
        else if (value !== null && typeof value === "object") Object.values(value).forEach(visit);
    };
    resources.forEach((resource) => visit(resource.inputs));
    return found;
}

describe("the cloudrun target, per stack", () => {
    describe("prod", () => {
        let run: ProgramRun;
        before(async () => { run = await runProgram("prod", readStackFile(stackFilePath("prod"))); });

        it("runs 2–20 instances of 2 vCPU / 2Gi at concurrency 80, CPU always on, protected from deletion", () => {
            const service = single(cloudRunChildren(run), SERVICE);
            expect(service.inputs).to.deep.include({ location: "us-central1", deletionProtection: true, scaling: { minInstanceCount: 2, maxInstanceCount: 20 } });
            expect(input(service, "template", "maxInstanceRequestConcurrency")).to.equal(80);
            expect(input(service, "template", "containers", 0, "resources")).to.deep.equal({ limits: { cpu: "2", memory: "2Gi" }, cpuIdle: false, startupCpuBoost: true });
            expect(input(service, "template", "containers", 0, "startupProbe", "httpGet", "path")).to.equal("/health/ready");
        });

        it("rolls out by canary, and a first deployment (no stable revision yet) sends all traffic to it", () => {
            expect(single(cloudRunChildren(run), SERVICE).inputs["traffics"]).to.deep.equal([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
        });

        it("lets only the configured principals invoke it", () => {
            const members = ofType(cloudRunChildren(run), INVOKER).map((invoker) => invoker.inputs["member"]);
            const configured = (readStackFile(stackFilePath("prod"))["ml-endpoints:targets"] as { cloudrun: { invokers: string[] } }).cloudrun.invokers;
            expect(members).to.have.members(configured);
            expect(members).not.to.include.oneOf(["allUsers", "allAuthenticatedUsers"]);
        });

        it("builds the GCP serving image once for the stack and runs it by digest", () => {
            const images = ofType(run.resources, "docker:index/image:Image").filter((image) => String(image.inputs["imageName"]).includes("-docker.pkg.dev/"));
            expect(images.map((image) => image.parent)).to.deep.equal(["gcp-serving-image"]);
            const references = artifactRegistryImages(run.resources);
            expect([...references], "every GCP target runs the one image").to.have.length(1);
            expect(input(single(cloudRunChildren(run), SERVICE), "template", "containers", 0, "image")).to.equal([...references][0]);
        });

        it("exports the outputs the smoke client reads", () => {
            const outputs = run.outputs["cloudrun"] as Record<string, string>;
            expect(outputs).to.include({ serviceName: "churn-classifier-prod", authMode: "iam" });
            expect(outputs["url"]).to.match(/^https:\/\/churn-classifier-prod-.+\.run\.app$/);
            expect(outputs["revisionName"]).to.match(/^churn-classifier-prod-r[0-9a-f]{10}$/);
        });

        it("meets every mandatory guardrail", async () => {
            expect(await mandatoryViolations(run)).to.deep.equal([]);
        });

        it("keeps its guarded settings known at preview, while the image digest and revision name are not", async () => {
            const { resources, report } = await synthesize("prod", stackFilePath("prod"), { preview: true });
            const service = single(resources.filter((resource) => resource.parent === "cloudrun"), SERVICE);
            expect(service.inputs["scaling"]).to.deep.equal({ minInstanceCount: 2, maxInstanceCount: 20 });
            expect(input(service, "template", "revision")).to.equal(UNKNOWN);
            const judged = report.violations.filter((violation) => violation.policy.includes("cloudrun"));
            expect(judged, "no Cloud Run rule is downgraded for reading an unknown").to.deep.equal([]);
        });
    });

    describe("dev", () => {
        let run: ProgramRun;
        before(async () => { run = await runProgram("dev", readStackFile(stackFilePath("dev"))); });

        it("scales to zero on 1 vCPU / 1Gi with CPU only during requests, and can be deleted", () => {
            const service = single(cloudRunChildren(run), SERVICE);
            expect(service.inputs).to.deep.include({ deletionProtection: false, scaling: { minInstanceCount: 0, maxInstanceCount: 4 } });
            expect(input(service, "template", "containers", 0, "resources")).to.deep.include({ cpuIdle: true, limits: { cpu: "1", memory: "1Gi" } });
        });

        it("meets every mandatory guardrail", async () => {
            expect(await mandatoryViolations(run)).to.deep.equal([]);
        });
    });
});

describe("the cloudrun target in another project than the shared image (findings 5)", () => {
    it("grants that project's Cloud Run service agent read on the shared image's repository", async () => {
        // The stack's one image lives in the first GCP target's project; Cloud Run pulls it with its own project's
        // service agent ("Deploying container images from other Google Cloud projects", Cloud Run docs).
        const raw = readStackFile(stackFilePath("prod"));
        const targets = raw["ml-endpoints:targets"] as Record<string, Record<string, unknown>>;
        const run = await runProgram("prod", { ...raw, "ml-endpoints:targets": { ...targets, cloudrun: { ...targets["cloudrun"], project: "ml-serving-prod" } } });
        const image = String(input(single(cloudRunChildren(run), SERVICE), "template", "containers", 0, "image"));
        const [, imageProject, repository] = /^[a-z0-9-]+-docker\.pkg\.dev\/([^/]+)\/([^/]+)\//.exec(image)!;
        expect(imageProject, "the image is not in the service's project").to.not.equal("ml-serving-prod");
        const pull = single(cloudRunChildren(run), "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
        expect(pull.inputs).to.include({ project: imageProject, repository, role: "roles/artifactregistry.reader" });
        expect(pull.inputs["member"]).to.match(/^serviceAccount:service-\d{12}@serverless-robot-prod\.iam\.gserviceaccount\.com$/);
        expect(single(cloudRunChildren(run), SERVICE).inputs["project"]).to.equal("ml-serving-prod");
    });
});

describe("the cloudrun target's misconfigurations", () => {
    const mandatoryPolicies = async (fixture: string) =>
        (await synthesize("prod", misconfiguredStackFile(fixture))).report.violations.filter((violation) => violation.level === "mandatory");

    it("a prod service that may scale to zero is denied by prod-cloudrun-min-instances", async () => {
        const violations = await mandatoryPolicies("prod-cloudrun-min-0.yaml");
        expect(violations.find((violation) => violation.policy === "prod-cloudrun-min-instances")?.message)
            .to.equal("cloudrun-service: scaling.minInstanceCount is 0; production requires at least 2");
    });

    it("auth none in prod is refused before anything is built, naming the key", async () => {
        const error = await synthRefusal("prod", misconfiguredStackFile("prod-cloudrun-auth-none.yaml"));
        expect((error as Error).message).to.equal('ml-endpoints:targets.cloudrun.auth: auth "none" (allUsers may invoke) is refused in prod; use auth "iam" with invokers');
    });

    it("an allUsers grant in the prod stack is denied by prod-cloudrun-not-public even when the stage says dev", async () => {
        const violations = await mandatoryPolicies("prod-cloudrun-public.yaml");
        expect(violations.map((violation) => violation.policy)).to.deep.equal(["prod-cloudrun-not-public"]);
        expect(violations[0]!.message).to.match(/^cloudrun-invoker-allusers-[0-9a-f]{6}: member is "allUsers"; /);
    });

    it("lists every broken Cloud Run rule at once, each naming its key, value and what is allowed", () => {
        const raw = {
            stage: "prod",
            model: { name: "m", version: "1", path: "app/model" },
            targets: {
                cloudrun: {
                    instanceType: "n1-standard-4",
                    cpu: "1",
                    memory: "16Gi",
                    scaling: { minInstances: 3, maxInstances: 2, targetLoadPerInstance: 2000 },
                    invokers: ["ana@example.com", "allAuthenticatedUsers"],
                    environment: { PORT: "9000" },
                    stableRevision: "m-prod-r1",
                    region: "central",
                },
            },
        };
        const problems = configProblemsOf("prod", raw);
        expect(problems).to.include.members([
            'ml-endpoints:targets.cloudrun.instanceType: instanceType "n1-standard-4" is not a Cloud Run setting: size instances with cpu (1, 2, 4, 6, 8) and memory (e.g. 2Gi)',
            'ml-endpoints:targets.cloudrun.memory: memory "16Gi" does not fit cpu "1": Cloud Run allows 512Mi–4Gi with 1 vCPU',
            "ml-endpoints:targets.cloudrun.scaling.minInstances: minInstances 3 is greater than maxInstances 2",
            "ml-endpoints:targets.cloudrun.scaling.targetLoadPerInstance: concurrency 2000 must be a whole number of requests per instance from 1 to 1000",
            'ml-endpoints:targets.cloudrun.invokers.0: invoker "ana@example.com" is not a principal; use user:<email>, serviceAccount:<email>, group:<email> or domain:<domain>',
            'ml-endpoints:targets.cloudrun.invokers.1: invoker "allAuthenticatedUsers" is public access: use auth "none" (outside prod) instead of listing it',
            "ml-endpoints:targets.cloudrun.environment: PORT is set by Cloud Run itself and may not be given",
            'ml-endpoints:targets.cloudrun.stableRevision: stableRevision is only read by rollout.strategy "canary", not "all-at-once"',
        ]);
        expect(problems.some((problem) => problem.startsWith("ml-endpoints:targets.cloudrun.region: region must be a GCP region such as us-central1"))).to.equal(true);
    });
});
