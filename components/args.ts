import * as pulumi from "@pulumi/pulumi";

// The shared argument vocabulary of every inference target.
//
// Kept free of callbacks and of union/intersection types (string-literal enums
// aside) so that the components can later be published as a multi-language
// Pulumi component package. Fields that change the *shape* of the resource
// graph (stage, rollout strategy, alarms on/off, local paths) are plain values;
// fields that are only passed through to a cloud resource accept `pulumi.Input`.

/** The deployment stage. `prod` turns on the production guardrails. */
export type Stage = "dev" | "staging" | "prod";
export const STAGES: readonly Stage[] = ["dev", "staging", "prod"];

/**
 * Who may call the endpoint.
 * - `iam`: the cloud's own identity (SigV4 on AWS, Google IAM on GCP, Entra ID/AAD tokens on Azure).
 * - `key`: a per-endpoint key (Azure ML endpoint keys).
 * - `jwt`: a JWT authorizer (API Gateway on the Lambda target).
 * - `none`: anonymous. Refused in prod by the policy pack; only some targets offer it.
 */
export type AuthMode = "iam" | "key" | "jwt" | "none";
export const AUTH_MODES: readonly AuthMode[] = ["iam", "key", "jwt", "none"];

/**
 * How a new model or image version replaces the old one.
 * - `all-at-once`: the cloud's default in-place update.
 * - `blue-green`: a new fleet beside the old, traffic shifted (canary first when `canaryPercent` is set),
 *   rolled back automatically when an alarm fires during the bake time.
 * - `canary`: a share of traffic to the new version for the bake time, then the rest (targets
 *   that route by weight: Lambda aliases, Cloud Run revisions, Vertex and Azure traffic splits).
 */
export type RolloutStrategy = "all-at-once" | "blue-green" | "canary";
export const ROLLOUT_STRATEGIES: readonly RolloutStrategy[] = ["all-at-once", "blue-green", "canary"];

/** The model to serve. Give exactly one of `path` and `artifactUri`. */
export interface ModelArgs {
    /** The model's name; it becomes the `model` tag. Required. */
    readonly name: string;
    /** The model's version, e.g. `1.4.0`; served back as `model_version`. Required. */
    readonly version: string;
    /**
     * A local directory holding `model.onnx` (and optionally `model.json`). The component packs it
     * (as `model.tar.gz` for SageMaker) and uploads it. Relative paths resolve from the project root (the folder of Pulumi.yaml).
     * Default: none; give this or `artifactUri`.
     */
    readonly path?: string;
    /**
     * An existing artifact in the target cloud's storage (`s3://…/model.tar.gz`, `gs://…/`, `azureml://…`),
     * used as is. Default: none; give this or `path`.
     */
    readonly artifactUri?: pulumi.Input<string>;
    /**
     * Days an overwritten or deleted copy of an uploaded artifact (a noncurrent object version) stays
     * recoverable before the bucket's lifecycle rule deletes it. Uploaded artifacts themselves are never
     * deleted by an update: they stay while anything may still serve them. Default: 30.
     */
    readonly retentionDays?: number;
}

/** The serving container image. Give at most one of `context` and `uri`. */
export interface ImageArgs {
    /**
     * A Docker build context to build and push to the target cloud's registry, pinned by digest.
     * Relative paths resolve from the project root. Default: this package's own `app/` server, when neither
     * `context` nor `uri` is given.
     */
    readonly context?: string;
    /** The Dockerfile, relative to `context`. Default: `Dockerfile`. */
    readonly dockerfile?: string;
    /** The build platform. Default: `linux/amd64`. */
    readonly platform?: string;
    /** Docker build arguments (`--build-arg`); they are part of the image tag. Default: none. */
    readonly buildArgs?: Record<string, string>;
    /**
     * An existing image, ideally pinned by digest (`…@sha256:…`), used as is instead of building.
     * Default: none (build from `context`).
     */
    readonly uri?: pulumi.Input<string>;
}

/** Capacity bounds and the autoscaling target. */
export interface ScalingArgs {
    /** The fewest serving instances (replicas, or provisioned concurrency on Lambda). Default: 1 (2 in prod). */
    readonly minInstances?: number;
    /** The most serving instances. Default: the larger of `minInstances` and 4. */
    readonly maxInstances?: number;
    /**
     * The load each instance should carry before scaling out, in the target's own metric:
     * SageMaker invocations per instance per minute, Vertex and Azure ML CPU utilisation (%),
     * Cloud Run concurrent requests per instance, Lambda provisioned-concurrency utilisation (0–1).
     * Default: the target's documented default (SageMaker 70 invocations/instance/min, CPU 60%).
     */
    readonly targetLoadPerInstance?: number;
    /** Seconds to wait after a scale-out before another one. Default: 60. */
    readonly scaleOutCooldownSeconds?: number;
    /** Seconds to wait after a scale-in before another one. Default: 300. */
    readonly scaleInCooldownSeconds?: number;
}

/** How new versions roll out. */
export interface RolloutArgs {
    /** The rollout strategy. Default: `all-at-once` (`blue-green` in the prod stack config). */
    readonly strategy?: RolloutStrategy;
    /** Percent of traffic sent to the new version first, for blue/green canaries and canary rollouts. Default: 10. */
    readonly canaryPercent?: number;
    /** Seconds the canary bakes (watched by the rollback alarms) before the rest of the traffic moves. Default: 600. */
    readonly bakeSeconds?: number;
    /** Roll back automatically when a monitoring alarm fires during the rollout. Default: true. */
    readonly autoRollback?: boolean;
}

/** Alarms on the endpoint. */
export interface MonitoringArgs {
    /** Create alarms. Default: false (true in the prod stack config). */
    readonly alarms?: boolean;
    /** Server (5xx) errors per minute that raise the error alarm. Default: 5. */
    readonly max5xxPerMinute?: number;
    /** Average model latency in milliseconds that raises the latency alarm. Default: 500. */
    readonly maxLatencyMs?: number;
    /** Consecutive one-minute periods over the threshold before an alarm fires. Default: 3. */
    readonly evaluationPeriods?: number;
}

/** The arguments every inference target takes. Per-cloud args extend this interface. */
export interface InferenceEndpointArgs {
    /** The deployment stage; `prod` turns on the production guardrails. Required. */
    readonly stage: Stage;
    /** The model to serve. Required. */
    readonly model: ModelArgs;
    /** The serving image. Default: this package's `app/` server, built and pushed by digest. */
    readonly image?: ImageArgs;
    /**
     * The instance or machine type, in the target cloud's vocabulary (`ml.m5.xlarge`, `n1-standard-4`,
     * `Standard_DS3_v2`; for Lambda, ignored: memory sets the size). Default: the target's smallest
     * sensible type, see each target.
     */
    readonly instanceType?: pulumi.Input<string>;
    /** Capacity bounds and the autoscaling target. Default: see `ScalingArgs`. */
    readonly scaling?: ScalingArgs;
    /** Environment variables for the serving container, merged over the ones the component sets. Default: none. */
    readonly environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Extra tags (labels on GCP), merged under the required `stage`, `managed-by` and `model` tags. Default: none. */
    readonly tags?: Record<string, string>;
    /** Who may call the endpoint. Default: `iam` (`key` on Azure ML). */
    readonly auth?: AuthMode;
    /** How new versions roll out. Default: all at once. */
    readonly rollout?: RolloutArgs;
    /** Alarms on the endpoint. Default: off. */
    readonly monitoring?: MonitoringArgs;
}
