import * as aws from "@pulumi/aws";
import { z } from "zod";
import { assertModelBakedIn, LAMBDA_ARCHITECTURES, LambdaEndpoint, lambdaArgsProblems } from "../aws/lambda-endpoint";
import { logRetentionDaysSchema, targetFields } from "../config/schema";
import { EndpointArgsError } from "../settings";
import type { StackContext, TargetOutputs } from "./context";

/** `ml-endpoints:targets.lambda` in a stack file. Ranges and cross-field rules are the component's own (`lambdaArgsProblems`). */
export const lambdaTargetSchema = z.strictObject({
    ...targetFields,
    instanceType: z.unknown().refine((value) => value === undefined, {
        error: (issue) => `instanceType ${JSON.stringify(issue.input)} is not used by Lambda: memorySizeMb (128–10240) sets the size`,
    }).optional(),
    functionName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "functionName must be 1–64 letters, digits, '-' or '_'").optional(),
    memorySizeMb: z.number().optional(),
    timeoutSeconds: z.number().optional(),
    architecture: z.enum(LAMBDA_ARCHITECTURES).optional(),
    reservedConcurrency: z.number().optional(),
    provisionedConcurrency: z.number().optional(),
    stableVersion: z.string().regex(/^[0-9]+$/, "stableVersion must be a published version number, e.g. \"3\"").optional(),
    warmup: z.strictObject({ enabled: z.boolean().optional(), schedule: z.string().optional() }).optional(),
    jwt: z.strictObject({ issuer: z.url({ protocol: /^https$/ }), audience: z.array(z.string().min(1)).min(1) }).optional(),
    throttling: z.strictObject({ burstLimit: z.int().min(0).optional(), rateLimit: z.number().min(0).optional() }).optional(),
    logRetentionDays: logRetentionDaysSchema.optional(),
    alarmActions: z.array(z.string().startsWith("arn:")).optional(),
}).superRefine((target, ctx) => {
    for (const problem of lambdaArgsProblems(target)) {
        ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
    }
});

export type LambdaTargetConfig = z.infer<typeof lambdaTargetSchema>;

export function deployLambda(name: string, target: LambdaTargetConfig, stack: StackContext): TargetOutputs {
    const component = `LambdaEndpoint "${name}"`;
    // The stack's one ECR image is built for one platform; the function must run on it.
    const platform = stack.image?.platform ?? "linux/amd64";
    const architecture = target.architecture ?? "x86_64";
    if (stack.image?.uri === undefined && platform !== (architecture === "arm64" ? "linux/arm64" : "linux/amd64")) {
        throw new EndpointArgsError(`${component}: architecture "${architecture}" cannot run the stack's image built for ${platform}; set ml-endpoints:image.platform to match`);
    }
    // The component sees only the image URI, so the baked-model check runs here with the stack's build context.
    assertModelBakedIn(component, stack.model, stack.image);
    const { instanceType: _unused, ...lambdaArgs } = target;
    const endpoint = new LambdaEndpoint(name, {
        ...lambdaArgs,
        stage: stack.stage,
        model: stack.model,
        image: { uri: stack.awsImageUri() },
    });
    return {
        region: aws.getRegionOutput({}, { parent: endpoint }).region,
        invokeUrl: endpoint.invokeUrl,
        functionName: endpoint.functionName,
        functionArn: endpoint.functionArn,
        aliasArn: endpoint.aliasArn,
        authMode: endpoint.settings.auth,
    };
}
