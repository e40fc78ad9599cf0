import * as http from "node:http";
import type { AddressInfo } from "node:net";

// A loopback fake of the slice of Azure Resource Manager the EndpointTraffic provider uses: GET and PUT of
// a managed online endpoint, and the long-running operation a PUT starts. It refuses what ARM refuses:
// - a PUT while the endpoint is Updating: 409 Conflict ("… because it is in Updating provisioning state",
//   azure-sdk-for-net#36961), e.g. while a deployment or an autoscale action runs;
// - a traffic map whose shares do not sum to 100 (azure-rest-api-specs, machinelearningservices
//   `OnlineEndpointProperties.traffic`: "Traffic values need to sum to 100"), or are not whole 0–100;
//   `{}` (no deployment takes traffic) is what a drained endpoint holds, and is accepted;
// - a PUT without `location` or `properties.authMode` (both [Required] in the spec).
// A PUT that omits `traffic` leaves the endpoint with none: users of azure-ai-ml report exactly that
// (microsoft/genaiops-promptflow-template#182), so the fake models the worst case.
// Operations follow ARM's async contract (azure-resource-manager-rpc `async-api-reference.md`): either
// 201 + `Azure-AsyncOperation` (poll `status`), or 202 with only `Location` (poll until it stops answering
// 202); both may carry `Retry-After`. The endpoint stays `Updating` until the operation is done, and for
// `settlingGets` resource reads after it.

export const FAKE_ARM_TOKEN = "arm-token";

/** One request the fake received. */
export interface ArmCall { readonly method: string; readonly path: string; readonly url: string; readonly authorization?: string; readonly body: string }

interface FakeEndpoint {
    resource: Record<string, unknown>;
    /** Polls left before our own running operation finishes (0: none running). */
    pollsLeft: number;
    /** PUT attempts another operation (a deployment update, an autoscale action) still holds the endpoint for. */
    foreignLeft: number;
    /** Resource reads after the operation during which the endpoint still says Updating. */
    settlingLeft: number;
}

export class FakeArm {
    readonly calls: ArmCall[] = [];
    /** Every traffic map the endpoints held, in order. */
    readonly trafficHistory: Record<string, number>[] = [];
    /** How ARM answers a PUT: 201 + Azure-AsyncOperation, or 202 with only Location. */
    operationStyle: "azure-async-operation" | "location" = "azure-async-operation";
    /** Polls an operation takes to finish. */
    pollsUntilDone = 2;
    /** Resource GETs after the operation finished that still show `Updating`. */
    settlingGets = 0;
    /** `Retry-After` (seconds) on accepted PUTs and on unfinished polls; unset sends none. */
    retryAfterSeconds?: number;
    /** Tokens the fake accepts. */
    readonly acceptedTokens = new Set([FAKE_ARM_TOKEN]);
    baseUrl = "";
    private readonly endpoints = new Map<string, FakeEndpoint>();
    private readonly operations = new Map<string, string>();
    private nextOperation = 1;
    private server?: http.Server;

    async start(): Promise<this> {
        this.server = http.createServer((request, response) => {
            let body = "";
            request.on("data", (chunk) => { body += chunk; });
            request.on("end", () => this.handle(request, body, response));
        });
        await new Promise<void>((done) => this.server!.listen(0, "127.0.0.1", done));
        this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
    }

    /** An endpoint as azure-native created it (no traffic yet). */
    addEndpoint(id: string, properties: Record<string, unknown> = {}): void {
        const name = id.split("/").at(-1)!;
        this.endpoints.set(id, {
            resource: {
                id, name, location: "eastus", tags: { stage: "prod" }, kind: "Managed",
                identity: { type: "SystemAssigned", principalId: "p", tenantId: "t" },
                properties: { authMode: "AADToken", publicNetworkAccess: "Enabled", traffic: {}, scoringUri: `https://${name}.eastus.inference.ml.azure.com/score`, ...properties },
            },
            pollsLeft: 0,
            foreignLeft: 0,
            settlingLeft: 0,
        });
    }

    removeEndpoint(id: string): void {
        this.endpoints.delete(id);
    }

    /** Another operation (a deployment update, an autoscale action) holds the endpoint for the next `attempts` PUTs. */
    startForeignOperation(id: string, attempts: number): void {
        this.endpoints.get(id)!.foreignLeft = attempts;
    }

    traffic(id: string): Record<string, number> {
        return (this.endpoints.get(id)!.resource["properties"] as { traffic: Record<string, number> }).traffic;
    }

    private handle(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
        const url = request.url!;
        const path = url.split("?")[0]!;
        this.calls.push({ method: request.method!, path, url, authorization: request.headers.authorization, body });
        const token = (request.headers.authorization ?? "").replace(/^Bearer /, "");
        if (!this.acceptedTokens.has(token)) return this.error(response, 401, "InvalidAuthenticationToken", "The access token is invalid.");
        if (path.startsWith("/operations/") || path.startsWith("/locations/")) return this.poll(path, response);
        const endpoint = this.endpoints.get(path);
        if (!endpoint) return this.error(response, 404, "ResourceNotFound", `The Resource '${path}' was not found.`);
        if (request.method === "GET") return this.read(endpoint, response);
        if (request.method === "PUT") return this.put(path, endpoint, body, response);
        return this.error(response, 405, "MethodNotAllowed", `${request.method} is not supported here`);
    }

