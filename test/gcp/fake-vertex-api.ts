import * as http from "node:http";
import type { AddressInfo } from "node:net";

// A loopback fake of the Vertex AI REST API (v1), following the documented shapes: models:upload,
// endpoints.{get,patch,deployModel,undeployModel,mutateDeployedModel}, models.delete, and
// google.longrunning operations that finish after a few polls. It also serves the OAuth token endpoint
// an `external_account_authorized_user` credentials file points at, so the provider's real application
// default credentials path runs too: every API call must carry the token it issued.
// Faults: an operation that finishes with `error`, an HTTP error body, an operation that never finishes.

export const FAKE_ACCESS_TOKEN = "ya29.fake-loopback-token";

interface FakeModel { name: string; displayName: string; artifactUri: string; containerSpec: Record<string, unknown>; labels?: Record<string, string> }
interface FakeDeployedModel { id: string; model: string; displayName: string; serviceAccount?: string; dedicatedResources: Record<string, unknown> }
interface FakeEndpoint { name: string; deployedModels: FakeDeployedModel[]; trafficSplit: Record<string, number> }
interface FakeOperation { name: string; pollsLeft: number; finish: () => { response?: Record<string, unknown>; error?: { code: number; message: string } } }

/** One request the fake received. */
export interface RecordedCall { method: string; path: string; body: unknown; authorization?: string }

/** A fault armed for the next call whose `METHOD path` contains `match`. */
interface Fault { match: string; kind: "operation-error" | "http-error" | "never-done"; code: number; message: string; status?: string }

export class FakeVertexApi {
    readonly calls: RecordedCall[] = [];
    readonly models = new Map<string, FakeModel>();
    readonly endpoints = new Map<string, FakeEndpoint>();
    /** Every traffic split the endpoint had, in order. */
    readonly splitHistory: Record<string, number>[] = [];
    /** How many polls an operation takes to finish. */
    pollsUntilDone = 2;
    private readonly operations = new Map<string, FakeOperation>();
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
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    /** An endpoint as `gcp.vertex.AiEndpoint` would have created it. */
    addEndpoint(project: string, region: string, id: string): string {
        const name = `projects/${project}/locations/${region}/endpoints/${id}`;
        this.endpoints.set(name, { name, deployedModels: [], trafficSplit: {} });
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
        this.calls.push({ method: req.method ?? "", path, body, authorization: req.headers.authorization });
        if (req.headers.authorization !== `Bearer ${FAKE_ACCESS_TOKEN}`) {
            return apiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
        }
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

        if (method === "GET" && path.includes("/operations/")) {
            const operation = this.operations.get(path);
            if (!operation) throw notFound(`Operation ${path}`);
            if (operation.pollsLeft > 0) {
                operation.pollsLeft--;
                return { name: operation.name, done: false };
            }
            return { name: operation.name, done: true, ...operation.finish() };
        }

        let match = /^projects\/([^/]+)\/locations\/([^/]+)\/models:upload$/.exec(path);
        if (method === "POST" && match) {
            const model = body?.model;
            if (!model?.displayName || !model?.containerSpec?.imageUri) throw invalid("model.display_name and model.container_spec.image_uri are required.");
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
                this.setSplit(endpoint, body.trafficSplit);
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
        if (method === "DELETE" && match) {
            const model = this.models.get(match[1]!);
            if (!model) throw notFound(`Model ${match[1]}`);
            const deployedOn = [...this.endpoints.values()].find((endpoint) => endpoint.deployedModels.some((deployed) => deployed.model === model.name));
            if (deployedOn) throw precondition(`The model ${model.name} is deployed to ${deployedOn.name}; undeploy it first.`);
            return this.operation(`${model.name}/operations/${this.nextId++}`, fault, () => {
                this.models.delete(model.name);
                return { "@type": "type.googleapis.com/google.protobuf.Empty" };
            });
        }
        throw notFound(`${method} ${path}`);
    }

    private deploy(endpoint: FakeEndpoint, body: any, fault: Fault | undefined): unknown {
        const request = body?.deployedModel;
        if (!this.models.has(request?.model)) throw Object.assign(new Error(`Model ${request?.model} not found.`), { code: 404, status: "NOT_FOUND" });
        const resources = request.dedicatedResources;
        if (!resources?.machineSpec?.machineType || !(resources.minReplicaCount >= 1)) {
            throw Object.assign(new Error("dedicated_resources.machine_spec.machine_type and min_replica_count >= 1 are required."), { code: 400, status: "INVALID_ARGUMENT" });
        }
        const split = body.trafficSplit as Record<string, number> | undefined;
        if (split && Object.values(split).reduce((total, share) => total + share, 0) !== 100) {
            throw Object.assign(new Error("The traffic split percentages must add up to 100."), { code: 400, status: "INVALID_ARGUMENT" });
        }
        const id = String(this.nextId++);
        return this.operation(`${endpoint.name}/operations/${this.nextId++}`, fault, () => {
            const deployed: FakeDeployedModel = { id, model: request.model, displayName: request.displayName, serviceAccount: request.serviceAccount, dedicatedResources: { ...resources } };
            endpoint.deployedModels.push(deployed);
            if (split) this.setSplit(endpoint, Object.fromEntries(Object.entries(split).map(([key, share]) => [key === "0" ? id : key, share])));
            return { "@type": "type.googleapis.com/google.cloud.aiplatform.v1.DeployModelResponse", deployedModel: deployed };
        });
    }

    private setSplit(endpoint: FakeEndpoint, split: Record<string, number>): void {
        endpoint.trafficSplit = Object.fromEntries(Object.entries(split).filter(([, share]) => share > 0));
        this.splitHistory.push({ ...endpoint.trafficSplit });
    }

    /** A long-running operation; its effect happens when it is done, or never, or it fails, as armed. */
    private operation(name: string, fault: Fault | undefined, effect: () => Record<string, unknown>): unknown {
        let outcome: ReturnType<FakeOperation["finish"]> | undefined;
        const finish = fault?.kind === "operation-error"
            ? () => ({ error: { code: fault.code, message: fault.message } })
            : () => (outcome ??= { response: effect() });
        this.operations.set(name, { name, pollsLeft: fault?.kind === "never-done" ? Number.POSITIVE_INFINITY : this.pollsUntilDone, finish });
        return { name, metadata: { "@type": "type.googleapis.com/google.cloud.aiplatform.v1.GenericOperationMetadata" }, done: false };
    }
}
