/**
 * Lambda behind an API Gateway HTTP API: `POST invokeUrl`, signed with SigV4 for service `execute-api` when the
 * route uses IAM auth, with a bearer JWT for a JWT authorizer, or plain when the route is open (dev only).
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { z } from "zod";
import type { AwsCredentials } from "../auth";
import { postJson, SmokeFailure } from "../http";
import { defineTarget, normalizeAuthMode, outputString, outputUrl } from "./target";

export const lambdaSmoke = defineTarget({
    name: "lambda",
    outputs: z.looseObject({ region: outputString, invokeUrl: outputUrl, authMode: z.string().optional() }),
    prepare: async (outputs, { auth, timeoutMs, requestBody }) => {
        const mode = normalizeAuthMode(outputs.authMode, "iam");
        let headers: Record<string, string>;
        if (mode === "iam") headers = await signExecuteApi(outputs.invokeUrl, requestBody, outputs.region, await auth.aws());
        else if (mode === "jwt") headers = { authorization: `Bearer ${await auth.jwt()}` };
        else if (mode === "none") headers = {};
        else throw new SmokeFailure(`authMode "${outputs.authMode}" is not one the API Gateway route offers (iam, jwt, none)`);
        return {
            url: outputs.invokeUrl,
            expectations: { probabilitiesRequired: true },
            send: () => postJson(outputs.invokeUrl, requestBody, headers, timeoutMs),
        };
    },
});

/** The headers that sign a JSON POST for API Gateway's IAM auth (SigV4, service `execute-api`). */
export async function signExecuteApi(url: string, body: string, region: string, credentials: AwsCredentials, signingDate?: Date): Promise<Record<string, string>> {
    const target = new URL(url);
    const signer = new SignatureV4({ service: "execute-api", region, credentials, sha256: Sha256 });
    const query: Record<string, string> = {};
    target.searchParams.forEach((value, key) => (query[key] = value));
    const signed = await signer.sign(
        {
            method: "POST",
            protocol: target.protocol,
            hostname: target.hostname,
            ...(target.port ? { port: Number(target.port) } : {}),
            path: target.pathname,
            query,
            // `host` must be signed exactly as fetch will send it (with the port when it is not the default).
            headers: { host: target.host, "content-type": "application/json", accept: "application/json" },
            body,
        },
        signingDate ? { signingDate } : {},
    );
    const headers: Record<string, string> = {};
    // fetch sets `host` itself, and refuses to be given it.
    for (const [name, value] of Object.entries(signed.headers)) if (name.toLowerCase() !== "host") headers[name] = value;
    return headers;
}
