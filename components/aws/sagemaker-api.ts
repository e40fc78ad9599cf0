// A minimal client for the SageMaker control-plane API (JSON 1.1 protocol: `POST /` with
// `X-Amz-Target: SageMaker.<Action>`, SigV4 service `sagemaker`), for the calls @pulumi/aws cannot make:
// UpdateEndpoint with RetainAllVariantProperties (terraform-provider-aws PR #49069) and a check of the
// live EndpointConfigName after it (terraform-provider-aws#48997). Used by the rollout dynamic provider,
// so every module is required inside the function (dynamic provider code is serialized), and by the
// smoke test's rollback check. The base URL is injectable so tests drive it against a loopback fake.

export interface SageMakerApiOptions {
    readonly region: string;
    /** The API's base URL. Default: `https://api.sagemaker.<region>.amazonaws.com`. */
    readonly endpoint?: string;
    /** Fixed credentials (tests, the smoke client). Default: the AWS SDK's default chain (env, SSO, OIDC web identity, IMDS). */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/** A SageMaker API error: `code` is the JSON body's `__type` (e.g. `ValidationException`). */
export interface SageMakerApiError extends Error {
    readonly code: string;
    readonly status: number;
}

export interface SageMakerApi {
    call<T = Record<string, unknown>>(action: string, body: Record<string, unknown>): Promise<T>;
}

/** What DescribeEndpoint answers, as far as we read it. */
export interface DescribedEndpoint {
    readonly EndpointName: string;
    readonly EndpointConfigName: string;
    readonly EndpointStatus: string;
    readonly FailureReason?: string;
    readonly ProductionVariants?: { VariantName: string; CurrentInstanceCount?: number; DesiredInstanceCount?: number }[];
    readonly PendingDeploymentSummary?: { EndpointConfigName?: string };
}

export function isSageMakerApiError(err: unknown, code?: string): err is SageMakerApiError {
    const error = err as Partial<SageMakerApiError> | undefined;
    return typeof error?.code === "string" && typeof error.status === "number" && (code === undefined || error.code === code);
}

export function sageMakerApi(options: SageMakerApiOptions): SageMakerApi {
    return {
        call: async (action, body) => {
            const { SignatureV4 } = require("@smithy/signature-v4") as typeof import("@smithy/signature-v4");
            const { Sha256 } = require("@aws-crypto/sha256-js") as typeof import("@aws-crypto/sha256-js");
            const base = new URL(options.endpoint ?? `https://api.sagemaker.${options.region}.amazonaws.com`);
            const credentials = options.credentials
                ?? (require("@aws-sdk/credential-provider-node") as typeof import("@aws-sdk/credential-provider-node")).defaultProvider();
            const payload = JSON.stringify(body);
            const signer = new SignatureV4({ service: "sagemaker", region: options.region, credentials, sha256: Sha256 });
            const signed = await signer.sign({
                method: "POST",
                protocol: base.protocol,
                hostname: base.hostname,
                ...(base.port ? { port: Number(base.port) } : {}),
                path: "/",
                headers: { host: base.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": `SageMaker.${action}` },
                body: payload,
            });
            const headers: Record<string, string> = {};
            // fetch sets `host` itself (to the same value that was signed) and refuses to be given it.
            for (const [name, value] of Object.entries(signed.headers)) if (name.toLowerCase() !== "host") headers[name] = value;
            const response = await fetch(new URL("/", base), { method: "POST", headers, body: payload });
            const text = await response.text();
            const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            if (!response.ok) {
                const code = String(parsed["__type"] ?? "UnknownError").split("#").pop()!;
                const message = String(parsed["message"] ?? parsed["Message"] ?? text);
                throw Object.assign(new Error(`SageMaker ${action}: ${code}: ${message}`), { code, status: response.status });
            }
            return parsed as never;
        },
    };
}
