/** Cloud Run service: `POST {url}/predict` with a Google ID token whose audience is the service URL (IAM invoker auth). */
import { z } from "zod";
import { postJson, SmokeFailure } from "../http";
import { defineTarget, normalizeAuthMode, outputUrl } from "./target";

export const cloudrunSmoke = defineTarget({
    name: "cloudrun",
    outputs: z.looseObject({ url: outputUrl, authMode: z.string().optional() }),
    prepare: async (outputs, { auth, timeoutMs, requestBody }) => {
        const mode = normalizeAuthMode(outputs.authMode, "iam");
        if (mode !== "iam" && mode !== "none") throw new SmokeFailure(`authMode "${outputs.authMode}" is not one Cloud Run offers (iam, none)`);
        const serviceUrl = outputs.url.replace(/\/+$/, "");
        const headers: Record<string, string> = mode === "iam" ? { authorization: `Bearer ${await auth.googleIdToken(serviceUrl)}` } : {};
        const url = `${serviceUrl}/predict`;
        return {
            url,
            expectations: { probabilitiesRequired: true },
            send: () => postJson(url, requestBody, headers, timeoutMs),
        };
    },
});
