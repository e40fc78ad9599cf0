/** SageMaker real-time endpoint: `InvokeEndpoint` through the AWS SDK v3 runtime client (SigV4, service `sagemaker`). */
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { z } from "zod";
import { excerpt } from "../contract";
import { SmokeFailure, transportReason } from "../http";
import { defineTarget, outputString, outputUrl } from "./target";

export const sagemakerSmoke = defineTarget({
    name: "sagemaker",
    outputs: z.looseObject({
        region: outputString,
        endpointName: outputString,
        /** Not a deploy output: a runtime endpoint override (a VPC interface endpoint, or a local server in tests). */
        endpointUrl: outputUrl.optional(),
    }),
    prepare: async (outputs, { auth, timeoutMs, requestBody }) => {
        const client = new SageMakerRuntimeClient({
            region: outputs.region,
            credentials: await auth.aws(),
            ...(outputs.endpointUrl ? { endpoint: outputs.endpointUrl } : {}),
            // One attempt: a smoke test reports the first answer, it does not retry it into a pass.
            maxAttempts: 1,
        });
        const url = `${outputs.endpointUrl ?? `https://runtime.sagemaker.${outputs.region}.amazonaws.com`}/endpoints/${outputs.endpointName}/invocations`;
        return {
            url,
            expectations: { probabilitiesRequired: true },
            send: async () => {
                try {
                    const answer = await client.send(
                        new InvokeEndpointCommand({
                            EndpointName: outputs.endpointName,
                            ContentType: "application/json",
                            Accept: "application/json",
                            Body: new TextEncoder().encode(requestBody),
                        }),
                        { abortSignal: AbortSignal.timeout(timeoutMs) },
                    );
                    return { status: answer.$metadata.httpStatusCode ?? 200, text: new TextDecoder().decode(answer.Body) };
                } catch (err) {
                    throw new SmokeFailure(sdkReason(err, url, timeoutMs));
                } finally {
                    client.destroy();
                }
            },
        };
    },
});

/**
 * A service error names its HTTP status and the body: ModelError carries the container's answer in
 * OriginalMessage; for other errors the SDK copies the parsed body's fields onto the exception. The rest is transport.
 */
function sdkReason(err: unknown, url: string, timeoutMs: number): string {
    const error = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; OriginalMessage?: string };
    const status = error?.$metadata?.httpStatusCode;
    if (status === undefined) return transportReason(err, url, timeoutMs);
    const bodyFields = Object.fromEntries(Object.entries(error).filter(([key]) => !key.startsWith("$") && !["name", "message", "stack"].includes(key)));
    const said = error.OriginalMessage ?? (error.message && error.message !== "UnknownError" ? error.message : JSON.stringify(bodyFields));
    return `HTTP ${status} ${error.name} from ${url}: ${excerpt(said)}`;
}
