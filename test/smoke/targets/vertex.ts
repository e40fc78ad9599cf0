/** Vertex AI endpoint: `POST predictUrl` (…/endpoints/{id}:predict) with a cloud-platform OAuth access token. */
import { z } from "zod";
import { postJson } from "../http";
import { defineTarget, outputString, outputUrl } from "./target";

export const vertexSmoke = defineTarget({
    name: "vertex",
    outputs: z.looseObject({ predictUrl: outputUrl, deployedModelId: outputString }),
    prepare: async (outputs, { auth, timeoutMs, requestBody }) => {
        const headers = { authorization: `Bearer ${await auth.googleAccessToken()}` };
        return {
            url: outputs.predictUrl,
            // Vertex answers {predictions, deployedModelId, model, …}: the container's other fields are dropped.
            expectations: { probabilitiesRequired: false },
            check: (answer) =>
                answer.deployedModelId !== undefined && answer.deployedModelId !== outputs.deployedModelId
                    ? `served by deployed model ${JSON.stringify(answer.deployedModelId)}, not the stack's ${outputs.deployedModelId}`
                    : undefined,
            send: () => postJson(outputs.predictUrl, requestBody, headers, timeoutMs),
        };
    },
});
