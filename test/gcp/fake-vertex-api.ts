import * as http from "node:http";
import type { AddressInfo } from "node:net";

// A loopback fake of the Vertex AI REST API (v1), following the documented shapes: models:upload,
// models.{patch,delete}, endpoints.{get,patch,deployModel,undeployModel,mutateDeployedModel}, and
// google.longrunning operations (get, cancel) that finish after a few polls. It also serves the OAuth token
// endpoint an `external_account_authorized_user` credentials file points at, so the provider's real application
// default credentials path runs too: every API call must carry the token it issued.
//
// It refuses what Google refuses:
// - a user-credentials token without `x-goog-user-project` (403: "Your application is authenticating by using local
//   Application Default Credentials. The aiplatform.googleapis.com API requires a quota project, which is not set by
//   default."); every token this fake issues is a user token (a refresh-token grant);
// - `models:upload` of artifacts the Vertex AI service agent cannot read (FAILED_PRECONDITION, as quoted in
//   GoogleCloudPlatform/vertex-ai-samples#3710), or in a bucket outside the model's region ("Import models to
//   Vertex AI": the bucket's region must match the regional endpoint);
// - a GPU machine type (a2/a3/g2) without its accelerator, and non-integer int32 fields (replica counts,
//   AutoscalingMetricSpec.target: "Invalid value at '…' (TYPE_INT32)", proto3 JSON mapping);
// - an Endpoint or Model patch without the required displayName, a traffic split that names unknown deployed
//   models or does not add up to 100, and deleting a model that is deployed or being deployed.
// Faults: an operation that finishes with `error`, an HTTP error body, an operation that never finishes, and one
// that completes on its own clock (after the provider's timeout), cancellable or not (cancel is best effort).

export const FAKE_ACCESS_TOKEN = "ya29.fake-loopback-token";
/** The message Google answers a user-ADC call without a quota project with (HTTP 403, PERMISSION_DENIED). */
export const QUOTA_PROJECT_REQUIRED = "Your application is authenticating by using local Application Default Credentials. The aiplatform.googleapis.com API requires a quota project, which is not set by default.";

interface FakeModel { name: string; displayName: string; artifactUri: string; containerSpec: Record<string, unknown>; labels?: Record<string, string> }
interface FakeDeployedModel { id: string; model: string; displayName: string; serviceAccount?: string; dedicatedResources: Record<string, unknown> }
interface FakeEndpoint { name: string; displayName: string; deployedModels: FakeDeployedModel[]; trafficSplit: Record<string, number> }
type Outcome = { response?: Record<string, unknown>; error?: { code: number; message: string } };
interface FakeOperation { name: string; pollsLeft: number; finish: () => Outcome; cancel: () => void; model?: string }

/** One request the fake received. */
export interface RecordedCall { method: string; path: string; body: unknown; authorization?: string; userProject?: string }

/** A fault armed for the next call whose `METHOD path` contains `match`. */
interface Fault { match: string; kind: "operation-error" | "http-error" | "never-done" | "late"; code: number; message: string; status?: string; afterMs?: number; honoursCancel?: boolean }

/** A bucket as the Vertex AI service agent sees it. */
interface FakeBucket { location: string; agentCanRead: boolean }

export class FakeVertexApi {
    readonly calls: RecordedCall[] = [];
    readonly models = new Map<string, FakeModel>();
    readonly endpoints = new Map<string, FakeEndpoint>();
    /** Every traffic split the endpoint had, in order. */
    readonly splitHistory: Record<string, number>[] = [];
    /** How many polls an operation takes to finish. */
    pollsUntilDone = 2;
    private readonly operations = new Map<string, FakeOperation>();
    private readonly buckets = new Map<string, FakeBucket>();
    private readonly timers = new Set<NodeJS.Timeout>();
    private faults: Fault[] = [];
    private nextId = 1000;
    private server?: http.Server;
    baseUrl = "";

