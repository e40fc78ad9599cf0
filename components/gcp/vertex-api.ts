// A minimal Vertex AI REST client for the VertexModelDeployment dynamic provider.
//
// Pulumi serializes the dynamic provider, and everything it calls, into the stack's state; it then runs in
// the provider host, where this file does not exist. So this module holds only plain functions that use
// globals (`fetch`, `setTimeout`) and `require()` their npm packages inside the function that needs them.

/** How to reach the Vertex AI REST API and how long to wait for its long-running operations. */
export interface VertexApiOptions {
    /** The API's base URL, e.g. `https://us-central1-aiplatform.googleapis.com` (no trailing slash). */
    readonly baseUrl: string;
    /** The project the calls are for; given to google-auth-library so it does not go looking for one (gcloud, metadata server). */
    readonly project: string;
    /** The first wait between two polls of an operation, in milliseconds; doubled after each poll. */
    readonly pollInitialMs: number;
    /** The longest wait between two polls, in milliseconds. */
    readonly pollMaxMs: number;
    /** How long one operation may take before the provider gives up, in milliseconds. */
    readonly operationTimeoutMs: number;
}

/** A google.longrunning.Operation as the REST API returns it. */
export interface VertexOperation {
    readonly name: string;
    readonly done?: boolean;
    readonly error?: { readonly code?: number; readonly message?: string };
    readonly response?: Record<string, unknown>;
}

/** A deployed model as `GET …/endpoints/{id}` lists it. */
export interface VertexDeployedModel {
    readonly id: string;
    readonly model?: string;
    readonly displayName?: string;
}

/** The parts of an Endpoint resource the provider reads. */
export interface VertexEndpointState {
    readonly name: string;
    /** Required on every write of the resource (Endpoint.display_name is REQUIRED). */
    readonly displayName?: string;
    readonly deployedModels?: VertexDeployedModel[];
    readonly trafficSplit?: Record<string, number>;
}

/** A call that failed: the HTTP status (0 when no answer came, 401 when no token could be had) and the API's own message. */
export interface VertexApiError extends Error {
    readonly status: number;
}

export interface VertexApi {
    /** Sends one authenticated JSON request; throws `VertexApiError` with the API's message on a non-2xx answer. */
    request<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T>;
    /**
     * Polls an operation until it is done (bounded exponential backoff, overall timeout) and returns its `response`.
     * With `cancelOnTimeout`, an operation that outlives the timeout is cancelled (`POST v1/{name}:cancel`) before
     * the error is thrown; Google cancels on a best-effort basis, so it may still complete.
     */
    wait(operation: VertexOperation, what: string, options?: { readonly cancelOnTimeout?: boolean }): Promise<Record<string, unknown>>;
}

/** The header Google reads the quota (billing) project of a call from. */
export const USER_PROJECT_HEADER = "x-goog-user-project";

