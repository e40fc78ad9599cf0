import { expect } from "chai";
import { imageRepositoryOf } from "../../components/gcp/artifact-registry-image";
import {
    isVertexPredictionMachineType,
    VertexEndpoint,
    VertexEndpointArgs,
} from "../../components/gcp/vertex-endpoint";
import { GCP_MOCK_BUCKET_LOCATIONS } from "../harness/clouds/gcp";
import type { RecordedResource } from "../harness/recorder";
import { input, ofType, single } from "../harness/query";
import { recordResources, resolve } from "../harness/run-program";

const IMAGE = `us-central1-docker.pkg.dev/shared-images/serving/serving@sha256:${"a".repeat(64)}`;
const PROD_ARGS: VertexEndpointArgs = {
    stage: "prod",
    model: { name: "churn-classifier", version: "1.0.0", path: "app/model" },
    image: { uri: IMAGE },
    region: "us-central1",
    project: "ml-prod",
    instanceType: "n1-standard-4",
    scaling: { minInstances: 2, maxInstances: 10, targetLoadPerInstance: 60 },
    rollout: { strategy: "canary", canaryPercent: 10, bakeSeconds: 600 },
    tags: { team: "ml" },
};
const DEPLOYMENT = "pulumi-nodejs:dynamic:Resource";
const VERTEX_AGENT = "serviceAccount:service-123456789012@gcp-sa-aiplatform.iam.gserviceaccount.com";
const BUCKET_GRANT = "gcp:storage/bucketIAMMember:BucketIAMMember";
const REPOSITORY_GRANT = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";

/** The recorded resources `resource` was registered as depending on. */
const dependenciesOf = (resources: readonly RecordedResource[], resource: RecordedResource) =>
    resources.filter((candidate) => resource.dependencies.includes(candidate.urn));

async function build(args: VertexEndpointArgs) {
    return recordResources("test", () => new VertexEndpoint("vx", args));
}

