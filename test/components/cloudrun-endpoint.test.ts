import { expect } from "chai";
import {
    CloudRunEndpoint,
    CloudRunEndpointArgs,
    cloudRunSizeProblem,
    cloudRunTraffic,
    invokerMemberProblem,
    revisionNameFor,
} from "../../components/gcp/cloudrun-endpoint";
import type { RecordedResource } from "../harness/recorder";
import { input, ofType, single } from "../harness/query";
import { recordResources, resolve } from "../harness/run-program";

const MODEL = { name: "churn-classifier", version: "1.0.0", path: "app/model" };
const IMAGE = { uri: "us-central1-docker.pkg.dev/p/serving/serving@sha256:" + "b".repeat(64) };
const PROD_ARGS: CloudRunEndpointArgs = {
    stage: "prod",
    model: MODEL,
    image: IMAGE,
    region: "us-central1",
    scaling: { minInstances: 2, maxInstances: 20, targetLoadPerInstance: 80 },
    invokers: ["serviceAccount:ci@p.iam.gserviceaccount.com", "group:ml-platform@example.com"],
};

const SERVICE = "gcp:cloudrunv2/service:Service";
const REPOSITORY_GRANT = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";
const INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember";

async function build(args: CloudRunEndpointArgs) {
    const { resources, result } = await recordResources("test", () => new CloudRunEndpoint("cr", args));
    return { resources, endpoint: result as unknown as CloudRunEndpoint };
}

const container = (service: RecordedResource) => input(service, "template", "containers", 0) as Record<string, unknown>;