/** The cloud-platform scope: Vertex AI accepts no narrower OAuth scope. */
const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** Loopback hosts, the only ones the client talks plain HTTP to (the tests' fake API). */
export function isLoopbackUrl(url: string): boolean {
    try {
        const host = new URL(url).hostname;
        return host === "localhost" || host === "[::1]" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
    } catch {
        return false;
    }
}

/** Why the client refuses a base URL (bearer tokens never travel in plain text), or `undefined`. */
export function apiEndpointProblem(baseUrl: string): string | undefined {
    if (baseUrl.startsWith("https://") || isLoopbackUrl(baseUrl)) return undefined;
    return `Vertex AI: apiEndpoint "${baseUrl}" must be an https:// URL (plain http is allowed only on loopback, for tests)`;
}

/**
 * A client for one base URL. Every request carries a bearer token from application default credentials
 * (google-auth-library; `gcloud auth application-default login`, a workload identity, or
 * GOOGLE_APPLICATION_CREDENTIALS). There is no unauthenticated mode; a non-loopback URL must be https.
 */
export function vertexApi(options: VertexApiOptions): VertexApi {
    const problem = apiEndpointProblem(options.baseUrl);
    if (problem !== undefined) throw new Error(problem);
    const library = require("google-auth-library") as typeof import("google-auth-library");
    const auth = new library.GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], projectId: options.project });

    const failure = (status: number, message: string): VertexApiError => Object.assign(new Error(message), { status });

    // google-auth-library's own headers: `authorization`, plus `x-goog-user-project` when the credentials carry a
    // quota project (`quota_project_id` in the ADC file, or GOOGLE_CLOUD_QUOTA_PROJECT). User credentials without
    // one would bill gcloud's OAuth client project, which aiplatform.googleapis.com refuses ("requires a quota
    // project"): they get the deployment's project, the one the caller already needs serviceusage.services.use on.
    // Service accounts and workload identities bill their own project and are sent as they are.
    const requestHeaders = async (url: string): Promise<Headers> => {
        try {
            const headers = new Headers(await auth.getRequestHeaders(url));
            if (!headers.has("authorization")) throw new Error("no authorization header returned");
            const client = await auth.getClient();
            const isUser = client instanceof library.UserRefreshClient || client instanceof library.ExternalAccountAuthorizedUserClient;
            if (isUser && !headers.has(USER_PROJECT_HEADER)) headers.set(USER_PROJECT_HEADER, options.project);
            return headers;
        } catch (error) {
            throw failure(401, `Vertex AI: could not get an access token from application default credentials (${(error as Error).message}); run \`gcloud auth application-default login\` or set GOOGLE_APPLICATION_CREDENTIALS`);
        }
    };

    const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const url = `${options.baseUrl}/${path.replace(/^\/+/, "")}`;
        let response: Response;
        try {
            const headers = await requestHeaders(url);
            headers.set("content-type", "application/json");
            response = await fetch(url, {
                method,
                headers,
                body: body === undefined ? undefined : JSON.stringify(body),
                signal: AbortSignal.timeout(60_000),
            });
        } catch (error) {
            if ((error as Partial<VertexApiError>).status === 401) throw error;
            throw failure(0, `Vertex AI: ${method} ${url} failed: ${(error as Error).message}`);
        }
        const text = await response.text();
        let parsed: unknown;
        try {
            parsed = text === "" ? {} : JSON.parse(text);
        } catch {
            parsed = undefined;
        }
        if (!response.ok) {
            // Google APIs answer errors as {"error": {"code", "message", "status"}}: surface their message as is.
            const apiError = (parsed as { error?: { message?: string; status?: string } } | undefined)?.error;
            const detail = apiError?.message !== undefined ? `${apiError.status ?? response.status}: ${apiError.message}` : `${response.status} ${text.slice(0, 300)}`;
            throw failure(response.status, `Vertex AI: ${method} ${path} failed with ${detail}`);
        }
        if (parsed === undefined) throw failure(response.status, `Vertex AI: ${method} ${path} answered with a body that is not JSON: ${text.slice(0, 300)}`);
        return parsed as T;
    };

    /** google.longrunning `operations.cancel`; says what happened instead of throwing (the caller is already failing). */
    const cancel = async (name: string): Promise<string> => {
        try {
            await request("POST", `v1/${name}:cancel`, {});
            return "cancellation requested (Google cancels on a best-effort basis)";
        } catch (error) {
            return `could not cancel it: ${(error as Error).message}`;
        }
    };

    const wait = async (operation: VertexOperation, what: string, waitOptions: { readonly cancelOnTimeout?: boolean } = {}): Promise<Record<string, unknown>> => {
        const deadline = Date.now() + options.operationTimeoutMs;
        let delay = options.pollInitialMs;
        let current = operation;
        while (current.done !== true) {
            if (Date.now() + delay > deadline) {
                const cancelled = waitOptions.cancelOnTimeout === true ? `; ${await cancel(current.name)}` : `; it may still complete: \`gcloud ai operations describe ${current.name.split("/").pop()}\``;
                throw failure(0, `Vertex AI: ${what} did not finish within ${options.operationTimeoutMs / 1000} s (operation ${current.name})${cancelled}`);
            }
            await new Promise((resolve) => setTimeout(resolve, delay));
            delay = Math.min(delay * 2, options.pollMaxMs);
            try {
                current = await request<VertexOperation>("GET", `v1/${current.name}`);
            } catch (error) {
                // A transient failure while polling (no answer, 429, 5xx) is retried at the next tick; anything else ends the wait.
                const status = (error as VertexApiError).status;
                if (status !== 0 && status !== 429 && status < 500) throw error;
            }
        }
        if (current.error !== undefined) {
            throw failure(0, `Vertex AI: ${what} failed: ${current.error.message ?? "no message"} (code ${current.error.code ?? "?"}, operation ${current.name})`);
        }
        return current.response ?? {};
    };

    return { request: request as VertexApi["request"], wait };
}
