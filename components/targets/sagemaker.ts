import * as aws from "@pulumi/aws";
import { z } from "zod";
import { builtImagePlatform } from "../aws/ecr-image";
import { SageMakerEndpoint, sagemakerArgsProblems } from "../aws/sagemaker-endpoint";
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
    kmsKeyArn: z.string().regex(/^arn:aws(-cn|-us-gov)?:kms:/, "kmsKeyArn must be a KMS key ARN (arn:<partition>:kms:…)").optional(),
    artifactKmsKeyArn: z.string().regex(/^arn:aws(-cn|-us-gov)?:kms:/, "artifactKmsKeyArn must be a KMS key ARN (arn:<partition>:kms:…)").optional(),
    createKmsKey: z.boolean().optional(),
    dataCapture: z.strictObject({ enabled: z.boolean(), samplingPercent: z.int().min(1).max(100).optional() }).optional(),
    networkIsolation: z.boolean().optional(),
    alarmActions: z.array(z.string().startsWith("arn:")).optional(),
    logRetentionDays: logRetentionDaysSchema.optional(),
}).refine((target) => target.serverless === undefined || (target.scaling === undefined && target.instanceType === undefined), {
    message: "serverless endpoints have no instances: give serverless, or instanceType and scaling, not both",
    path: ["serverless"],
}).superRefine((target, ctx) => {
    for (const problem of sagemakerArgsProblems(target)) {
        ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
    }
});

export type SageMakerTargetConfig = z.infer<typeof sagemakerTargetSchema>;

export function deploySageMaker(name: string, target: SageMakerTargetConfig, stack: StackContext): TargetOutputs {
    const endpoint = new SageMakerEndpoint(name, {
        ...target,
        stage: stack.stage,
        model: stack.model,
        image: { uri: stack.awsImageUri() },
        // The stack's one ECR image is built for one platform (shared with Lambda); the instances must run it.
        imagePlatform: builtImagePlatform(stack.image),
    });
    return {
        region: aws.getRegionOutput({}, { parent: endpoint }).region,
        endpointName: endpoint.endpointName,
        endpointArn: endpoint.endpointArn,
        endpointConfigName: endpoint.endpointConfigName,
        modelName: endpoint.modelName,
        imageDigest: endpoint.imageDigest,
    };
}
