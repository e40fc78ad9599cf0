/** SageMaker real-time endpoint: `InvokeEndpoint` through the AWS SDK v3 runtime client (SigV4, service `sagemaker`). */
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { z } from "zod";
import { type DescribedEndpoint, sageMakerApi } from "../../../components/aws/sagemaker-api";
import type { AwsCredentials } from "../auth";
import { excerpt } from "../contract";
import { SmokeFailure, transportReason } from "../http";
import { defineTarget, outputString, outputUrl } from "./target";

export const sagemakerSmoke = defineTarget({
    name: "sagemaker",
    outputs: z.looseObject({
        region: outputString,
        endpointName: outputString,
        /** The endpoint config the last `up` asked for; the endpoint must run it (else it rolled back). */
        endpointConfigName: outputString.optional(),
        /** Not a deploy output: a runtime endpoint override (a VPC interface endpoint, or a local server in tests). */
        endpointUrl: outputUrl.optional(),
        /** Not a deploy output: a control-plane API override for the rollback check (a local fake in tests). */
        apiUrl: outputUrl.optional(),
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
            // A rolled-back endpoint still answers (from the old fleet): a good answer does not mean this deploy is live.
            verify: async () => sagemakerRollbackProblem(outputs, await auth.aws()),
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

/** The sagemaker outputs the rollback check reads. */
export interface SageMakerRollbackOutputs {
    readonly region: string;
    readonly endpointName: string;
    readonly endpointConfigName?: string;
    readonly apiUrl?: string;
}

/**
 * `undefined` when the endpoint runs the config the stack asked for, else why not, naming both configs.
 * terraform-provider-aws#48997: after a blue/green auto-rollback `up` succeeds, so only this comparison of
 * DescribeEndpoint's EndpointConfigName with the stack output can tell.
 */
export async function sagemakerRollbackProblem(outputs: SageMakerRollbackOutputs, credentials: AwsCredentials): Promise<string | undefined> {
    if (outputs.endpointConfigName === undefined) return undefined;
    const api = sageMakerApi({ region: outputs.region, credentials, ...(outputs.apiUrl ? { endpoint: outputs.apiUrl } : {}) });
    let live: DescribedEndpoint;
    try {
        live = await api.call<DescribedEndpoint>("DescribeEndpoint", { EndpointName: outputs.endpointName });
    } catch (err) {
        return `DescribeEndpoint ${outputs.endpointName} failed: ${(err as Error).message}`;
    }
    if (live.EndpointConfigName === outputs.endpointConfigName && live.EndpointStatus === "InService") return undefined;
    if (live.EndpointConfigName === outputs.endpointConfigName) return `SageMaker endpoint ${outputs.endpointName} runs ${live.EndpointConfigName} but is ${live.EndpointStatus}, not InService`;
    return `SageMaker endpoint ${outputs.endpointName} rolled back: DescribeEndpoint says it runs endpoint config ${live.EndpointConfigName}, ` +
        `but the stack output endpointConfigName is ${outputs.endpointConfigName} (${live.EndpointStatus}${live.PendingDeploymentSummary?.EndpointConfigName ? `, still deploying ${live.PendingDeploymentSummary.EndpointConfigName}` : ""})`;
}