    async start(): Promise<this> {
        this.server = http.createServer((req, res) => void this.handle(req, res));
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        for (const timer of this.timers) clearTimeout(timer);
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    /** A bucket, its location (e.g. `US-CENTRAL1`) and whether the Vertex AI service agent may read it. Unknown buckets are unreadable. */
    addBucket(name: string, location: string, agentCanRead: boolean): void {
        this.buckets.set(name, { location: location.toUpperCase(), agentCanRead });
    }

    /** An endpoint as `gcp.vertex.AiEndpoint` would have created it (display_name is required there too). */
    addEndpoint(project: string, region: string, id: string, displayName = "churn-classifier-prod"): string {
        const name = `projects/${project}/locations/${region}/endpoints/${id}`;
        this.endpoints.set(name, { name, displayName, deployedModels: [], trafficSplit: {} });
        return name;
    }

    /** The next matching call's operation finishes with `error {code, message}`. */
    failOperation(match: string, code: number, message: string): void {
        this.faults.push({ match, kind: "operation-error", code, message });
    }

    /** The next matching call answers with an HTTP error body `{error: {code, message, status}}`. */
    failHttp(match: string, code: number, status: string, message: string): void {
        this.faults.push({ match, kind: "http-error", code, message, status });
    }

    /** The next matching call's operation never finishes. */
    hangOperation(match: string): void {
        this.faults.push({ match, kind: "never-done", code: 0, message: "" });
    }

    /**
     * The next matching call's operation completes by itself `afterMs` after it started, whether polled or not, as
     * Google's do. `honoursCancel: false` models a cancel that came too late: the operation completes anyway.
     */
    completeLate(match: string, afterMs: number, honoursCancel: boolean): void {
        this.faults.push({ match, kind: "late", code: 0, message: "", afterMs, honoursCancel });
    }

    /** The calls whose path contains `fragment` (e.g. ":deployModel"). */
    callsTo(fragment: string): RecordedCall[] {
        return this.calls.filter((call) => `${call.method} ${call.path}`.includes(fragment));
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        const url = new URL(req.url ?? "/", this.baseUrl);
        const reply = (status: number, body: unknown) => {
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify(body));
        };
        const apiError = (code: number, status: string, message: string) => reply(code, { error: { code, message, status } });

        if (url.pathname === "/token") {
            const form = new URLSearchParams(text);
            if (form.get("grant_type") !== "refresh_token" || form.get("refresh_token") !== "fake-refresh-token") {
                return reply(400, { error: "invalid_grant", error_description: "bad refresh token" });
            }
            return reply(200, { access_token: FAKE_ACCESS_TOKEN, expires_in: 3600, token_type: "Bearer" });
        }

        const body = text === "" ? undefined : JSON.parse(text);
        const path = url.pathname.replace(/^\/v1\//, "") + url.search;
        const userProject = req.headers["x-goog-user-project"] as string | undefined;
        this.calls.push({ method: req.method ?? "", path, body, authorization: req.headers.authorization, userProject });
        if (req.headers.authorization !== `Bearer ${FAKE_ACCESS_TOKEN}`) {
            return apiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
        }
        if (userProject === undefined || userProject === "") return apiError(403, "PERMISSION_DENIED", QUOTA_PROJECT_REQUIRED);
        const faultIndex = this.faults.findIndex((fault) => `${req.method} ${path}`.includes(fault.match));
        const fault = faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0] : undefined;
        if (fault?.kind === "http-error") return apiError(fault.code, fault.status!, fault.message);

        try {
            const result = this.route(req.method ?? "", url.pathname.replace(/^\/v1\//, ""), url.searchParams, body, fault);
            return reply(200, result);
        } catch (error) {
            const { code, status, message } = error as { code: number; status: string; message: string };
            return apiError(code ?? 500, status ?? "INTERNAL", message);
        }
    }

    private route(method: string, path: string, query: URLSearchParams, body: any, fault: Fault | undefined): unknown {
        const notFound = (what: string) => Object.assign(new Error(`${what} not found.`), { code: 404, status: "NOT_FOUND" });
        const invalid = (message: string) => Object.assign(new Error(message), { code: 400, status: "INVALID_ARGUMENT" });
        const precondition = (message: string) => Object.assign(new Error(message), { code: 400, status: "FAILED_PRECONDITION" });

        const cancelMatch = /^(.+\/operations\/[^/:]+):cancel$/.exec(path);
        if (method === "POST" && cancelMatch) {
            const operation = this.operations.get(cancelMatch[1]!);
            if (!operation) throw notFound(`Operation ${cancelMatch[1]}`);
            operation.cancel();
            return {};
        }
        if (method === "GET" && path.includes("/operations/")) {
            const operation = this.operations.get(path);
            if (!operation) throw notFound(`Operation ${path}`);
            if (operation.pollsLeft > 0) {
                operation.pollsLeft--;
                return { name: operation.name, done: false };
            }
            const outcome = operation.finish();
            delete operation.model;
            return { name: operation.name, done: true, ...outcome };
        }

        let match = /^projects\/([^/]+)\/locations\/([^/]+)\/models:upload$/.exec(path);
        if (method === "POST" && match) {
            const model = body?.model;
            if (!model?.displayName || !model?.containerSpec?.imageUri) throw invalid("model.display_name and model.container_spec.image_uri are required.");
            const bucketName = /^gs:\/\/([^/]+)/.exec(model.artifactUri ?? "")?.[1];
            if (model.artifactUri !== undefined) {
                const bucket = bucketName === undefined ? undefined : this.buckets.get(bucketName);
                if (!bucket?.agentCanRead) {
                    throw precondition(`Service account \`service-123456789@gcp-sa-aiplatform.iam.gserviceaccount.com\` does not have \`[storage.objects.get]\` IAM permission(s) to the directory "${model.artifactUri}". Please either copy the files to the Google Cloud Storage bucket owned by your project, or grant the required IAM permission(s) to the service account.`);
                }
                if (bucket.location !== match[2]!.toUpperCase()) {
                    throw invalid(`Model artifacts in ${model.artifactUri} are in location ${bucket.location}; they must be in a bucket in the model's region ${match[2]}.`);
                }
            }
            const name = `projects/123456789/locations/${match[2]}/models/${this.nextId++}`;
            return this.operation(`${name}/operations/${this.nextId++}`, fault, () => {
                this.models.set(name, { name, displayName: model.displayName, artifactUri: model.artifactUri, containerSpec: model.containerSpec, labels: model.labels });
                return { "@type": "type.googleapis.com/google.cloud.aiplatform.v1.UploadModelResponse", model: name, modelVersionId: "1" };
            });
        }

        match = /^(projects\/[^/]+\/locations\/[^/]+\/endpoints\/[^/:]+)(?::(\w+))?$/.exec(path);
        if (match) {
            const endpoint = this.endpoints.get(match[1]!);
            if (!endpoint) throw notFound(`Endpoint ${match[1]}`);
            const verb = match[2];
            if (method === "GET" && verb === undefined) return endpoint;
            if (method === "PATCH" && verb === undefined) {
                if (query.get("updateMask") !== "traffic_split") throw invalid(`unsupported update mask ${query.get("updateMask")}`);
                if (!body?.displayName) throw invalid("endpoint.display_name is required.");
                this.checkSplit(endpoint, body.trafficSplit ?? {}, false);
                this.setSplit(endpoint, body.trafficSplit ?? {});
                return endpoint;
            }
            if (method === "POST" && verb === "deployModel") return this.deploy(endpoint, body, fault);
            if (method === "POST" && verb === "undeployModel") {
                const deployed = endpoint.deployedModels.find((candidate) => candidate.id === body.deployedModelId);
                if (!deployed) throw notFound(`DeployedModel ${body.deployedModelId}`);
                const remaining = endpoint.deployedModels.filter((candidate) => candidate !== deployed);
                const split: Record<string, number> = body.trafficSplit ?? endpoint.trafficSplit;
                if (remaining.length > 0 && (split[deployed.id] ?? 0) > 0) throw precondition(`DeployedModel ${deployed.id} still has traffic assigned; set traffic_split to unassign it.`);
                return this.operation(`${endpoint.name}/operations/${this.nextId++}`, fault, () => {
                    endpoint.deployedModels = remaining;
                    this.setSplit(endpoint, remaining.length === 0 ? {} : split);
                    return { "@type": "type.googleapis.com/google.cloud.aiplatform.v1.UndeployModelResponse" };
                });
            }
            if (method === "POST" && verb === "mutateDeployedModel") {
                const deployed = endpoint.deployedModels.find((candidate) => candidate.id === body.deployedModel?.id);
                if (!deployed) throw notFound(`DeployedModel ${body.deployedModel?.id}`);
                if (typeof body.updateMask !== "string" || body.updateMask === "") throw invalid("update_mask is required.");
                return this.operation(`${endpoint.name}/operations/${this.nextId++}`, fault, () => {
                    const changes = body.deployedModel.dedicatedResources as Record<string, unknown>;
                    for (const field of body.updateMask.split(",")) {
                        const key = field.replace(/^dedicatedResources\./, "");
                        deployed.dedicatedResources[key] = changes[key];
                    }
                    return { "@type": "type.googleapis.com/google.cloud.aiplatform.v1.MutateDeployedModelResponse", deployedModel: deployed };
                });
            }
        }

        match = /^(projects\/[^/]+\/locations\/[^/]+\/models\/[^/:]+)$/.exec(path);
        if (method === "PATCH" && match) {
            const model = this.models.get(match[1]!);
            if (!model) throw notFound(`Model ${match[1]}`);
            if (query.get("updateMask") !== "labels") throw invalid(`unsupported update mask ${query.get("updateMask")}`);
            if (!body?.displayName) throw invalid("model.display_name is required.");
            model.labels = { ...body.labels };
            return model;
        }
        if (method === "DELETE" && match) {
            const model = this.models.get(match[1]!);
            if (!model) throw notFound(`Model ${match[1]}`);
            const deployedOn = [...this.endpoints.values()].find((endpoint) => endpoint.deployedModels.some((deployed) => deployed.model === model.name));
            if (deployedOn) throw precondition(`The model ${model.name} is deployed to ${deployedOn.name}; undeploy it first.`);
            if ([...this.operations.values()].some((operation) => operation.model === model.name)) throw precondition(`The model ${model.name} is being deployed; wait for the operation to finish.`);
            return this.operation(`${model.name}/operations/${this.nextId++}`, fault, () => {
                this.models.delete(model.name);
                return { "@type": "type.googleapis.com/google.protobuf.Empty" };
            });
        }
        throw notFound(`${method} ${path}`);
    }

    private deploy(endpoint: FakeEndpoint, body: any, fault: Fault | undefined): unknown {
        const request = body?.deployedModel;
        const invalid = (message: string) => Object.assign(new Error(message), { code: 400, status: "INVALID_ARGUMENT" });
        if (!this.models.has(request?.model)) throw Object.assign(new Error(`Model ${request?.model} not found.`), { code: 404, status: "NOT_FOUND" });
        const resources = request.dedicatedResources;
        // proto3 JSON: an int32 field takes whole numbers only.
        const int32Fields: [string, unknown][] = [
            ["deployed_model.dedicated_resources.min_replica_count", resources?.minReplicaCount],
            ["deployed_model.dedicated_resources.max_replica_count", resources?.maxReplicaCount],
            ...((resources?.autoscalingMetricSpecs ?? []) as { target?: unknown }[]).map((spec, index): [string, unknown] => [`deployed_model.dedicated_resources.autoscaling_metric_specs[${index}].target`, spec.target]),
        ];
        for (const [field, value] of int32Fields) {
            if (value !== undefined && !Number.isInteger(value)) throw invalid(`Invalid value at '${field}' (TYPE_INT32), ${value}`);
        }
        if (!resources?.machineSpec?.machineType || !(resources.minReplicaCount >= 1)) {
            throw invalid("dedicated_resources.machine_spec.machine_type and min_replica_count >= 1 are required.");
        }
        const machineType = resources.machineSpec.machineType as string;
        if (/^(a2|a3|g2)-/.test(machineType) && (!resources.machineSpec.acceleratorType || !(resources.machineSpec.acceleratorCount >= 1))) {
            throw invalid(`Machine type ${machineType} has GPUs attached: machine_spec.accelerator_type and accelerator_count must be set.`);
        }
        const split = body.trafficSplit as Record<string, number> | undefined;
        if (split !== undefined && Object.keys(split).length > 0) this.checkSplit(endpoint, split, true);
        const id = String(this.nextId++);
        return this.operation(`${endpoint.name}/operations/${this.nextId++}`, fault, () => {
            const deployed: FakeDeployedModel = { id, model: request.model, displayName: request.displayName, serviceAccount: request.serviceAccount, dedicatedResources: { ...resources } };
            endpoint.deployedModels.push(deployed);
            // DeployModelRequest.traffic_split: "If this field is empty, then the Endpoint's traffic_split is not updated."
            if (split !== undefined && Object.keys(split).length > 0) this.setSplit(endpoint, Object.fromEntries(Object.entries(split).map(([key, share]) => [key === "0" ? id : key, share])));
            return { "@type": "type.googleapis.com/google.cloud.aiplatform.v1.DeployModelResponse", deployedModel: deployed };
        }, request.model);
    }

    /** A traffic split adds up to 100 (or is empty) and names only deployed models ("0": the one being deployed). */
    private checkSplit(endpoint: FakeEndpoint, split: Record<string, number>, deploying: boolean): void {
        const invalid = (message: string) => Object.assign(new Error(message), { code: 400, status: "INVALID_ARGUMENT" });
        const shares = Object.values(split);
        if (shares.some((share) => !Number.isInteger(share) || share < 0)) throw invalid("Traffic split percentages must be whole numbers from 0 to 100.");
        if (shares.length > 0 && shares.reduce((total, share) => total + share, 0) !== 100) throw invalid("The traffic split percentages must add up to 100.");
        for (const id of Object.keys(split)) {
            if (deploying && id === "0") continue;
            if (!endpoint.deployedModels.some((deployed) => deployed.id === id)) throw invalid(`Traffic split references DeployedModel ${id}, which is not deployed to ${endpoint.name}.`);
        }
    }

    private setSplit(endpoint: FakeEndpoint, split: Record<string, number>): void {
        endpoint.trafficSplit = Object.fromEntries(Object.entries(split).filter(([, share]) => share > 0));
        this.splitHistory.push({ ...endpoint.trafficSplit });
    }

    /**
     * A long-running operation; its effect happens when it is done, or never, or it fails, as armed. A "late" one
     * completes on a timer; a cancel before that (if honoured) ends it with code 1 CANCELLED and no effect.
     */
    private operation(name: string, fault: Fault | undefined, effect: () => Record<string, unknown>, model?: string): unknown {
        let outcome: Outcome | undefined;
        const entry: FakeOperation = {
            name,
            model,
            pollsLeft: fault?.kind === "never-done" || fault?.kind === "late" ? Number.POSITIVE_INFINITY : this.pollsUntilDone,
            finish: fault?.kind === "operation-error" ? () => ({ error: { code: fault.code, message: fault.message } }) : () => (outcome ??= { response: effect() }),
            cancel: () => {
                if (outcome !== undefined || (fault?.kind === "late" && fault.honoursCancel === false)) return;
                outcome = { error: { code: 1, message: "CANCELLED" } };
                entry.pollsLeft = 0;
                delete entry.model;
            },
        };
        if (fault?.kind === "late") {
            const timer = setTimeout(() => {
                this.timers.delete(timer);
                entry.finish();
                entry.pollsLeft = 0;
                delete entry.model;
            }, fault.afterMs);
            this.timers.add(timer);
        }
        this.operations.set(name, entry);
        return { name, metadata: { "@type": "type.googleapis.com/google.cloud.aiplatform.v1.GenericOperationMetadata" }, done: false };
    }

    /** Resolves once every late operation has completed (or been cancelled). */
    async settle(): Promise<void> {
        while (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
}
