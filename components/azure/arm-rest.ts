// The little of Azure's REST surface our two dynamic providers need (the endpoint's traffic map, the
// ACR token exchange). Dynamic provider code is serialized into the Pulumi state, so these functions
// capture nothing but each other and `require` their modules inside.

/** Azure Resource Manager, the default base URL of the management API. */
export const ARM_URL = "https://management.azure.com";

/** Returns a bearer token for Azure Resource Manager. */
export type ArmTokenSource = () => Promise<string>;

/**
 * A token for ARM from the identity the Azure CLI, environment, workload identity (OIDC) or managed
 * identity provides, in @azure/identity's DefaultAzureCredential order. On a workstation that is the
 * `az login` user, the same identity the azure-native provider uses.
 */
export async function defaultArmToken(): Promise<string> {
    const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
    const token = await new DefaultAzureCredential().getToken("https://management.azure.com/.default");
    return token.token;
}

/** An HTTP answer outside 2xx: the message names the method, the URL, the status and Azure's error body. */
export class AzureRestError extends Error {
    constructor(public readonly status: number, method: string, url: string, body: string) {
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
    if (!response.ok) throw new AzureRestError(response.status, method, url, text);
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

/**
 * Waits for an ARM long-running operation started by a PUT: polls its `Azure-AsyncOperation` URL until
 * the status is terminal. Throws naming the operation's error when it did not succeed.
 */
export async function awaitArmOperation(headers: Headers, token: string, options: { pollMs: number; timeoutMs: number }): Promise<void> {
    const operationUrl = headers.get("azure-asyncoperation");
    if (!operationUrl) return; // completed synchronously
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
        const { body } = await requestJson("GET", operationUrl, { token });
        const status = String(body["status"] ?? "");
        if (status === "Succeeded") return;
        if (status === "Failed" || status === "Canceled") {
            throw new Error(`Azure operation ${operationUrl.split("?")[0]} ended ${status}: ${JSON.stringify(body["error"] ?? {})}`);
        }
        if (Date.now() > deadline) throw new Error(`Azure operation ${operationUrl.split("?")[0]} still "${status}" after ${options.timeoutMs / 1000} s`);
        await new Promise((done) => setTimeout(done, options.pollMs));
    }
}
