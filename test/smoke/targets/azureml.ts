/**
 * Azure ML managed online endpoint: `POST scoringUri` with the endpoint key (authMode key: the `primaryKey` secret
 * output, or looked up through ARM when the stack does not expose it) or a Microsoft Entra ID token (authMode
 * iam / AADToken), pinned to the stack's deployment.
 */
import { z } from "zod";
import { postJson, SmokeFailure } from "../http";
import { defineTarget, normalizeAuthMode, outputString, outputUrl } from "./target";

export const azuremlSmoke = defineTarget({
    name: "azureml",
    outputs: z.looseObject({
        scoringUri: outputUrl,
        deploymentName: outputString,
        endpointName: outputString,
        workspaceName: outputString,
        authMode: z.string().optional(),
        primaryKey: outputString.optional(),
    }),
    prepare: async (outputs, { auth, timeoutMs, requestBody }) => {
        const mode = normalizeAuthMode(outputs.authMode, outputs.primaryKey ? "key" : "iam");
        let credential: string;
        if (mode === "key") {
            credential = outputs.primaryKey ?? (await auth.azureEndpointKey(outputs.workspaceName, outputs.endpointName));
        } else if (mode === "iam") {
            credential = await auth.azureToken();
        } else {
            throw new SmokeFailure(`authMode "${outputs.authMode}" is not one the smoke client speaks for Azure ML (Key, AADToken)`);
        }
        // Both the key and the Entra token go as a bearer credential; the deployment header bypasses the traffic split.
        const headers = { authorization: `Bearer ${credential}`, "azureml-model-deployment": outputs.deploymentName };
        return {
            url: outputs.scoringUri,
            expectations: { probabilitiesRequired: true },
            send: () => postJson(outputs.scoringUri, requestBody, headers, timeoutMs),
        };
    },
});
