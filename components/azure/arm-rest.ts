// The little of Azure's REST surface our dynamic providers need (the endpoint's traffic map, the ACR
// token exchange, the instance-type guard needs none). Dynamic provider code is serialized into the
// Pulumi state, so these functions capture nothing but each other and `require` their modules inside.

/** Azure Resource Manager, the default base URL of the management API. */
export const ARM_URL = "https://management.azure.com";

/** Returns a bearer token for Azure Resource Manager. Called once per request, so a long operation never outlives its token. */
export type ArmTokenSource = () => Promise<string>;

/** The audience GitHub's OIDC token is minted for when it is exchanged with Entra ID (what azure/login asks for). */
export const GITHUB_OIDC_AUDIENCE = "api://AzureADTokenExchange";

/**
 * A fresh GitHub Actions OIDC token, from the job's token endpoint. GitHub's "OpenID Connect" docs: the
 * runner exposes `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN` (with
 * `permissions: id-token: write`); GET the URL with `&audience=…` and the request token as a bearer, and
 * the answer's `value` is the JWT. Each token lives minutes, so it is fetched anew whenever Entra ID needs
 * an assertion. `ARM_OIDC_REQUEST_URL`/`_TOKEN` (the azure-native provider's names) take precedence.
 */
export async function githubOidcToken(env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const url = env["ARM_OIDC_REQUEST_URL"] || env["ACTIONS_ID_TOKEN_REQUEST_URL"];
    const requestToken = env["ARM_OIDC_REQUEST_TOKEN"] || env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
    if (!url || !requestToken) {
        throw new Error("ARM_USE_OIDC=true, but ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: give the job `permissions: id-token: write`");
    }
    const separator = url.includes("?") ? "&" : "?";
    const { body } = await requestJson("GET", `${url}${separator}audience=${encodeURIComponent(GITHUB_OIDC_AUDIENCE)}`, { token: requestToken });
    const value = body["value"];
    if (typeof value !== "string" || value === "") throw new Error(`the GitHub OIDC token endpoint answered without a token "value"`);
    return value;
}

/** What `armTokenSource` builds its credential from; the process environment by default. */
export interface ArmCredentialOptions {
    readonly env?: NodeJS.ProcessEnv;
    /** Passed to the credential (tests point `authorityHost` and `httpClient` at a loopback fake). Default: none. */
    readonly credentialOptions?: import("@azure/identity").ClientAssertionCredentialOptions;
}

/**
 * A token source for ARM. With `ARM_USE_OIDC=true` (set by `.github/actions/cloud-auth` for the azure-native
 * provider too), a ClientAssertionCredential for `ARM_CLIENT_ID` in `ARM_TENANT_ID` whose assertion is a
 * fresh GitHub OIDC token each time Entra ID is asked: a long `up` never depends on the `azure/login` CLI
 * session, which expires. Otherwise DefaultAzureCredential (environment, workload identity, managed
 * identity, Azure CLI): on a workstation, the `az login` user. The credential is built once per
 * token source and asked per request; @azure/identity caches the access token until shortly before it expires.
 */
export function armTokenSource(options: ArmCredentialOptions = {}): ArmTokenSource {
    const env = options.env ?? process.env;
    const identity = require("@azure/identity") as typeof import("@azure/identity");
    const credentialOptions = options.credentialOptions ?? {};
    let credential: import("@azure/identity").TokenCredential;
    if ((env["ARM_USE_OIDC"] ?? "").toLowerCase() === "true") {
        const tenantId = env["ARM_TENANT_ID"];
        const clientId = env["ARM_CLIENT_ID"];
        if (!tenantId || !clientId) throw new Error("ARM_USE_OIDC=true needs ARM_TENANT_ID and ARM_CLIENT_ID (the Entra app with the repository's federated credential)");
        credential = new identity.ClientAssertionCredential(tenantId, clientId, () => githubOidcToken(env), credentialOptions);
    } else {
        credential = new identity.DefaultAzureCredential(credentialOptions);
    }
    return async () => {
        const token = await credential.getToken("https://management.azure.com/.default");
        if (!token) throw new Error("no Azure Resource Manager token from the credential");
        return token.token;
    };
}

/** The default token source: the process's own environment. */
export function defaultArmToken(): Promise<string> {
    return armTokenSource()();
}

/** An HTTP answer outside 2xx: the message names the method, the URL, the status and Azure's error body. */
export class AzureRestError extends Error {
    constructor(public readonly status: number, method: string, url: string, body: string, public readonly headers?: Headers) {
        super(`${method} ${url.split("?")[0]} answered ${status}: ${body.slice(0, 500)}`);
    }
}

