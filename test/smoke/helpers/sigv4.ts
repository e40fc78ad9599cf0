/**
 * An independent AWS Signature Version 4 check, written from the AWS spec with node:crypto (no AWS code),
 * run on a request as it arrived on the wire: it recomputes the signature from the method, path, query,
 * signed headers and body, as API Gateway and SageMaker do before they accept a call.
 */
import { createHash, createHmac } from "node:crypto";
import type { RecordedRequest } from "./loopback";

/** `AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/execute-api/aws4_request, SignedHeaders=a;b, Signature=<64 hex>` */
export const SIGV4_AUTHORIZATION =
    /^AWS4-HMAC-SHA256 Credential=(?<accessKeyId>[A-Z0-9]+)\/(?<date>\d{8})\/(?<region>[a-z0-9-]+)\/(?<service>[a-z0-9-]+)\/aws4_request, SignedHeaders=(?<signedHeaders>[a-z0-9-]+(?:;[a-z0-9-]+)*), Signature=(?<signature>[0-9a-f]{64})$/;

export interface SigV4Parts {
    readonly accessKeyId: string;
    readonly date: string;
    readonly region: string;
    readonly service: string;
    readonly signedHeaders: string[];
    readonly signature: string;
}

export function parseSigV4(authorization: string | undefined): SigV4Parts | undefined {
    const groups = authorization?.match(SIGV4_AUTHORIZATION)?.groups;
    if (!groups) return undefined;
    return {
        accessKeyId: groups.accessKeyId!,
        date: groups.date!,
        region: groups.region!,
        service: groups.service!,
        signedHeaders: groups.signedHeaders!.split(";"),
        signature: groups.signature!,
    };
}

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
/** RFC 3986 encoding, as SigV4 wants it. */
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The signature SigV4 gives `request` with `secretAccessKey`, following its own Authorization header's scope. */
export function expectedSignature(request: RecordedRequest, secretAccessKey: string): string {
    const parts = parseSigV4(request.headers.authorization);
    if (!parts) throw new Error(`not a SigV4 Authorization header: ${request.headers.authorization}`);
    const amzDate = request.headers["x-amz-date"];
    if (!amzDate) throw new Error("x-amz-date is missing");
    const url = new URL(request.path, "http://placeholder");
    // Every service but S3 encodes each path segment (as it was sent) once more.
    const canonicalPath = url.pathname.split("/").map(encode).join("/");
    const canonicalQuery = [...url.searchParams.entries()]
        .map(([key, value]) => `${encode(key)}=${encode(value)}`)
        .sort()
        .join("&");
    const canonicalHeaders = parts.signedHeaders.map((name) => `${name}:${(request.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
    // The body as received, never the header's claim about it.
    const payloadHash = sha256Hex(request.body);
    const canonicalRequest = [request.method, canonicalPath, canonicalQuery, canonicalHeaders, parts.signedHeaders.join(";"), payloadHash].join("\n");
    const scope = `${parts.date}/${parts.region}/${parts.service}/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, parts.date), parts.region), parts.service), "aws4_request");
    return createHmac("sha256", signingKey).update(stringToSign).digest("hex");
}
