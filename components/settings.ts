import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { AuthMode, InferenceEndpointArgs, RolloutStrategy, Stage } from "./args";

// Every target resolves its args through here, so defaults and cross-field
// checks are written once and mean the same thing on every cloud.

/** The tag keys every taggable resource carries; the policy pack requires them. */
export const REQUIRED_TAG_KEYS = ["stage", "managed-by", "model"] as const;
export const MANAGED_BY = "ml-endpoints";

/** The repo's own serving image: `app/` beside `components/` (and beside `dist/components/` once built). */
export const DEFAULT_IMAGE_CONTEXT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../../app" : "../app");

/**
 * The serving server's in-flight bound (app/src/config.ts). Targets whose platform caps concurrency per instance
 * set it to that cap and refuse it in `environment`: one owner, the platform's setting.
 */
export const MAX_CONCURRENT_ENV = "MAX_CONCURRENT_REQUESTS";

export interface ResolvedScaling {
    readonly minInstances: number;
    readonly maxInstances: number;
    readonly targetLoadPerInstance: number;
    readonly scaleOutCooldownSeconds: number;
    readonly scaleInCooldownSeconds: number;
}

export interface ResolvedRollout {
    readonly strategy: RolloutStrategy;
    readonly canaryPercent: number;
    readonly bakeSeconds: number;
    readonly autoRollback: boolean;
}

export interface ResolvedMonitoring {
    readonly alarms: boolean;
    readonly max5xxPerMinute: number;
    readonly maxLatencyMs: number;
    readonly evaluationPeriods: number;
}

/** The shared args with every default applied and every cross-field rule checked. */
export interface ResolvedSettings {
    readonly stage: Stage;
    readonly auth: AuthMode;
    readonly scaling: ResolvedScaling;
    readonly rollout: ResolvedRollout;
    readonly monitoring: ResolvedMonitoring;
    /** Required tags merged over the user's: the required keys always win. */
    readonly tags: Record<string, string>;
}

export interface TargetDefaults {
    /** The scaling metric's target when the user gives none, in the target's own unit. */
    readonly targetLoadPerInstance: number;
    /** The auth mode when the user gives none. */
    readonly auth: AuthMode;
    /** The auth modes this target can build. */
    readonly supportedAuth: readonly AuthMode[];
}

/** One broken rule of a target's args: the field (array items by index), and a message that states the value and what is allowed. */
export interface ArgsProblem {
    readonly path: readonly (string | number)[];
    readonly message: string;
}

/** A component's args broke a rule; the message names the component, the field, the value and what is allowed. */
export class EndpointArgsError extends pulumi.RunError {}

export function resolveSettings(component: string, args: InferenceEndpointArgs, defaults: TargetDefaults): ResolvedSettings {
    const fail = (message: string): never => {
        throw new EndpointArgsError(`${component}: ${message}`);
    };
    const minInstances = args.scaling?.minInstances ?? (args.stage === "prod" ? 2 : 1);
    const maxInstances = args.scaling?.maxInstances ?? Math.max(minInstances, 4);
    if (!Number.isInteger(minInstances) || minInstances < 0) fail(`scaling.minInstances ${minInstances} must be a whole number ≥ 0`);
    if (!Number.isInteger(maxInstances) || maxInstances < 1) fail(`scaling.maxInstances ${maxInstances} must be a whole number ≥ 1`);
    if (minInstances > maxInstances) fail(`scaling.minInstances ${minInstances} is greater than maxInstances ${maxInstances}`);

    const auth = args.auth ?? defaults.auth;
    if (!defaults.supportedAuth.includes(auth)) {
        fail(`auth "${auth}" is not offered by this target; allowed: ${defaults.supportedAuth.join(", ")}`);
    }

    const rollout: ResolvedRollout = {
        strategy: args.rollout?.strategy ?? "all-at-once",
        canaryPercent: args.rollout?.canaryPercent ?? 10,
        bakeSeconds: args.rollout?.bakeSeconds ?? 600,
        autoRollback: args.rollout?.autoRollback ?? true,
    };
    if (rollout.canaryPercent <= 0 || rollout.canaryPercent >= 100) {
        fail(`rollout.canaryPercent ${rollout.canaryPercent} must be between 1 and 99`);
    }

    const modelSources = [args.model.path, args.model.artifactUri].filter((source) => source !== undefined);
    if (modelSources.length !== 1) fail("model: give exactly one of path and artifactUri");
    if (args.image?.context !== undefined && args.image.uri !== undefined) fail("image: give at most one of context and uri");

    return {
        stage: args.stage,
        auth,
        scaling: {
            minInstances,
            maxInstances,
            targetLoadPerInstance: args.scaling?.targetLoadPerInstance ?? defaults.targetLoadPerInstance,
            scaleOutCooldownSeconds: args.scaling?.scaleOutCooldownSeconds ?? 60,
            scaleInCooldownSeconds: args.scaling?.scaleInCooldownSeconds ?? 300,
        },
        rollout,
        monitoring: {
            alarms: args.monitoring?.alarms ?? false,
            max5xxPerMinute: args.monitoring?.max5xxPerMinute ?? 5,
            maxLatencyMs: args.monitoring?.maxLatencyMs ?? 500,
            evaluationPeriods: args.monitoring?.evaluationPeriods ?? 3,
        },
        tags: requiredTags(args),
    };
}

/** The user's tags with the required ones on top. */
export function requiredTags(args: Pick<InferenceEndpointArgs, "stage" | "model" | "tags">): Record<string, string> {
    return { ...args.tags, stage: args.stage, "managed-by": MANAGED_BY, model: args.model.name };
}

/**
 * GCP labels allow only lowercase letters, digits, `_` and `-` (max 63 chars), so tag values
 * such as a model name with dots or capitals are folded to fit.
 */
export function toGcpLabels(tags: Record<string, string>): Record<string, string> {
    const fold = (text: string) => text.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63);
    return Object.fromEntries(Object.entries(tags).map(([key, value]) => [fold(key), fold(value)]));
}

/**
 * A resource-name-safe slug (lowercase letters, digits and dashes) cut to `maxLength`,
 * for cloud names that are shorter or stricter than Pulumi's.
 */
export function nameSlug(text: string, maxLength: number): string {
    // Trim dashes after cutting too: a cut can end on one, and SageMaker's (and most clouds') name patterns refuse it.
    return text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, maxLength).replace(/-+$/, "");
}
