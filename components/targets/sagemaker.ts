import * as aws from "@pulumi/aws";
import { z } from "zod";
import { SageMakerEndpoint } from "../aws/sagemaker-endpoint";
import { instanceTypeMatching, logRetentionDaysSchema, targetFields } from "../config/schema";
import type { StackContext, TargetOutputs } from "./context";

/** `ml-endpoints:targets.sagemaker` in a stack file. */
export const sagemakerTargetSchema = z.strictObject({
    ...targetFields,
    instanceType: instanceTypeMatching(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, "a SageMaker type (ml.*, e.g. ml.m5.xlarge)").optional(),
    endpointName: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, "endpointName must be ≤ 63 letters, digits and inner dashes").optional(),
    serverless: z.strictObject({
        memorySizeMb: z.union([1024, 2048, 3072, 4096, 5120, 6144].map((mb) => z.literal(mb))).optional(),
        maxConcurrency: z.int().min(1).max(200).optional(),
    }).optional(),
    kmsKeyArn: z.string().startsWith("arn:aws:kms:").optional(),
    createKmsKey: z.boolean().optional(),
    dataCapture: z.strictObject({ enabled: z.boolean(), samplingPercent: z.int().min(1).max(100).optional() }).optional(),
    networkIsolation: z.boolean().optional(),
    alarmActions: z.array(z.string().startsWith("arn:")).optional(),
    logRetentionDays: logRetentionDaysSchema.optional(),
}).refine((target) => target.serverless === undefined || (target.scaling === undefined && target.instanceType === undefined), {
    message: "serverless endpoints have no instances: give serverless, or instanceType and scaling, not both",
    path: ["serverless"],
});

export type SageMakerTargetConfig = z.infer<typeof sagemakerTargetSchema>;

export function deploySageMaker(name: string, target: SageMakerTargetConfig, stack: StackContext): TargetOutputs {
    const endpoint = new SageMakerEndpoint(name, {
        ...target,
        stage: stack.stage,
        model: stack.model,
        image: { uri: stack.awsImageUri() },
    });
    return {
        region: aws.getRegionOutput({}, { parent: endpoint }).region,
        endpointName: endpoint.endpointName,
        endpointArn: endpoint.endpointArn,
        modelName: endpoint.modelName,
        imageDigest: endpoint.imageDigest,
    };
}