    private read(endpoint: FakeEndpoint, response: http.ServerResponse): void {
        let state = endpoint.pollsLeft > 0 || endpoint.foreignLeft > 0 ? "Updating" : "Succeeded";
        if (state === "Succeeded" && endpoint.settlingLeft > 0) {
            endpoint.settlingLeft -= 1;
            state = "Updating";
        }
        const properties = { ...(endpoint.resource["properties"] as Record<string, unknown>), provisioningState: state };
        this.json(response, 200, { ...endpoint.resource, properties });
    }

    private put(id: string, endpoint: FakeEndpoint, text: string, response: http.ServerResponse): void {
        if (endpoint.pollsLeft > 0 || endpoint.foreignLeft > 0) {
            endpoint.foreignLeft = Math.max(0, endpoint.foreignLeft - 1);
            return this.error(response, 409, "Conflict", `Cannot update endpoint ${endpoint.resource["name"]} because it is in Updating provisioning state.`, { "retry-after": "0" });
        }
        const body = JSON.parse(text) as { location?: string; properties?: Record<string, unknown> };
        if (!body.location) return this.error(response, 400, "InvalidRequestContent", "location is required");
        const properties = body.properties ?? {};
        if (!properties["authMode"]) return this.error(response, 400, "InvalidRequestContent", "properties.authMode is required");
        for (const readOnly of ["scoringUri", "swaggerUri", "provisioningState"]) {
            if (readOnly in properties) return this.error(response, 400, "InvalidRequestContent", `properties.${readOnly} is read-only`);
        }
        const traffic = (properties["traffic"] ?? {}) as Record<string, number>;
        const refusal = trafficRefusal(traffic);
        if (refusal) return this.error(response, 400, "BadArgument", refusal);
        const current = endpoint.resource["properties"] as Record<string, unknown>;
        endpoint.resource = { ...endpoint.resource, ...body, properties: { ...properties, traffic, scoringUri: current["scoringUri"] } };
        this.trafficHistory.push(traffic);
        endpoint.pollsLeft = this.pollsUntilDone;
        endpoint.settlingLeft = this.settlingGets;
        const operation = String(this.nextOperation++);
        this.operations.set(operation, id);
        const retryAfter: Record<string, string> = this.retryAfterSeconds === undefined ? {} : { "retry-after": String(this.retryAfterSeconds) };
        if (this.operationStyle === "location") {
            return this.json(response, 202, undefined, { location: `${this.baseUrl}/locations/${operation}?api-version=x`, ...retryAfter });
        }
        this.json(response, 201, { ...endpoint.resource }, { "azure-asyncoperation": `${this.baseUrl}/operations/${operation}?api-version=x`, ...retryAfter });
    }

    private poll(path: string, response: http.ServerResponse): void {
        const operation = path.split("/").at(-1)!;
        const id = this.operations.get(operation);
        const endpoint = id === undefined ? undefined : this.endpoints.get(id);
        const byLocation = path.startsWith("/locations/");
        if (!endpoint) {
            // A finished operation keeps answering as finished.
            return byLocation ? this.json(response, 200, {}) : this.json(response, 200, { status: "Succeeded" });
        }
        endpoint.pollsLeft -= 1;
        const retryAfter: Record<string, string> = this.retryAfterSeconds === undefined ? {} : { "retry-after": String(this.retryAfterSeconds) };
        if (endpoint.pollsLeft > 0) {
            return byLocation ? this.json(response, 202, undefined, { location: `${this.baseUrl}${path}?api-version=x`, ...retryAfter }) : this.json(response, 200, { status: "InProgress" }, retryAfter);
        }
        this.operations.delete(operation);
        return byLocation ? this.json(response, 200, {}) : this.json(response, 200, { status: "Succeeded" });
    }

    private json(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
        response.writeHead(status, { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers });
        response.end(body === undefined ? "" : JSON.stringify(body));
    }

    private error(response: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
        this.json(response, status, { error: { code, message } }, headers);
    }
}

/** Why ARM would refuse this traffic map; `undefined` when it accepts it. */
function trafficRefusal(traffic: Record<string, number>): string | undefined {
    const shares = Object.values(traffic);
    if (shares.length === 0) return undefined;
    if (shares.some((share) => !Number.isInteger(share) || share < 0 || share > 100)) return `Traffic values must be whole percentages from 0 to 100: ${JSON.stringify(traffic)}`;
    const total = shares.reduce((sum, share) => sum + share, 0);
    return total === 100 ? undefined : `Traffic values need to sum to 100, got ${total}: ${JSON.stringify(traffic)}`;
}