describe("CloudRunEndpoint", () => {
    describe("in prod", () => {
        let resources: RecordedResource[];
        let endpoint: CloudRunEndpoint;
        before(async () => { ({ resources, endpoint } = await build(PROD_ARGS)); });

        it("bounds instances at the service level from the shared scaling args, with concurrency 80", () => {
            const service = single(resources, SERVICE);
            expect(service.inputs["scaling"]).to.deep.equal({ minInstanceCount: 2, maxInstanceCount: 20 });
            expect(input(service, "template", "maxInstanceRequestConcurrency")).to.equal(80);
            expect(input(service, "template", "scaling")).to.equal(undefined);
        });

        it("runs the image by digest on port 8080, gates traffic on the readiness route and restarts on the liveness route", () => {
            const server = container(single(resources, SERVICE));
            expect(server["image"]).to.equal(IMAGE.uri);
            expect(server["ports"]).to.deep.equal({ containerPort: 8080, name: "http1" });
            expect(input(single(resources, SERVICE), "template", "containers", 0, "startupProbe", "httpGet")).to.deep.equal({ path: "/health/ready", port: 8080 });
            expect(input(single(resources, SERVICE), "template", "containers", 0, "livenessProbe", "httpGet")).to.deep.equal({ path: "/health/live", port: 8080 });
        });

        it("sizes 2 vCPU / 2Gi with CPU always on and a startup boost", () => {
            expect(container(single(resources, SERVICE))["resources"]).to.deep.equal({ limits: { cpu: "2", memory: "2Gi" }, cpuIdle: false, startupCpuBoost: true });
        });

        it("tells the server which model to download from its own bucket", () => {
            const envs = container(single(resources, SERVICE))["envs"] as { name: string; value: string }[];
            const env = Object.fromEntries(envs.map((entry) => [entry.name, entry.value]));
            expect(env["AIP_STORAGE_URI"]).to.match(/^gs:\/\/cr-model-bucket\/models\/churn-classifier\/1-0-0\/[0-9a-f]{16}\/$/);
            expect(env).to.deep.equal({
                MODEL_NAME: "churn-classifier",
                MODEL_VERSION: "1.0.0",
                AIP_STORAGE_URI: env["AIP_STORAGE_URI"],
                MAX_CONCURRENT_REQUESTS: "80",
            });
        });

        it("bounds the server's in-flight requests at the service's concurrency, which Cloud Run does not tell the container", async () => {
            // Cloud Run, "Maximum concurrent requests per instance" (cloud.google.com/run/docs/about-concurrency): the
            // platform sends an instance at most maxInstanceRequestConcurrency requests; the container is not told,
            // so the server (app/src/config.ts, MAX_CONCURRENT_REQUESTS) would otherwise assume the maximum, 1,000.
            const { resources: other } = await build({ ...PROD_ARGS, scaling: { ...PROD_ARGS.scaling, targetLoadPerInstance: 250 } });
            const service = single(other, SERVICE);
            const envs = container(service)["envs"] as { name: string; value: string }[];
            const env = Object.fromEntries(envs.map((entry) => [entry.name, entry.value]));
            expect(input(service, "template", "maxInstanceRequestConcurrency")).to.equal(250);
            expect(env["MAX_CONCURRENT_REQUESTS"]).to.equal("250");
        });

        it("runs as its own service account, which may only read the model bucket", () => {
            const account = single(resources, "gcp:serviceaccount/account:Account");
            const email = `${String(account.inputs["accountId"])}@ml-endpoints-test.iam.gserviceaccount.com`;
            expect(input(single(resources, SERVICE), "template", "serviceAccount")).to.equal(email);
            const grant = single(resources, "gcp:storage/bucketIAMMember:BucketIAMMember");
            expect(grant.inputs).to.deep.include({ bucket: "cr-model-bucket", role: "roles/storage.objectViewer", member: `serviceAccount:${email}` });
            const runtimeGrants = resources.filter((resource) => /projectIamMember|IAMMember|IamMember/.test(resource.type) && resource.type !== INVOKER && resource.inputs["member"] === `serviceAccount:${email}`);
            expect(runtimeGrants.map((resource) => resource.type)).to.deep.equal(["gcp:storage/bucketIAMMember:BucketIAMMember"]);
        });

        it("lets the Cloud Run service agent, which pulls the image, read its repository before the service is deployed (finding 5)", () => {
            // Cloud Run "Deploying container images from other Google Cloud projects": grant the Cloud Run Service Agent
            // (service-PROJECT_NUMBER@serverless-robot-prod.iam.gserviceaccount.com) roles/artifactregistry.reader.
            const pull = single(resources, REPOSITORY_GRANT);
            expect(pull.inputs).to.include({
                project: "p",
                location: "us-central1",
                repository: "serving",
                role: "roles/artifactregistry.reader",
                member: "serviceAccount:service-123456789012@serverless-robot-prod.iam.gserviceaccount.com",
            });
            const service = single(resources, SERVICE);
            expect(resources.filter((resource) => service.dependencies.includes(resource.urn)).map((resource) => resource.type)).to.include(REPOSITORY_GRANT);
        });

        it("grants run.invoker to exactly the configured members, never to allUsers", () => {
            const invokers = ofType(resources, INVOKER);
            expect(invokers.map((invoker) => invoker.inputs["member"])).to.have.members(PROD_ARGS.invokers!);
            expect(invokers.every((invoker) => invoker.inputs["role"] === "roles/run.invoker" && invoker.inputs["name"] === "churn-classifier-prod")).to.equal(true);
        });

        it("keeps ingress open to IAM-authenticated callers, protects the service from deletion and labels it", () => {
            expect(single(resources, SERVICE).inputs).to.deep.include({
                name: "churn-classifier-prod",
                location: "us-central1",
                ingress: "INGRESS_TRAFFIC_ALL",
                deletionProtection: true,
                labels: { stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier" },
            });
        });

        it("sends all traffic to a revision named after its template", async () => {
            const service = single(resources, SERVICE);
            const revision = input(service, "template", "revision") as string;
            expect(revision).to.match(/^churn-classifier-prod-r[0-9a-f]{10}$/);
            const { revision: _named, ...rest } = service.inputs["template"] as Record<string, unknown>;
            expect(revision).to.equal(revisionNameFor("churn-classifier-prod", rest));
            expect(service.inputs["traffics"]).to.deep.equal([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
            expect(await resolve(endpoint.revisionName)).to.equal(revision);
        });

        it("exposes the URL, service name and auth mode", async () => {
            expect(await resolve(endpoint.url)).to.equal("https://churn-classifier-prod-a1b2c3d4e5-uc.a.run.app");
            expect(await resolve(endpoint.serviceName)).to.equal("churn-classifier-prod");
            expect(endpoint.authMode).to.equal("iam");
        });

        it("parents every child on itself (the model files on its model artifact)", () => {
            const children = resources.filter((resource) => resource.name !== "cr");
            const misplaced = children.filter((resource) => resource.parent !== "cr" && !(resource.parent === "cr-model" && resource.name.startsWith("cr-model-")));
            expect(misplaced.map((resource) => `${resource.name} <- ${resource.parent}`)).to.deep.equal([]);
            expect(single(resources, "ml-endpoints:gcp:GcsModelArtifact").parent).to.equal("cr");
        });
    });

    it("scales to zero in dev, with CPU only during requests and no deletion protection", async () => {
        const { resources } = await build({ ...PROD_ARGS, stage: "dev", scaling: { minInstances: 0, maxInstances: 4 }, cpu: "1", memory: "1Gi" });
        const service = single(resources, SERVICE);
        expect(service.inputs["scaling"]).to.deep.equal({ minInstanceCount: 0, maxInstanceCount: 4 });
        expect(service.inputs["deletionProtection"]).to.equal(false);
        expect(container(service)["resources"]).to.deep.include({ cpuIdle: true, limits: { cpu: "1", memory: "1Gi" } });
    });

    it("in another project than the image, grants that project's Cloud Run agent; gcr.io images too; Docker Hub needs none (findings 5, 6)", async () => {
        const { resources } = await build({ ...PROD_ARGS, project: "serving-proj", image: { uri: `gcr.io/shared-images/serving@sha256:${"d".repeat(64)}` } });
        const pull = single(resources, REPOSITORY_GRANT);
        expect(pull.inputs).to.include({ project: "shared-images", location: "us", repository: "gcr.io", role: "roles/artifactregistry.reader" });
        expect(pull.inputs["member"]).to.match(/^serviceAccount:service-\d{12}@serverless-robot-prod\.iam\.gserviceaccount\.com$/);
        expect(pull.inputs["member"], "the agent of the service's project, not the provider's").to.not.include("123456789012");
        const { resources: dockerHub } = await build({ ...PROD_ARGS, image: { uri: "docker.io/library/serving:1" } });
        expect(ofType(dockerHub, REPOSITORY_GRANT)).to.deep.equal([]);
    });

    it("lets anyone invoke in dev only when auth is none", async () => {
        const { resources, endpoint } = await build({ ...PROD_ARGS, stage: "dev", auth: "none", invokers: [] });
        expect(ofType(resources, INVOKER).map((invoker) => invoker.inputs["member"])).to.deep.equal(["allUsers"]);
        expect(endpoint.authMode).to.equal("none");
    });

    describe("canary", () => {
        const canary: CloudRunEndpointArgs = { ...PROD_ARGS, rollout: { strategy: "canary", canaryPercent: 10 } };

        it("splits 90/10 between the stable revision and the new one, summing to 100", async () => {
            const { resources } = await build({ ...canary, stableRevision: "churn-classifier-prod-r0123456789" });
            const traffics = single(resources, SERVICE).inputs["traffics"] as { type: string; percent: number; revision?: string; tag?: string }[];
            expect(traffics).to.deep.equal([
                { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: "churn-classifier-prod-r0123456789", percent: 90, tag: "stable" },
                { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 10, tag: "canary" },
            ]);
            expect(traffics.reduce((sum, target) => sum + target.percent, 0)).to.equal(100);
        });

        it("sends everything to the latest revision on a first deployment and once promoted", async () => {
            const { resources } = await build(canary);
            const service = single(resources, SERVICE);
            expect(service.inputs["traffics"]).to.deep.equal([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
            const promoted = cloudRunTraffic("canary", 10, String(input(service, "template", "revision")), String(input(service, "template", "revision")));
            expect(promoted).to.deep.equal([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
        });

        it("names a new revision when anything in the template changes, and the same one otherwise", () => {
            const template = { containers: [{ image: "i@sha256:1", envs: [{ name: "A", value: "1" }] }], maxInstanceRequestConcurrency: 80 };
            const reordered = { maxInstanceRequestConcurrency: 80, containers: [{ envs: [{ value: "1", name: "A" }], image: "i@sha256:1" }] };
            expect(revisionNameFor("svc", template)).to.equal(revisionNameFor("svc", reordered));
            expect(revisionNameFor("svc", { ...template, maxInstanceRequestConcurrency: 40 })).not.to.equal(revisionNameFor("svc", template));
            expect(revisionNameFor("svc", { ...template, containers: [{ image: "i@sha256:2" }] })).not.to.equal(revisionNameFor("svc", template));
        });
    });

    describe("refuses bad args with a message naming the field and what is allowed", () => {
        const refuses = (args: Partial<CloudRunEndpointArgs>, pattern: RegExp) =>
            expect(() => new CloudRunEndpoint("bad", { ...PROD_ARGS, ...args })).to.throw(pattern);

        it("a MAX_CONCURRENT_REQUESTS of its own: the service's concurrency sets it", () => {
            refuses({ environment: { MAX_CONCURRENT_REQUESTS: "5" } }, /environment.MAX_CONCURRENT_REQUESTS: "5" is set from maxInstanceRequestConcurrency \(80\); change scaling.targetLoadPerInstance \(1–1000\) instead/);
        });

        it("min above max, and concurrency outside 1–1000", () => {
            refuses({ scaling: { minInstances: 5, maxInstances: 2 } }, /scaling.minInstances 5 is greater than maxInstances 2/);
            refuses({ scaling: { minInstances: 2, maxInstances: 4, targetLoadPerInstance: 1001 } }, /concurrency 1001 must be a whole number of requests per instance from 1 to 1000/);
            refuses({ scaling: { minInstances: 2, maxInstances: 4, targetLoadPerInstance: 0.5 } }, /concurrency 0.5/);
        });

        it("auth none in prod, and public or malformed invokers", () => {
            refuses({ auth: "none" }, /auth "none" \(allUsers may invoke\) is refused in prod/);
            refuses({ auth: "key" }, /auth "key" is not offered by this target; allowed: iam, none/);
            refuses({ invokers: ["allUsers"] }, /invoker "allUsers" is public access/);
            refuses({ invokers: ["ana@example.com"] }, /invoker "ana@example.com" is not a principal; use user:<email>/);
        });

        it("CPU and memory pairs Cloud Run rejects", () => {
            refuses({ cpu: "1", memory: "8Gi" }, /memory "8Gi" does not fit cpu "1": Cloud Run allows 512Mi–4Gi with 1 vCPU/);
            refuses({ cpu: "4", memory: "1Gi" }, /memory "1Gi" does not fit cpu "4": Cloud Run allows 2Gi–16Gi/);
            refuses({ memory: "2GB" }, /memory "2GB" is not a size such as 512Mi or 2Gi/);
            expect(cloudRunSizeProblem("8", "32Gi")).to.equal(undefined);
            expect(cloudRunSizeProblem("0.5", "1Gi")).to.match(/cpu "0.5" is not a Cloud Run CPU count; allowed: 1, 2, 4, 6, 8/);
        });

        it("shared args Cloud Run has no use for, and a stable revision of another service", () => {
            refuses({ instanceType: "n1-standard-4" }, /instanceType "n1-standard-4" is not a Cloud Run setting/);
            refuses({ environment: { PORT: "9000" } }, /PORT is set by Cloud Run itself/);
            refuses({ rollout: { strategy: "canary", autoRollback: true } }, /Cloud Run has no automatic rollback/);
            refuses({ stableRevision: "churn-classifier-prod-r1" }, /stableRevision is only read by rollout.strategy "canary", not "all-at-once"/);
            refuses({ rollout: { strategy: "canary" }, stableRevision: "other-svc-r1" }, /stableRevision "other-svc-r1" is not a revision of service "churn-classifier-prod"/);
            refuses({ model: { name: "m", version: "1", artifactUri: "s3://bucket/model/" } }, /model.artifactUri "s3:\/\/bucket\/model\/" is not a gs:\/\/ directory/);
        });

        it("accepts every kind of principal", () => {
            for (const member of ["user:ana@example.com", "serviceAccount:ci@p.iam.gserviceaccount.com", "group:ml@example.com", "domain:example.com"]) {
                expect(invokerMemberProblem(member), member).to.equal(undefined);
            }
        });
    });
});
