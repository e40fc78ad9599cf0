import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
    VERTEX_DEPLOYMENT_KIND,
    VertexModelDeploymentInputs,
    VertexModelDeploymentOutputs,
    splitWithout,
    vertexDeploymentProvider,
} from "../../components/gcp/vertex-deployment";
import { FAKE_ACCESS_TOKEN, FakeVertexApi } from "./fake-vertex-api";

// The dynamic provider's lifecycle, driven the way the engine drives it (check, diff, create, update,
// delete on the provider object), against a loopback fake of the Vertex AI REST API. Authentication is
// the real application-default-credentials path: GOOGLE_APPLICATION_CREDENTIALS names a credentials file
// whose token URL is the fake, and the fake refuses any call without the token it issued.

type Provider = Required<typeof vertexDeploymentProvider>;
const provider = vertexDeploymentProvider as Provider;

async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected the call to fail");
}

describe("VertexModelDeployment provider", () => {
    let fake: FakeVertexApi;
    let credentialsDir: string;
    let savedCredentials: string | undefined;
    let endpoint: string;
    let inputs: VertexModelDeploymentInputs;
    /** User credentials (`gcloud auth application-default login` with workforce identity) whose token URL is the fake. */
    const workforceUserCredentials = () => ({
        type: "external_account_authorized_user",
        audience: "//iam.googleapis.com/locations/global/workforcePools/test/providers/test",
        client_id: "fake-client",
        client_secret: "fake-secret",
        refresh_token: "fake-refresh-token",
        token_url: `${fake.baseUrl}/token`,
    });

    before(async () => {
        fake = await new FakeVertexApi().start();
        fake.addBucket("models-bucket", "US-CENTRAL1", true);
        credentialsDir = fs.mkdtempSync(path.join(os.tmpdir(), "vertex-adc-"));
        const credentials = path.join(credentialsDir, "application_default_credentials.json");
        fs.writeFileSync(credentials, JSON.stringify(workforceUserCredentials()));
        savedCredentials = process.env["GOOGLE_APPLICATION_CREDENTIALS"];
        process.env["GOOGLE_APPLICATION_CREDENTIALS"] = credentials;
    });

    after(async () => {
        if (savedCredentials === undefined) delete process.env["GOOGLE_APPLICATION_CREDENTIALS"];
        else process.env["GOOGLE_APPLICATION_CREDENTIALS"] = savedCredentials;
        fs.rmSync(credentialsDir, { recursive: true, force: true });
        await fake.stop();
    });

    let endpointCount = 0;
    beforeEach(() => {
        endpoint = fake.addEndpoint("ml-proj", "us-central1", String(100000000 + ++endpointCount));
        fake.pollsUntilDone = 2;
        inputs = {
            kind: VERTEX_DEPLOYMENT_KIND,
            project: "ml-proj",
            region: "us-central1",
            endpoint,
            displayName: "churn-classifier-1-0-0",
            artifactUri: "gs://models-bucket/models/churn-classifier/1-0-0/",
            imageUri: `us-central1-docker.pkg.dev/ml-proj/serving/serving@sha256:${"a".repeat(64)}`,
            containerPort: 8080,
            healthRoute: "/health/ready",
            predictRoute: "/predict",
            env: { MODEL_NAME: "churn-classifier", MODEL_VERSION: "1.0.0" },
            serviceAccount: "churn-serving@ml-proj.iam.gserviceaccount.com",
            machineType: "n1-standard-4",
            minReplicaCount: 2,
            maxReplicaCount: 10,
            cpuTarget: 60,
            rollout: { strategy: "all-at-once", canaryPercent: 10, bakeSeconds: 0 },
            labels: { stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier" },
            apiEndpoint: fake.baseUrl,
            pollInitialMs: 1,
            pollMaxMs: 4,
            operationTimeoutSeconds: 5,
        };
    });

    const liveEndpoint = () => fake.endpoints.get(endpoint)!;
    const create = async (overrides: Partial<VertexModelDeploymentInputs> = {}) => {
        const result = await provider.create({ ...inputs, ...overrides });
        return result.outs as VertexModelDeploymentOutputs;
    };

    describe("create", () => {
        it("uploads the model with our container spec, deploys it with dedicated autoscaled replicas, and reports its ids", async () => {
            const { id, outs } = await provider.create(inputs);
            const upload = fake.callsTo("models:upload")[0]!;
            expect(upload.body).to.deep.equal({
                model: {
                    displayName: "churn-classifier-1-0-0",
                    artifactUri: inputs.artifactUri,
                    containerSpec: {
                        imageUri: inputs.imageUri,
                        ports: [{ containerPort: 8080 }],
                        healthRoute: "/health/ready",
                        predictRoute: "/predict",
                        env: [
                            { name: "MODEL_NAME", value: "churn-classifier" },
                            { name: "MODEL_VERSION", value: "1.0.0" },
                            // Finding 9: the original URI, for a custom serving account that cannot read Vertex's copy.
                            { name: "MODEL_ARTIFACT_URI", value: inputs.artifactUri },
                        ],
                    },
                    labels: inputs.labels,
                },
            });
            const deploy = fake.callsTo(`${endpoint}:deployModel`)[0]!;
            expect(deploy.body).to.deep.equal({
                deployedModel: {
                    model: outs!.modelName,
                    displayName: "churn-classifier-1-0-0",
                    serviceAccount: inputs.serviceAccount,
                    dedicatedResources: {
                        machineSpec: { machineType: "n1-standard-4" },
                        minReplicaCount: 2,
                        maxReplicaCount: 10,
                        autoscalingMetricSpecs: [{ metricName: "aiplatform.googleapis.com/prediction/online/cpu/utilization", target: 60 }],
                    },
                },
            });
            // Deployed with no traffic (DeployModelRequest: an empty trafficSplit leaves the endpoint's split as it
            // is), then given all of it with endpoints.patch, carrying the endpoint's required displayName.
            const patch = fake.callsTo(`PATCH ${endpoint}?updateMask=traffic_split`).at(-1)!;
            expect(patch.body).to.deep.equal({ name: endpoint, displayName: "churn-classifier-prod", trafficSplit: { [outs!.deployedModelId]: 100 } });
            const deployed = liveEndpoint().deployedModels;
            expect(deployed.map((model) => model.id)).to.deep.equal([outs!.deployedModelId]);
            expect(outs).to.include({ endpointId: endpoint.split("/").pop(), predictUrl: `${fake.baseUrl}/v1/${endpoint}:predict` });
            expect(outs!.modelName).to.match(/^projects\/123456789\/locations\/us-central1\/models\/\d+$/);
            expect(outs!.trafficSplit).to.deep.equal({ [outs!.deployedModelId]: 100 });
            expect(id).to.equal(`${endpoint}/deployments/churn-classifier-1-0-0`);
        });

        it("authenticates every call with the application-default-credentials token and waits for each operation", async () => {
            const before = fake.calls.length;
            await create();
            const calls = fake.calls.slice(before);
            expect(calls.every((call) => call.authorization === `Bearer ${FAKE_ACCESS_TOKEN}`)).to.equal(true);
            // Two operations (upload, deploy), each polled until done after two "not yet" answers.
            expect(calls.filter((call) => call.method === "GET" && call.path.includes("/operations/"))).to.have.length(6);
        });

        it("surfaces a failed operation's own message and removes the uploaded model again", async () => {
            fake.failOperation(":deployModel", 8, "The machine type n1-standard-4 is temporarily unavailable in us-central1.");
            const modelsBefore = fake.models.size;
            const error = await rejection(create());
            expect(error.message).to.match(/deploying model .* failed: The machine type n1-standard-4 is temporarily unavailable in us-central1\. \(code 8, operation /);
            expect(error.message).to.match(/rolled back: the new deployed model, if Google still completes it, has no traffic and is retired by the next create, update or delete; deleted model projects\/123456789\/locations\/us-central1\/models\/\d+/);
            expect(fake.models.size).to.equal(modelsBefore);
            expect(liveEndpoint().deployedModels).to.deep.equal([]);
        });

        it("surfaces an HTTP error body's status and message", async () => {
            fake.failHttp("models:upload", 400, "INVALID_ARGUMENT", "Invalid image URI: us-central1-docker.pkg.dev/nope.");
            const error = await rejection(create());
            expect(error.message).to.equal(`Vertex AI: POST v1/projects/ml-proj/locations/us-central1/models:upload failed with INVALID_ARGUMENT: Invalid image URI: us-central1-docker.pkg.dev/nope.`);
        });

        it("gives up on an operation that does not finish within the timeout, naming it", async () => {
            fake.hangOperation("models:upload");
            const started = Date.now();
            const error = await rejection(create({ operationTimeoutSeconds: 0.2, pollInitialMs: 10, pollMaxMs: 40 }));
            expect(error.message).to.match(/^Vertex AI: uploading model "churn-classifier-1-0-0" did not finish within 0.2 s \(operation projects\/123456789\/locations\/us-central1\/models\/\d+\/operations\/\d+\)/);
            expect(Date.now() - started).to.be.within(100, 2000);
        });
    });

    describe("update", () => {
        it("changes only the replica bounds in place with mutateDeployedModel", async () => {
            const olds = await create();
            const uploads = fake.callsTo("models:upload").length;
            const { outs } = await provider.update("id", olds, { ...inputs, minReplicaCount: 3, maxReplicaCount: 12, cpuTarget: 70 });
            expect(fake.callsTo("models:upload")).to.have.length(uploads);
            const mutate = fake.callsTo(":mutateDeployedModel").at(-1)!;
            expect(mutate.body).to.deep.include({ updateMask: "dedicatedResources.minReplicaCount,dedicatedResources.maxReplicaCount,dedicatedResources.autoscalingMetricSpecs" });
            expect(liveEndpoint().deployedModels[0]!.dedicatedResources).to.deep.include({ minReplicaCount: 3, maxReplicaCount: 12 });
            expect(outs).to.include({ deployedModelId: olds.deployedModelId, modelName: olds.modelName, minReplicaCount: 3 });
        });

        it("rolls a new image out all at once: deploys beside the old one, moves all traffic, retires the old one", async () => {
            const olds = await create();
            const { outs } = await provider.update("id", olds, { ...inputs, imageUri: inputs.imageUri.replace(/a{64}/, "b".repeat(64)) });
            expect(outs!.deployedModelId).to.not.equal(olds.deployedModelId);
            expect(liveEndpoint().deployedModels.map((model) => model.id)).to.deep.equal([outs!.deployedModelId]);
            expect(liveEndpoint().trafficSplit).to.deep.equal({ [outs!.deployedModelId]: 100 });
            expect(fake.models.has(olds.modelName)).to.equal(false);
            expect(fake.models.get(outs!.modelName)!.containerSpec["imageUri"]).to.match(/b{64}$/);
            expect(outs!.cleanupErrors).to.deep.equal([]);
        });

        it("retires the previous deployed model even when the display name changed", async () => {
            const olds = await create();
            const { outs } = await provider.update("id", olds, { ...inputs, displayName: "churn-classifier-renamed" });
            expect(liveEndpoint().deployedModels.map((model) => model.id)).to.deep.equal([outs!.deployedModelId]);
            expect(fake.models.has(olds.modelName)).to.equal(false);
        });

        it("rolls a canary out: canaryPercent to the new model while it bakes, then all of it", async () => {
            const olds = await create();
            const historyStart = fake.splitHistory.length;
            const news = { ...inputs, artifactUri: "gs://models-bucket/models/churn-classifier/1-1-0/", rollout: { strategy: "canary" as const, canaryPercent: 10, bakeSeconds: 0.05 } };
            const { outs } = await provider.update("id", olds, news);
            const newId = outs!.deployedModelId;
            expect(fake.splitHistory.slice(historyStart)).to.deep.equal([
                { [newId]: 10, [olds.deployedModelId]: 90 },
                { [newId]: 100 },
                { [newId]: 100 }, // after the old deployed model is undeployed
            ]);
            expect(fake.callsTo("PATCH")).to.not.have.length(0);
            expect(liveEndpoint().deployedModels.map((model) => model.id)).to.deep.equal([newId]);
        });

        it("rolls back a failed rollout: the old deployed model keeps all traffic and the new model is removed", async () => {
            const olds = await create();
            fake.failOperation(":deployModel", 9, "Model server never became ready.");
            const modelsBefore = new Set(fake.models.keys());
            const error = await rejection(provider.update("id", olds, { ...inputs, imageUri: inputs.imageUri.replace(/a{64}/, "c".repeat(64)) }));
            expect(error.message).to.match(/Model server never became ready\. \(code 9, .*; rolled back: deployed model \d+ keeps all traffic; .*; deleted model/);
            expect(liveEndpoint().deployedModels.map((model) => model.id)).to.deep.equal([olds.deployedModelId]);
            expect(liveEndpoint().trafficSplit).to.deep.equal({ [olds.deployedModelId]: 100 });
            expect(new Set(fake.models.keys())).to.deep.equal(modelsBefore);
        });

        it("records a settings-only change without calling the API", async () => {
            const olds = await create();
            const callsBefore = fake.calls.length;
            const { outs } = await provider.update("id", olds, { ...inputs, rollout: { strategy: "canary", canaryPercent: 20, bakeSeconds: 60 } });
            expect(fake.calls.length).to.equal(callsBefore);
            expect(outs!.rollout).to.deep.equal({ strategy: "canary", canaryPercent: 20, bakeSeconds: 60 });
        });
    });

    describe("delete", () => {
        it("undeploys, then deletes the model; deleting again finds nothing to do", async () => {
            const outs = await create();
            await provider.delete("id", outs);
            expect(liveEndpoint().deployedModels).to.deep.equal([]);
            expect(fake.models.has(outs.modelName)).to.equal(false);
            const undeploy = fake.callsTo(":undeployModel").at(-1)!;
            expect(undeploy.body).to.deep.equal({ deployedModelId: outs.deployedModelId });
            await provider.delete("id", outs);
        });

        it("also removes a leftover of an interrupted rollout (same display name)", async () => {
            const outs = await create();
            const leftover = await create({ imageUri: inputs.imageUri.replace(/a{64}/, "d".repeat(64)) });
            await provider.delete("id", outs);
            expect(liveEndpoint().deployedModels).to.deep.equal([]);
            expect(fake.models.has(leftover.modelName)).to.equal(false);
        });
    });

    describe("diff", () => {
        const olds = () => ({ ...inputs, endpointId: "1", modelName: "m", deployedModelId: "1", predictUrl: "u", trafficSplit: {}, cleanupErrors: [] });

        it("replaces for a new project, region or endpoint, and never deletes first", async () => {
            const result = await provider.diff("id", olds(), { ...inputs, region: "europe-west4", endpoint: "projects/ml-proj/locations/europe-west4/endpoints/2" });
            expect(result).to.deep.equal({ changes: true, replaces: ["region", "endpoint"], deleteBeforeReplace: false });
        });

        it("updates in place for a new image or new replica bounds, and reports no change for equal inputs", async () => {
            expect(await provider.diff("id", olds(), { ...inputs, imageUri: "other@sha256:1" })).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false });
            expect(await provider.diff("id", olds(), { ...inputs, maxReplicaCount: 20 })).to.deep.include({ changes: true, replaces: [] });
            const reordered = { ...inputs, env: { MODEL_VERSION: "1.0.0", MODEL_NAME: "churn-classifier" } };
            expect(await provider.diff("id", olds(), reordered)).to.deep.include({ changes: false });
        });
    });

    describe("check", () => {
        it("names each bad input with its value", async () => {
            const { failures } = await provider.check(inputs, {
                ...inputs,
                minReplicaCount: 5,
                maxReplicaCount: 2,
                cpuTarget: 140,
                env: { AIP_STORAGE_URI: "gs://elsewhere" },
                apiEndpoint: "http://aiplatform.example.com",
            });
            expect(failures!.map((failure) => `${failure.property}: ${failure.reason}`)).to.deep.equal([
                "minReplicaCount: minReplicaCount 5 is greater than maxReplicaCount 2",
                "cpuTarget: cpuTarget 140 must be a whole-number CPU utilisation between 1 and 100 (%; AutoscalingMetricSpec.target is an int32)",
                "env: env AIP_STORAGE_URI: AIP_* variables are set by Vertex AI and cannot be overridden",
                "apiEndpoint: Vertex AI: apiEndpoint \"http://aiplatform.example.com\" must be an https:// URL (plain http is allowed only on loopback, for tests)",
            ]);
            expect((await provider.check(inputs, inputs)).failures).to.deep.equal([]);
        });
    });

    describe("user application default credentials (finding 1)", () => {
        // aiplatform.googleapis.com refuses user credentials without a quota project (403 "…requires a quota project,
        // which is not set by default"); google-auth-library v10 `getRequestHeaders(url)` adds `x-goog-user-project`
        // from the ADC file's `quota_project_id` (AuthClient.addSharedMetadataHeaders). The fake refuses any call
        // without the header, as Google does for user credentials.
        const withCredentials = async (file: Record<string, unknown>, run: () => Promise<void>) => {
            const credentials = path.join(credentialsDir, `adc-${Math.random().toString(16).slice(2)}.json`);
            fs.writeFileSync(credentials, JSON.stringify(file));
            const saved = process.env["GOOGLE_APPLICATION_CREDENTIALS"];
            process.env["GOOGLE_APPLICATION_CREDENTIALS"] = credentials;
            try {
                await run();
            } finally {
                process.env["GOOGLE_APPLICATION_CREDENTIALS"] = saved;
            }
        };

        it("sends the deployment's project as the quota project when the user credentials carry none", async () => {
            const before = fake.calls.length;
            await create();
            const calls = fake.calls.slice(before);
            expect(calls).to.not.have.length(0);
            expect(calls.map((call) => call.userProject)).to.deep.equal(calls.map(() => "ml-proj"));
        });

        it("sends the ADC file's quota_project_id, as google-auth-library builds it", async () => {
            await withCredentials({ ...workforceUserCredentials(), quota_project_id: "billing-proj" }, async () => {
                const before = fake.calls.length;
                await create();
                expect(new Set(fake.calls.slice(before).map((call) => call.userProject))).to.deep.equal(new Set(["billing-proj"]));
            });
        });

        it("works with `gcloud auth application-default login` credentials (authorized_user)", async () => {
            // An authorized_user file refreshes at https://oauth2.googleapis.com/token, which is out of reach here:
            // only that one exchange is redirected to the fake's token endpoint. The file parsing, UserRefreshClient
            // and the headers it builds are the library's own.
            const { UserRefreshClient } = require("google-auth-library") as typeof import("google-auth-library");
            // refreshTokenNoCache is protected: reached through a structural view of the prototype.
            type Refresh = () => Promise<{ tokens: Record<string, unknown>; res: null }>;
            const prototype = UserRefreshClient.prototype as unknown as { refreshTokenNoCache: Refresh };
            const original = prototype.refreshTokenNoCache;
            prototype.refreshTokenNoCache = async () => {
                const answer = await fetch(`${fake.baseUrl}/token`, { method: "POST", body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "fake-refresh-token" }) });
                const token = await answer.json() as { access_token: string; expires_in: number };
                return { tokens: { access_token: token.access_token, token_type: "Bearer", expiry_date: Date.now() + token.expires_in * 1000 }, res: null };
            };
            try {
                await withCredentials({ type: "authorized_user", client_id: "fake-client", client_secret: "fake-secret", refresh_token: "fake-refresh-token" }, async () => {
                    const before = fake.calls.length;
                    await create();
                    expect(new Set(fake.calls.slice(before).map((call) => call.userProject))).to.deep.equal(new Set(["ml-proj"]));
                });
            } finally {
                prototype.refreshTokenNoCache = original;
            }
        });
    });

    describe("a deploy that outlives the timeout (finding 7)", () => {
        // google.longrunning Operations.CancelOperation: "The server makes a best effort to cancel the operation,
        // but success is not guaranteed"; a cancelled operation ends with code 1 (CANCELLED).
        const slow = { operationTimeoutSeconds: 0.15, pollInitialMs: 10, pollMaxMs: 20 };

        it("cancels the operation; a cancelled deploy leaves nothing deployed", async () => {
            fake.completeLate(":deployModel", 400, true);
            const error = await rejection(create(slow));
            expect(error.message).to.match(/did not finish within 0\.15 s \(operation .*\); cancellation requested/);
            expect(fake.callsTo(":cancel")).to.have.length.greaterThan(0);
            await fake.settle();
            expect(liveEndpoint().deployedModels).to.deep.equal([]);
        });

        it("during a canary, a deploy Google completes anyway gets no traffic, and the retried update retires it", async () => {
            const olds = await create();
            const news = { ...inputs, ...slow, imageUri: inputs.imageUri.replace(/a{64}/, "e".repeat(64)), rollout: { strategy: "canary" as const, canaryPercent: 10, bakeSeconds: 0 } };
            fake.completeLate(":deployModel", 300, false);
            const error = await rejection(provider.update("id", olds, news));
            expect(error.message).to.match(/rolled back: deployed model \d+ keeps all traffic/);
            await fake.settle();
            // What the error said is true after Google finished the deploy: the old model has all the traffic.
            expect(liveEndpoint().deployedModels).to.have.length(2);
            expect(liveEndpoint().trafficSplit).to.deep.equal({ [olds.deployedModelId]: 100 });
            // The engine keeps the old state after a failed update, so the next `up` retries it and retires the stray.
            const { outs } = await provider.update("id", olds, { ...news, operationTimeoutSeconds: 5 });
            expect(liveEndpoint().deployedModels.map((model) => model.id)).to.deep.equal([outs!.deployedModelId]);
            expect(liveEndpoint().trafficSplit).to.deep.equal({ [outs!.deployedModelId]: 100 });
            expect(outs!.cleanupErrors).to.deep.equal([]);
        });

        it("after a failed create, the next create retires the deployed model Google completed anyway", async () => {
            fake.completeLate(":deployModel", 300, false);
            await rejection(create(slow));
            await fake.settle();
            const [stray] = liveEndpoint().deployedModels;
            expect(stray, "the late deploy completed").to.not.equal(undefined);
            expect(liveEndpoint().trafficSplit, "and serves nothing").to.deep.equal({});
            const outs = await create();
            expect(liveEndpoint().deployedModels.map((model) => model.id)).to.deep.equal([outs.deployedModelId]);
            expect(fake.models.has(stray!.model)).to.equal(false);
        });
    });

    describe("labels (finding 8)", () => {
        it("patches a label change onto the live model, with no new version", async () => {
            const olds = await create();
            const uploads = fake.callsTo("models:upload").length;
            const labels = { ...inputs.labels, "cost-centre": "ml-42" };
            expect(await provider.diff("id", olds, { ...inputs, labels })).to.deep.include({ changes: true, replaces: [] });
            const { outs } = await provider.update("id", olds, { ...inputs, labels });
            expect(fake.callsTo("models:upload")).to.have.length(uploads);
            expect(fake.callsTo(":deployModel").filter((call) => call.path.includes(endpoint))).to.have.length(1);
            const patch = fake.callsTo(`PATCH ${olds.modelName}`).at(-1)!;
            expect(patch.path).to.equal(`${olds.modelName}?updateMask=labels`);
            expect(fake.models.get(olds.modelName)!.labels).to.deep.equal(labels);
            expect(outs).to.include({ deployedModelId: olds.deployedModelId, modelName: olds.modelName });
            expect(outs!.labels).to.deep.equal(labels);
        });
    });

    describe("what Google refuses at deploy time (findings 2–4)", () => {
        it("an artifact bucket the Vertex AI service agent cannot read: FAILED_PRECONDITION, surfaced as is", async () => {
            fake.addBucket("other-project-models", "US-CENTRAL1", false);
            const error = await rejection(create({ artifactUri: "gs://other-project-models/churn/1/" }));
            expect(error.message).to.match(/models:upload failed with FAILED_PRECONDITION: Service account `service-\d+@gcp-sa-aiplatform\.iam\.gserviceaccount\.com` does not have `\[storage\.objects\.get\]`/);
        });

        it("an artifact bucket outside the model's region", async () => {
            fake.addBucket("eu-models", "EUROPE-WEST4", true);
            const error = await rejection(create({ artifactUri: "gs://eu-models/churn/1/" }));
            expect(error.message).to.match(/INVALID_ARGUMENT: .*location EUROPE-WEST4.*region us-central1/);
        });

        it("refuses a fractional replica count or CPU target in check, and the fake refuses one at deploy (int32)", async () => {
            const { failures } = await provider.check(inputs, { ...inputs, maxReplicaCount: 2.5, cpuTarget: 60.5 });
            expect(failures!.map((failure) => failure.property)).to.deep.equal(["maxReplicaCount", "cpuTarget"]);
            expect(failures![1]!.reason).to.equal("cpuTarget 60.5 must be a whole-number CPU utilisation between 1 and 100 (%; AutoscalingMetricSpec.target is an int32)");
            const error = await rejection(create({ cpuTarget: 60.5 }));
            expect(error.message).to.include("Invalid value at 'deployed_model.dedicated_resources.autoscaling_metric_specs[0].target' (TYPE_INT32), 60.5");
        });

        it("refuses a GPU machine type in check, and the fake refuses one without accelerators", async () => {
            const { failures } = await provider.check(inputs, { ...inputs, machineType: "a2-highgpu-1g" });
            expect(failures!.map((failure) => `${failure.property}: ${failure.reason}`)).to.deep.equal([
                "machineType: machineType a2-highgpu-1g comes with GPUs, but no acceleratorType/acceleratorCount is sent and the serving image's onnxruntime is CPU-only; use a CPU machine type such as n1-standard-4",
            ]);
            const error = await rejection(create({ machineType: "g2-standard-4" }));
            expect(error.message).to.include("Machine type g2-standard-4 has GPUs attached: machine_spec.accelerator_type and accelerator_count must be set.");
        });

        it("refuses MODEL_ARTIFACT_URI in env: the provider sets it (finding 9)", async () => {
            const { failures } = await provider.check(inputs, { ...inputs, env: { ...inputs.env, MODEL_ARTIFACT_URI: "gs://elsewhere/" } });
            expect(failures!.map((failure) => failure.reason)).to.deep.equal([
                "env MODEL_ARTIFACT_URI: set by the provider to artifactUri (the server's fallback when AIP_STORAGE_URI cannot be read)",
            ]);
        });
    });

    it("fails with a clear message when there are no application default credentials", async () => {
        process.env["GOOGLE_APPLICATION_CREDENTIALS"] = path.join(credentialsDir, "missing.json");
        try {
            const error = await rejection(create());
            expect(error.message).to.match(/^Vertex AI: could not get an access token from application default credentials \(.*missing\.json.*\); run `gcloud auth application-default login`/);
        } finally {
            process.env["GOOGLE_APPLICATION_CREDENTIALS"] = path.join(credentialsDir, "application_default_credentials.json");
        }
    });

    it("works after serialization, the way the engine's provider host loads it", async () => {
        const serialized = await pulumi.runtime.serializeFunction(() => vertexDeploymentProvider);
        const requireFromString = require("require-from-string") as (code: string) => { handler: () => Provider };
        const loaded = requireFromString(serialized.text).handler();
        const { outs } = await loaded.create(inputs);
        expect(liveEndpoint().deployedModels.map((model) => model.id)).to.deep.equal([outs!.deployedModelId]);
        await loaded.delete("id", outs!);
        expect(liveEndpoint().deployedModels).to.deep.equal([]);
    });

    it("splits traffic away from a removed deployed model", () => {
        expect(splitWithout({ a: 10, b: 90 }, "a")).to.deep.equal({ b: 100 });
        expect(splitWithout({ a: 100 }, "b")).to.deep.equal({ a: 100 });
        expect(splitWithout({ a: 100 }, "a")).to.deep.equal({});
    });
});