/** Sends one request and parses a JSON answer (or returns `{}` for an empty one); throws `AzureRestError` outside 2xx. */
export async function requestJson(
    method: string,
    url: string,
    init: { token?: string; json?: unknown; form?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const headers: Record<string, string> = {};
    if (init.token) headers["authorization"] = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.json !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(init.json);
    } else if (init.form !== undefined) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    if (!response.ok) throw new AzureRestError(response.status, method, url, text, response.headers);
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

/** How the ARM client waits: its token source, the default poll interval, the timeout, and the clock (injectable for tests). */
export interface ArmClientOptions {
    readonly token: ArmTokenSource;
    /** Wait between polls when Azure sends no `Retry-After`, and the first 409 backoff. */
    readonly pollMs: number;
    /** Give up on one operation (or on retrying a conflict) after this long. Default: 30 minutes. */
    readonly timeoutMs?: number;
    /** Sleeps `ms`. Default: a timer. */
    readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** `Retry-After` in ms (ARM sends whole seconds), or `fallbackMs`. */
export function retryAfterMs(headers: Headers, fallbackMs: number): number {
    const value = headers.get("retry-after");
    if (value === null) return fallbackMs;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? fallbackMs : Math.max(0, date - Date.now());
}

/**
 * One ARM request with a fresh token, retried while Azure answers 409 Conflict (another operation is
 * running on the resource: "Cannot create a deployment in endpoint … because it is in Updating
 * provisioning state", azure-sdk-for-net#36961) or 429, with exponential backoff from `pollMs`, doubling
 * to at most a minute, honouring `Retry-After`, until `timeoutMs`.
 */
export async function armRequest(method: string, url: string, client: ArmClientOptions, json?: unknown): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const sleep = client.sleep ?? sleepFor;
    const deadline = Date.now() + (client.timeoutMs ?? 30 * 60_000);
    let backoffMs = client.pollMs;
    for (;;) {
        try {
            return await requestJson(method, url, { token: await client.token(), json });
        } catch (error) {
            const retryable = error instanceof AzureRestError && (error.status === 409 || error.status === 429);
            if (!retryable || Date.now() + backoffMs > deadline) throw error;
            const { headers } = error as AzureRestError;
            await sleep(headers ? retryAfterMs(headers, backoffMs) : backoffMs);
            backoffMs = Math.min(backoffMs * 2, 60_000);
        }
    }
}

const TERMINAL_FAILURES = ["Failed", "Canceled"];

/**
 * Waits for an ARM long-running operation, following Azure's async-operation contract
 * (azure-resource-manager-rpc `v1.0/async-api-reference.md`):
 * - with `Azure-AsyncOperation`, poll it until its `status` is terminal;
 * - otherwise, with `Location` (a 202), poll it until it stops answering 202 (200/204 means done);
 * - wait `Retry-After` seconds between polls when Azure says so;
 * - then, for a PUT (`resourceUrl` given), GET the resource until its `properties.provisioningState` is
 *   terminal: the operation finishing is not the resource being ready.
 * Throws naming the operation or resource when it ends Failed or Canceled, or outlasts `timeoutMs`.
 */
export async function awaitArmOperation(response: { status: number; headers: Headers }, client: ArmClientOptions, resourceUrl?: string): Promise<void> {
    const sleep = client.sleep ?? sleepFor;
    const timeoutMs = client.timeoutMs ?? 30 * 60_000;
    const deadline = Date.now() + timeoutMs;
    const overdue = (what: string, state: string) => {
        if (Date.now() > deadline) throw new Error(`Azure ${what} still "${state}" after ${timeoutMs / 1000} s`);
    };
    let waitMs = retryAfterMs(response.headers, client.pollMs);
    const operationUrl = response.headers.get("azure-asyncoperation");
    const locationUrl = response.headers.get("location");
    if (operationUrl) {
        for (;;) {
            await sleep(waitMs);
            const { headers, body } = await armRequest("GET", operationUrl, client);
            const status = String(body["status"] ?? "");
            if (status === "Succeeded") break;
            if (TERMINAL_FAILURES.includes(status)) {
                throw new Error(`Azure operation ${operationUrl.split("?")[0]} ended ${status}: ${JSON.stringify(body["error"] ?? {})}`);
            }
            overdue(`operation ${operationUrl.split("?")[0]}`, status);
            waitMs = retryAfterMs(headers, client.pollMs);
        }
    } else if (locationUrl && response.status === 202) {
        for (;;) {
            await sleep(waitMs);
            const { status, headers } = await armRequest("GET", locationUrl, client);
            if (status !== 202) break;
            overdue(`operation ${locationUrl.split("?")[0]}`, "202 Accepted");
            waitMs = retryAfterMs(headers, client.pollMs);
        }
    }
    if (resourceUrl === undefined) return;
    for (;;) {
        const { body } = await armRequest("GET", resourceUrl, client);
        const state = String((body["properties"] as Record<string, unknown> | undefined)?.["provisioningState"] ?? "Succeeded");
        if (state === "Succeeded") return;
        if (TERMINAL_FAILURES.includes(state)) throw new Error(`Azure resource ${resourceUrl.split("?")[0]} ended provisioningState ${state}`);
        overdue(`resource ${resourceUrl.split("?")[0]}`, state);
        await sleep(client.pollMs);
    }
}
