import { z } from "zod";
import { AUTH_MODES, ROLLOUT_STRATEGIES, STAGES } from "../args";

// Building blocks of the stack-config schema. Each target's own schema (next to its component)
// spreads `targetFields` and adds its extras, so every target reads the same shared keys.

const wholeNumber = (min: number) => z.int().min(min);

export const scalingSchema = z.strictObject({
    minInstances: wholeNumber(0),
    maxInstances: wholeNumber(1),
    targetLoadPerInstance: z.number().positive().optional(),
    scaleOutCooldownSeconds: wholeNumber(0).optional(),
    scaleInCooldownSeconds: wholeNumber(0).optional(),
}).superRefine((scaling, ctx) => {
    if (scaling.minInstances > scaling.maxInstances) {
        ctx.addIssue({
            code: "custom",
            path: ["minInstances"],
            message: `minInstances ${scaling.minInstances} is greater than maxInstances ${scaling.maxInstances}`,
        });
    }
});

export const rolloutSchema = z.strictObject({
    strategy: z.enum(ROLLOUT_STRATEGIES),
    canaryPercent: wholeNumber(1).max(99).optional(),
    bakeSeconds: wholeNumber(0).optional(),
    autoRollback: z.boolean().optional(),
});

export const monitoringSchema = z.strictObject({
    alarms: z.boolean(),
    max5xxPerMinute: z.number().nonnegative().optional(),
    maxLatencyMs: z.number().positive().optional(),
    evaluationPeriods: wholeNumber(1).optional(),
});

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const logRetentionDaysSchema = z.number().refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    error: (issue) => `logRetentionDays ${JSON.stringify(issue.input)} is not a CloudWatch retention; allowed: ${LOG_RETENTION_DAYS.join(", ")}`,
});

const stringMap = z.record(z.string(), z.string());

/** The keys every target accepts; a target schema spreads these and narrows `instanceType`. */
export const targetFields = {
    instanceType: z.string().optional(),
    scaling: scalingSchema.optional(),
    auth: z.enum(AUTH_MODES).optional(),
    rollout: rolloutSchema.optional(),
    monitoring: monitoringSchema.optional(),
    environment: stringMap.optional(),
    tags: stringMap.optional(),
};

/** An instance-type field that must match `pattern`, with an error that says which cloud's vocabulary it expects. */
export function instanceTypeMatching(pattern: RegExp, vocabulary: string) {
    return z.string().refine((value) => pattern.test(value), {
        error: (issue) => `instanceType ${JSON.stringify(issue.input)} is not ${vocabulary}`,
    });
}

export const modelSchema = z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "model.name may hold letters, digits, '.', '_' and '-'"),
    version: z.string().min(1),
    path: z.string().min(1).optional(),
    artifactUri: z.string().min(1).optional(),
    retentionDays: wholeNumber(1).optional(),
}).refine((model) => (model.path === undefined) !== (model.artifactUri === undefined), {
    message: "give exactly one of model.path and model.artifactUri",
});

const pinnedImage = z.string().regex(/@sha256:[0-9a-f]{64}$/, "must be pinned by digest (…@sha256:<64 hex>)");

export const imageSchema = z.strictObject({
    context: z.string().min(1).optional(),
    dockerfile: z.string().min(1).optional(),
    platform: z.string().min(1).optional(),
    buildArgs: stringMap.optional(),
    uri: z.string().min(1).optional(),
    /**
     * The images an earlier stage built, per cloud, used instead of building (the deploy workflow sets this
     * for staging and prod from dev's state, so every stage serves the bytes dev tested).
     */
    promoted: z.strictObject({ aws: pinnedImage.optional(), gcp: pinnedImage.optional(), azure: pinnedImage.optional() }).optional(),
});

export const stageSchema = z.enum(STAGES);
