/** The one HTTP call of a smoke check, and plain-words reasons for the ways it can fail. */

export interface HttpAnswer {
    readonly status: number;
    readonly text: string;
}

/** POSTs a JSON body; rejects with a `SmokeFailure` naming the URL and the reason. */
export function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
    return requestJson("POST", url, body, headers, timeoutMs);
}

/** One JSON request (a GET has no body); rejects with a `SmokeFailure` naming the URL and the reason. */
export async function requestJson(method: "GET" | "POST", url: string, body: string | undefined, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
    try {
        const response = await fetch(url, {
            method,
            headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), accept: "application/json", ...headers },
            ...(body === undefined ? {} : { body }),
            signal: AbortSignal.timeout(timeoutMs),
        });
        return { status: response.status, text: await response.text() };
    } catch (err) {
        throw new SmokeFailure(transportReason(err, url, timeoutMs));
    }
}

/** A failure whose message is already fit for the table: no stack, no wrapping needed. */
export class SmokeFailure extends Error {
    override readonly name = "SmokeFailure";
}

const NETWORK_CODES: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "DNS lookup failed",
    EHOSTUNREACH: "host unreachable",
    ETIMEDOUT: "connection timed out",
    UND_ERR_CONNECT_TIMEOUT: "connection timed out",
    UND_ERR_SOCKET: "connection closed by the server",
    CERT_HAS_EXPIRED: "TLS certificate expired",
};

/** Why a request never got an HTTP answer: timeout, refused, DNS, TLS… (fetch and the AWS SDK alike). */
export function transportReason(err: unknown, url: string, timeoutMs: number): string {
    const error = err as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string; name?: string } };
    if (error?.name === "TimeoutError" || error?.name === "AbortError" || error?.cause?.name === "TimeoutError") {
        return `no answer within ${timeoutMs} ms from ${url}`;
    }
    const code = error?.cause?.code ?? error?.code;
    if (code !== undefined) return `${NETWORK_CODES[code] ?? code} (${code}) at ${url}`;
    return `request to ${url} failed: ${error?.cause?.message ?? error?.message ?? String(err)}`;
}