describe("VertexEndpoint", () => {
    describe("prod, with a given image", () => {
        let resources: RecordedResource[];
        let endpoint: VertexEndpoint;
        before(async () => {
            const built = await build(PROD_ARGS);
            resources = built.resources;
            endpoint = built.result as unknown as VertexEndpoint;
        });

        it("deploys the model with 2–10 n1-standard-4 replicas autoscaled on CPU 60%, rolling out as a canary", () => {
            const deployment = single(resources, DEPLOYMENT);
            expect(deployment.inputs).to.include({
                kind: "ml-endpoints:gcp:VertexModelDeployment",
                machineType: "n1-standard-4",
                minReplicaCount: 2,
                maxReplicaCount: 10,
                cpuTarget: 60,
                imageUri: IMAGE,
                project: "ml-prod",
                region: "us-central1",
                healthRoute: "/health/ready",
                predictRoute: "/predict",
                containerPort: 8080,
            });
            expect(deployment.inputs["rollout"]).to.deep.equal({ strategy: "canary", canaryPercent: 10, bakeSeconds: 600 });
            expect(deployment.inputs["env"]).to.deep.equal({ MODEL_NAME: "churn-classifier", MODEL_VERSION: "1.0.0" });
            expect(deployment.inputs["labels"]).to.deep.include({ "model-version": "1-0-0" });
            expect(deployment.inputs["artifactUri"]).to.match(/^gs:\/\/vx-model-bucket\/models\/churn-classifier\/1-0-0\/[0-9a-f]{16}\/$/);
            expect(String(deployment.inputs["__provider"])).to.include("exports.handler");
        });

        it("creates the endpoint with a stable numeric id, labels and no CMEK unless asked", () => {
            const aiEndpoint = single(resources, "gcp:vertex/aiEndpoint:AiEndpoint");
            expect(aiEndpoint.inputs["name"]).to.match(/^[1-9]\d{8}$/);
            expect(aiEndpoint.inputs).to.include({ displayName: "churn-classifier-prod", location: "us-central1", project: "ml-prod" });
            expect(aiEndpoint.inputs["labels"]).to.deep.equal({ team: "ml", stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier" });
            expect(aiEndpoint.inputs["encryptionSpec"]).to.equal(undefined);
            expect(single(resources, DEPLOYMENT).inputs["endpoint"]).to.equal(`projects/ml-prod/locations/us-central1/endpoints/${aiEndpoint.inputs["name"]}`);
        });

        it("runs as its own service account that can read the model bucket and nothing else", () => {
            const account = single(resources, "gcp:serviceaccount/account:Account");
            expect(account.inputs["accountId"]).to.match(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
            const email = `${account.inputs["accountId"]}@ml-prod.iam.gserviceaccount.com`;
            expect(single(resources, DEPLOYMENT).inputs["serviceAccount"]).to.equal(email);
            const grants = resources.filter((resource) => resource.type.toLowerCase().includes("iammember") && resource.inputs["member"] === `serviceAccount:${email}`);
            expect(grants.map((grant) => [grant.type, grant.inputs["role"], grant.inputs["bucket"]])).to.deep.equal([
                ["gcp:storage/bucketIAMMember:BucketIAMMember", "roles/storage.objectViewer", "vx-model-bucket"],
            ]);
        });

        it("lets the Vertex AI service agent, which pulls the image, read the image's repository", () => {
            const pull = single(resources, "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
            expect(pull.inputs).to.include({
                project: "shared-images",
                location: "us-central1",
                repository: "serving",
                role: "roles/artifactregistry.reader",
                member: "serviceAccount:service-123456789012@gcp-sa-aiplatform.iam.gserviceaccount.com",
            });
        });

        it("lets the Vertex AI service agent read the model bucket, before the model is uploaded (finding 2)", () => {
            // models:upload reads the artifacts as the service agent, not as the serving account: without this grant
            // a bucket the agent cannot read fails with FAILED_PRECONDITION (GoogleCloudPlatform/vertex-ai-samples#3710).
            const agentRead = resources.find((resource) => resource.type === BUCKET_GRANT && resource.inputs["member"] === VERTEX_AGENT);
            expect(agentRead?.inputs).to.include({ bucket: "vx-model-bucket", role: "roles/storage.objectViewer" });
            const deployment = single(resources, DEPLOYMENT);
            expect(dependenciesOf(resources, deployment).map((resource) => resource.name)).to.include.members(["vx-agent-model-read", "vx-model-read", "vx-image-pull"]);
        });

        it("uploads the model privately and parents every child on itself", () => {
            const bucket = single(resources, "gcp:storage/bucket:Bucket");
            expect(bucket.inputs).to.include({ uniformBucketLevelAccess: true, publicAccessPrevention: "enforced" });
            expect(ofType(resources, "docker:index/image:Image")).to.have.length(0);
            const direct = resources.filter((resource) => resource.parent === "vx");
            expect(direct.length).to.be.greaterThan(5);
            expect(resources.filter((resource) => resource.name !== "vx" && resource.parent === undefined)).to.deep.equal([]);
        });

        it("exposes the ids and the predict URL", async () => {
            const [endpointName, deployedModelId, modelName, predictUrl] = await Promise.all([
                resolve(endpoint.endpointName), resolve(endpoint.deployedModelId), resolve(endpoint.modelName), resolve(endpoint.predictUrl),
            ]);
            expect(endpointName).to.match(/^projects\/ml-prod\/locations\/us-central1\/endpoints\/\d{9}$/);
            expect(deployedModelId).to.match(/^\d+$/);
            expect(modelName).to.match(/\/models\/\d+$/);
            expect(predictUrl).to.equal(`https://us-central1-aiplatform.googleapis.com/v1/${endpointName}:predict`);
        });
    });

    describe("with CMEK and its own image", () => {
        let resources: RecordedResource[];
        const key = "projects/ml-prod/locations/us-central1/keyRings/ml/cryptoKeys/endpoints";
        before(async () => {
            resources = (await build({ ...PROD_ARGS, image: undefined, kmsKeyName: key })).resources;
        });

        it("encrypts the endpoint, the model, the bucket and the repository with the key", () => {
            expect(input(single(resources, "gcp:vertex/aiEndpoint:AiEndpoint"), "encryptionSpec", "kmsKeyName")).to.equal(key);
            expect(single(resources, DEPLOYMENT).inputs["kmsKeyName"]).to.equal(key);
            expect(input(single(resources, "gcp:storage/bucket:Bucket"), "encryption", "defaultKmsKeyName")).to.equal(key);
            expect(single(resources, "gcp:artifactregistry/repository:Repository").inputs["kmsKeyName"]).to.equal(key);
        });

        it("lets each service's agent use the key, and builds the image in the endpoint's region", () => {
            const users = ofType(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
            expect(users.map((grant) => grant.inputs["member"]).sort()).to.deep.equal([
                "serviceAccount:service-123456789012@gcp-sa-aiplatform.iam.gserviceaccount.com",
                "serviceAccount:service-123456789012@gcp-sa-artifactregistry.iam.gserviceaccount.com",
                "serviceAccount:service-123456789012@gs-project-accounts.iam.gserviceaccount.com",
            ]);
            expect(users.every((grant) => grant.inputs["role"] === "roles/cloudkms.cryptoKeyEncrypterDecrypter" && grant.inputs["cryptoKeyId"] === key)).to.equal(true);
            expect(single(resources, "gcp:artifactregistry/repository:Repository").inputs["location"]).to.equal("us-central1");
            expect(single(resources, "docker:index/image:Image").inputs["imageName"]).to.match(/^us-central1-docker\.pkg\.dev\/ml-prod\//);
        });
    });

    it("uses an existing gs:// model directory as is and grants read on its bucket to the serving account and the Vertex AI agent", async () => {
        const { resources } = await build({ ...PROD_ARGS, model: { name: "fraud", version: "3", artifactUri: "gs://team-models/fraud/3/" } });
        expect(ofType(resources, "gcp:storage/bucket:Bucket")).to.have.length(0);
        expect(single(resources, DEPLOYMENT).inputs["artifactUri"]).to.equal("gs://team-models/fraud/3/");
        const grants = ofType(resources, BUCKET_GRANT);
        expect(grants.map((grant) => [grant.inputs["bucket"], grant.inputs["role"]])).to.deep.equal([["team-models", "roles/storage.objectViewer"], ["team-models", "roles/storage.objectViewer"]]);
        expect(grants.map((grant) => grant.inputs["member"])).to.include(VERTEX_AGENT);
    });

    it("refuses an existing model bucket outside the endpoint's region, before anything is deployed (finding 2)", async () => {
        // "Import models to Vertex AI": the artifacts' bucket must be in the region of the regional endpoint.
        GCP_MOCK_BUCKET_LOCATIONS.set("eu-models", "EUROPE-WEST4");
        const unhandled: unknown[] = [];
        const collect = (reason: unknown) => unhandled.push(reason);
        const mochaHandlers = process.listeners("unhandledRejection");
        process.removeAllListeners("unhandledRejection");
        process.on("unhandledRejection", collect);
        try {
            const { resources, result } = await build({ ...PROD_ARGS, model: { name: "fraud", version: "3", artifactUri: "gs://eu-models/fraud/3/" } });
            const refusal = await (result as unknown as { artifactUri: { promise(): Promise<string> } }).artifactUri.promise().then(() => undefined, (error: Error) => error.message);
            expect(refusal).to.include('model.artifactUri "gs://eu-models/fraud/3/" is in a bucket located in EUROPE-WEST4, but the endpoint is in us-central1');
            expect(ofType(resources, DEPLOYMENT), "nothing is uploaded or deployed").to.have.length(0);
        } finally {
            await new Promise((done) => setTimeout(done, 50));
            process.removeListener("unhandledRejection", collect);
            for (const handler of mochaHandlers) process.on("unhandledRejection", handler);
            GCP_MOCK_BUCKET_LOCATIONS.delete("eu-models");
        }
    });

    it("grants the Vertex AI agent read on a gcr.io image's Artifact Registry repository (finding 6)", async () => {
        // Artifact Registry "gcr.io repositories": gcr.io is served from the repository named gcr.io in location us
        // (eu.gcr.io: europe, asia.gcr.io: asia), and access is Artifact Registry IAM on it, no longer the bucket.
        const uri = `gcr.io/legacy-images/serving@sha256:${"c".repeat(64)}`;
        const { resources } = await build({ ...PROD_ARGS, image: { uri } });
        expect(single(resources, REPOSITORY_GRANT).inputs).to.include({ project: "legacy-images", location: "us", repository: "gcr.io", role: "roles/artifactregistry.reader", member: VERTEX_AGENT });
        expect(imageRepositoryOf(`eu.gcr.io/example.com/legacy/serving:1`)).to.deep.equal({ location: "europe", project: "example.com:legacy", repository: "eu.gcr.io" });
        expect(imageRepositoryOf(`asia.gcr.io/p/serving:1`)).to.deep.equal({ location: "asia", project: "p", repository: "asia.gcr.io" });
    });

    it("refuses bad args with a message naming the field, the value and what is allowed", () => {
        const refusals: [Partial<VertexEndpointArgs>, RegExp][] = [
            [{ instanceType: "e2-micro" }, /instanceType "e2-micro" is not a Vertex AI CPU prediction machine type \(.*e\.g\. n1-standard-4\)/],
            [{ instanceType: "n1-standard-1" }, /instanceType "n1-standard-1" is not a Vertex AI CPU prediction machine type/],
            // Finding 3: GPU machine types need accelerator fields the deployment does not send, and a CUDA build of onnxruntime.
            [{ instanceType: "a2-highgpu-1g" }, /instanceType "a2-highgpu-1g" is a GPU machine type: it needs acceleratorType\/acceleratorCount, which are not sent, and the serving image's onnxruntime is CPU-only/],
            [{ instanceType: "g2-standard-8" }, /instanceType "g2-standard-8" is a GPU machine type/],
            // Finding 4: replica counts and the autoscaling target are int32 (DedicatedResources, AutoscalingMetricSpec).
            [{ scaling: { minInstances: 2, maxInstances: 10, targetLoadPerInstance: 60.5 } }, /scaling.targetLoadPerInstance 60.5 must be a whole number: Vertex AI takes it as an int32/],
            [{ scaling: { minInstances: 2.5, maxInstances: 10 } }, /scaling.minInstances 2.5 must be a whole number/],
            [{ scaling: { minInstances: 4, maxInstances: 2 } }, /scaling.minInstances 4 is greater than maxInstances 2/],
            [{ scaling: { minInstances: 0, maxInstances: 2 } }, /scaling.minInstances 0 must be at least 1/],
            [{ scaling: { minInstances: 1, maxInstances: 2, targetLoadPerInstance: 250 } }, /targetLoadPerInstance 250 must be a CPU utilisation between 1 and 100/],
            [{ auth: "none" }, /auth "none" is not offered by this target; allowed: iam/],
            [{ model: { name: "m", version: "1", artifactUri: "s3://bucket/model/" } }, /model.artifactUri "s3:\/\/bucket\/model\/" must be a gs:\/\/ directory/],
            [{ image: { uri: "docker.io/library/serving:1" } }, /image.uri "docker.io\/library\/serving:1" must be an Artifact Registry .* or gcr.io image/],
        ];
        refusals.forEach(([change, message], index) => {
            expect(() => new VertexEndpoint(`bad-${index}`, { ...PROD_ARGS, ...change })).to.throw(message);
        });
    });

    it("knows Vertex AI's prediction machine families", () => {
        for (const served of ["n1-standard-2", "n1-highmem-8", "n2-standard-4", "e2-standard-2", "c2-standard-4", "c3-highcpu-22"]) {
            expect(isVertexPredictionMachineType(served), served).to.equal(true);
        }
        for (const refused of ["n1-standard-1", "e2-medium", "f1-micro", "c2-standard-2", "g2-standard-8", "a2-highgpu-1g", "a3-highgpu-8g", "ml.m5.xlarge", "Standard_DS3_v2", "custom-4-16384"]) {
            expect(isVertexPredictionMachineType(refused), refused).to.equal(false);
        }
        expect(imageRepositoryOf(IMAGE)).to.deep.equal({ location: "us-central1", project: "shared-images", repository: "serving" });
        expect(imageRepositoryOf("gcr.io/p/serving:1")).to.deep.equal({ location: "us", project: "p", repository: "gcr.io" });
        expect(imageRepositoryOf("docker.io/library/serving:1")).to.equal(undefined);
    });
});
