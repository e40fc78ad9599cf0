import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { InferenceEndpointArgs } from "../args";
import { artifactPath, artifactRetentionDays, modelPathPrefix, packModelTarball, readLocalModel } from "../model-artifact";
import { ArgsProblem, EndpointArgsError, nameSlug, resolveSettings, ResolvedSettings } from "../settings";
import { thresholdAlarm } from "./alarms";
import { targetTrackingScaling } from "./autoscaling";
import { builtImagePlatform, servingImage } from "./ecr-image";
import { awsLogGroupArn, awsPlacement, PolicyStatement, roleForService, writeLogsStatement } from "./iam";
import { SageMakerConfigRollout } from "./sagemaker-rollout";

/** SageMaker serverless inference: pay per request, no instances. Suited to dev, refused in prod by policy. */
export interface SageMakerServerlessArgs {
    /** Memory per concurrent invocation, 1024–6144 MB in 1 GB steps. Default: 2048. */
    readonly memorySizeMb?: number;
    /** Concurrent invocations, 1–200. Default: 5. */
    readonly maxConcurrency?: number;
}

/** SageMaker data capture of requests and responses, to this endpoint's bucket. */
export interface SageMakerDataCaptureArgs {
    /** Capture requests and responses. Default: false. */
    readonly enabled?: boolean;
    /** Percent of requests captured. Default: 20. */
    readonly samplingPercent?: number;
}

export interface SageMakerEndpointArgs extends InferenceEndpointArgs {
    /** The SageMaker endpoint's name (≤ 63 characters). Default: `<model name>-<stage>`. */
    readonly endpointName?: string;
    /** Serve with serverless inference instead of instances; `instanceType` and scaling are then unused. Default: off (instances). */
    readonly serverless?: SageMakerServerlessArgs;
    /**
     * A KMS key ARN for the endpoint's ML storage volumes, artifacts and captured data. Not with serverless (no ML
     * storage volume) nor with instance types that have local NVMe storage. Default: none; see `createKmsKey`.
     */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** Create a customer-managed KMS key (with rotation) when `kmsKeyArn` is not given (CKV_AWS_98). Default: true in prod with instances, false elsewhere. */
    readonly createKmsKey?: boolean;
    /** The KMS key that encrypts `model.artifactUri`'s object (SSE-KMS); the role may decrypt with it. Default: none (SSE-S3 or unencrypted). */
    readonly artifactKmsKeyArn?: pulumi.Input<string>;
    /** Data capture (instances only: serverless has none). Default: off. */
    readonly dataCapture?: SageMakerDataCaptureArgs;
    /**
     * Run the model container with no network access (CKV_AWS_370). Serverless does not support it.
     * Default: true with instances (the server needs no network on SageMaker), false with serverless.
     */
    readonly networkIsolation?: boolean;
    /** The platform the image was built for, when the caller knows it (`linux/amd64`, `linux/arm64`). Default: `image.platform` when built here, else unchecked. */
    readonly imagePlatform?: string;
    /** SNS topic ARNs (or other alarm actions) notified when an alarm fires. Default: none. */
    readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
    /** Days to keep the endpoint's CloudWatch logs. Default: 30. */
    readonly logRetentionDays?: number;
}

/** SageMaker's only production variant: one variant per endpoint keeps routing and scaling simple. */
export const VARIANT_NAME = "AllTraffic";
/** The instance type when none is given. */
export const SAGEMAKER_DEFAULT_INSTANCE_TYPE = "ml.m5.large";
/** The namespace SageMaker's endpoint instance metrics go to; the role may put metrics there only. */
export const ENDPOINT_METRICS_NAMESPACE = "/aws/sagemaker/Endpoints";
/** TrafficRoutingConfig.WaitIntervalInSeconds: "Valid Range: Minimum value of 0. Maximum value of 3600" (API reference). */
export const MAX_BAKE_SECONDS = 3600;
/** "The canary size should be less than or equal to 50% of the new fleet's capacity" ("Use canary traffic shifting"). */
export const MAX_CANARY_PERCENT = 50;

/** The instance family of an `ml.<family>.<size>` type, e.g. `m5d` for `ml.m5d.xlarge`. */
function instanceFamily(instanceType: string): string | undefined {
    return /^ml\.([a-z0-9]+)\.[a-z0-9]+$/.exec(instanceType)?.[1];
}

/**
 * Families with local NVMe instance storage (EC2 User Guide, "Instance store volumes"): a `d` after the generation
 * (m5d, c5d, r5d, m6id, c6gd, g4dn, p3dn, p4d, p4de) plus those whose name does not say so (g5, g6, g6e, p5, trn1).
 */
export function hasLocalNvme(instanceType: string): boolean {
    const family = instanceFamily(instanceType);
    return family !== undefined && (/^[a-z]+\d+[a-z]*d[a-z]*$/.test(family) || ["g5", "g6", "g6e", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2"].includes(family));
}

/** AWS Graviton (arm64) families: a `g` right after the generation (c6g, c6gn, c7g, m6g, m6gd, r6g, r7g, r8g). */
export function isGraviton(instanceType: string): boolean {
    const family = instanceFamily(instanceType);
    return family !== undefined && /^[a-z]+\d+g[a-z]*$/.test(family);
}

/** The SageMaker-specific values the rules below check, as plain values. */
export interface SageMakerArgsToCheck {
    readonly stage?: string;
    readonly instanceType?: unknown;
    readonly serverless?: object;
    readonly networkIsolation?: boolean;
    readonly dataCapture?: { readonly enabled?: boolean };
    readonly kmsKeyArn?: unknown;
    readonly createKmsKey?: boolean;
    readonly imagePlatform?: string;
    readonly scaling?: { readonly minInstances?: number };
    readonly rollout?: { readonly strategy?: string; readonly canaryPercent?: number; readonly bakeSeconds?: number };
}

/**
 * The SageMaker target's rules, written once: the component throws on them, and the stack-config schema
 * reports them against `ml-endpoints:targets.sagemaker.<field>`. Each names the AWS rule it encodes.
 */
export function sagemakerArgsProblems(args: SageMakerArgsToCheck): ArgsProblem[] {
    const problems: ArgsProblem[] = [];
    const add = (field: string, message: string) => problems.push({ path: field.split("."), message });
    const serverless = args.serverless !== undefined;
    const instanceType = typeof args.instanceType === "string" ? args.instanceType : serverless ? undefined : args.instanceType === undefined ? SAGEMAKER_DEFAULT_INSTANCE_TYPE : undefined;

    if (serverless) {
        // SageMaker Developer Guide, "Serverless Inference": feature exclusions include network isolation and data capture.
        if (args.networkIsolation === true) add("networkIsolation", "networkIsolation true is not supported by SageMaker Serverless Inference (feature exclusions: VPC configuration, network isolation); remove it, or serve from instances");
        if (args.dataCapture?.enabled === true) add("dataCapture.enabled", "dataCapture.enabled true is not supported by SageMaker Serverless Inference (feature exclusions: data capture, Model Monitor); remove it, or serve from instances");
        // CreateEndpointConfig KmsKeyId: the key "encrypt[s] data on the storage volume attached to the ML compute instance"; serverless has none.
        if (args.kmsKeyArn !== undefined) add("kmsKeyArn", "kmsKeyArn encrypts the ML compute instance's storage volume (CreateEndpointConfig KmsKeyId), which serverless endpoints do not have; remove it (the artifact bucket is still encrypted), or serve from instances");
        if (args.createKmsKey === true) add("createKmsKey", "createKmsKey true makes an ML storage volume key (CreateEndpointConfig KmsKeyId), which serverless endpoints do not have; remove it, or serve from instances");
        if (args.imagePlatform === "linux/arm64") add("image.platform", "image.platform linux/arm64 cannot run on SageMaker Serverless Inference, which runs x86_64; build for linux/amd64");
    } else {
        const usesKms = args.kmsKeyArn !== undefined || (args.createKmsKey ?? args.stage === "prod");
        // CreateEndpointConfig KmsKeyId: "If you specify a value for KmsKeyId when using any nitro-based instances with local storage, the call to CreateEndpointConfig fails."
        if (instanceType !== undefined && usesKms && hasLocalNvme(instanceType)) {
            add("instanceType", `instanceType ${instanceType} has local NVMe storage, and CreateEndpointConfig fails with a KMS key on such instances (KmsKeyId, API reference); choose an EBS-only type (e.g. ${instanceType.replace(/^ml\.([a-z]+\d+)[a-z]*\./, "ml.$1.")}), or set createKmsKey: false and give no kmsKeyArn (local NVMe is encrypted by the instance's hardware)`);
        }
        if (instanceType !== undefined && args.imagePlatform !== undefined) {
            const needs = isGraviton(instanceType) ? "linux/arm64" : "linux/amd64";
            if (args.imagePlatform !== needs) add("instanceType", `instanceType ${instanceType} runs ${needs} containers, but the image is built for ${args.imagePlatform}; the container cannot start. Choose a ${args.imagePlatform === "linux/arm64" ? "Graviton (ml.c7g, ml.m6g, ml.r7g, …)" : "x86_64 (ml.m5, ml.c5, …)"} type, or build the image for ${needs}`);
        }
        const minInstances = args.scaling?.minInstances;
        // ProductionVariant InitialInstanceCount and RegisterScalableTarget MinCapacity for SageMaker variants: minimum 1.
        if (minInstances !== undefined && minInstances < 1) add("scaling.minInstances", `scaling.minInstances ${minInstances} is not allowed on SageMaker instances: InitialInstanceCount and the autoscaling MinCapacity must be ≥ 1; use serverless to scale to zero`);
    }
    if (args.rollout?.strategy === "blue-green") {
        const canary = args.rollout.canaryPercent;
        if (canary !== undefined && canary > MAX_CANARY_PERCENT) add("rollout.canaryPercent", `rollout.canaryPercent ${canary} is above SageMaker's limit: the canary must be ≤ ${MAX_CANARY_PERCENT}% of the green fleet ("Use canary traffic shifting"); allowed: 1–${MAX_CANARY_PERCENT}`);
        const bake = args.rollout.bakeSeconds;
        if (bake !== undefined && (bake < 0 || bake > MAX_BAKE_SECONDS)) add("rollout.bakeSeconds", `rollout.bakeSeconds ${bake} is outside SageMaker's WaitIntervalInSeconds range; allowed: 0–${MAX_BAKE_SECONDS}`);
    }
    return problems;
}

/** `s3://bucket/key` → the object's ARN, so the role reads that object only. */
export function s3ObjectArn(partition: string, uri: string): string {
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
    if (!match) throw new EndpointArgsError(`model.artifactUri "${uri}" is not an S3 object URI (s3://<bucket>/<key>, e.g. s3://my-bucket/models/model.tar.gz)`);
    return `arn:${partition}:s3:::${match[1]}/${match[2]}`;
}
/** Invocations per instance per minute; SageMaker's own example value for target tracking. */
const DEFAULT_INVOCATIONS_PER_INSTANCE = 70;

/**
 * An AWS SageMaker real-time endpoint serving an ONNX model with the `app/` server: artifact bucket,
 * image by digest, least-privilege role, model, endpoint config (instances or serverless), endpoint
 * with optional blue/green and auto-rollback, target-tracking autoscaling and alarms.
 */
export class SageMakerEndpoint extends pulumi.ComponentResource {
    /** The SageMaker endpoint's name, which callers pass to InvokeEndpoint. */
    public readonly endpointName: pulumi.Output<string>;
    /** The endpoint's ARN. */
    public readonly endpointArn: pulumi.Output<string>;
    /** The SageMaker model's name. */
    public readonly modelName: pulumi.Output<string>;
    /** The serving image, pinned by digest. */
    public readonly imageDigest: pulumi.Output<string>;
    /** The artifact bucket's name. */
    public readonly bucketName: pulumi.Output<string>;
    /** The execution role's ARN. */
    public readonly roleArn: pulumi.Output<string>;
    /**
     * The endpoint config this deployment asked the endpoint to run. After `up`, DescribeEndpoint's
     * EndpointConfigName must equal it; anything else is a rollback (the smoke test and deploy workflow check).
     */
    public readonly endpointConfigName: pulumi.Output<string>;
    /** The settings this endpoint was built with, defaults applied. */
    public readonly settings: ResolvedSettings;

    constructor(name: string, args: SageMakerEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:aws:SageMakerEndpoint", name, {}, opts);
        const component = `SageMakerEndpoint "${name}"`;
        const settings = resolveSettings(component, args, {
            targetLoadPerInstance: DEFAULT_INVOCATIONS_PER_INSTANCE,
            auth: "iam",
            supportedAuth: ["iam"],
        });
        this.settings = settings;
        const { tags, scaling, rollout, monitoring } = settings;
        const serverless = args.serverless !== undefined;
        const imagePlatform = args.imagePlatform ?? builtImagePlatform(args.image);
        const problems = sagemakerArgsProblems({ ...args, imagePlatform, scaling, rollout: args.rollout === undefined ? undefined : rollout });
        if (problems.length > 0) throw new EndpointArgsError(`${component}: ${problems.map((problem) => problem.message).join("; ")}`);
        const endpointName = args.endpointName ?? nameSlug(`${args.model.name}-${args.stage}`, 63);
        if (serverless && rollout.strategy !== "all-at-once") {
            throw new EndpointArgsError(`${component}: rollout.strategy "${rollout.strategy}" needs instances; serverless endpoints update all at once`);
        }
        const instanceType = serverless ? undefined : args.instanceType ?? SAGEMAKER_DEFAULT_INSTANCE_TYPE;
        // min = max means a fixed fleet: no scalable target (the first step of an instance-type change, see the rollout).
        const autoscaled = !serverless && scaling.maxInstances > scaling.minInstances;
        const where = awsPlacement(this);

        const kmsKeyArn = args.kmsKeyArn ?? ((args.createKmsKey ?? (args.stage === "prod" && !serverless))
            ? new aws.kms.Key(`${name}-key`, {
                description: `ml-endpoints ${endpointName}: model artifacts, ML storage volumes and captured data`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags,
            }, { parent: this }).arn
            : undefined);

        // Artifacts: a private, versioned, encrypted bucket per endpoint, reachable over TLS only. Outside prod
        // `pulumi destroy` empties it (every object version: terraform-provider-aws internal/service/s3/bucket.go
        // `force_destroy`); in prod a destroy stops at the non-empty bucket and keeps the models (README: teardown).
        const bucket = new aws.s3.Bucket(`${name}-artifacts`, { forceDestroy: args.stage !== "prod", tags }, { parent: this });
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(`${name}-artifacts-public-access`, {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, { parent: this });
        new aws.s3.BucketPolicy(`${name}-artifacts-tls-only`, {
            bucket: bucket.id,
            policy: tlsOnlyBucketPolicy(bucket.arn),
        }, { parent: this, dependsOn: [publicAccessBlock] });
        new aws.s3.BucketVersioning(`${name}-artifacts-versioning`, {
            bucket: bucket.id,
            versioningConfiguration: { status: "Enabled" },
        }, { parent: this });
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-artifacts-encryption`, {
            bucket: bucket.id,
            rules: [{
                applyServerSideEncryptionByDefault: kmsKeyArn === undefined
                    ? { sseAlgorithm: "AES256" }
                    : { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
                bucketKeyEnabled: kmsKeyArn !== undefined,
            }],
        }, { parent: this });

        // Every version and content of this model: the role reads them all, so an endpoint rolled back to an
        // earlier model (blue/green auto-rollback) can still load its artifact on a new instance.
        const modelPrefix = `models/${modelPathPrefix(args.model)}`;
        const retentionDays = artifactRetentionDays(component, args.model);
        new aws.s3.BucketLifecycleConfiguration(`${name}-artifacts-lifecycle`, {
            bucket: bucket.id,
            rules: [{
                id: "prune-noncurrent-model-versions",
                status: "Enabled",
                filter: { prefix: "models/" },
                // Artifact keys are content-addressed, so a version turns noncurrent only when its object is
                // deleted (a retired artifact, or a destroy): it stays recoverable this long, then goes.
                noncurrentVersionExpiration: { noncurrentDays: retentionDays },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            }, {
                id: "drop-expired-delete-markers",
                status: "Enabled",
                filter: { prefix: "models/" },
                expiration: { expiredObjectDeleteMarker: true },
            }],
        }, { parent: this });
        let modelDataUrl: pulumi.Input<string>;
        let modelObjectArn: pulumi.Output<string>;
        if (args.model.path !== undefined) {
            const local = readLocalModel(component, args.model.path);
            const object = new aws.s3.BucketObjectv2(`${name}-model-artifact`, {
                bucket: bucket.id,
                // The content hash in the key: new bytes are a new object, never a rewrite under a live model.
                key: `models/${artifactPath(args.model, local.contentHash)}/model.tar.gz`,
                source: new pulumi.asset.FileAsset(packModelTarball(local)),
                contentType: "application/gzip",
                tags,
            // Kept when the model moves on: a rolled-back endpoint may still load it. Once retired by hand (README), the
            // lifecycle rule prunes its bytes after model.retentionDays.
            }, { parent: this, retainOnDelete: true });
            modelDataUrl = pulumi.interpolate`s3://${object.bucket}/${object.key}`;
            modelObjectArn = pulumi.interpolate`${bucket.arn}/${modelPrefix}*`;
        } else {
            modelDataUrl = args.model.artifactUri as pulumi.Input<string>;
            // A given artifact lives outside our prefix: the role may read that one object.
            modelObjectArn = pulumi.all([where.partition, modelDataUrl]).apply(([partition, uri]) => s3ObjectArn(partition, uri));
        }

        const { imageUri, repositoryArn } = servingImage(`${name}-image`, args.image, tags, this, args.stage !== "prod");

        const role = roleForService(`${name}-execution`, "sagemaker.amazonaws.com", where.account, tags, this);
        const logGroupName = `/aws/sagemaker/Endpoints/${endpointName}`;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: logGroupName,
            retentionInDays: args.logRetentionDays ?? 30,
            tags,
        }, { parent: this });

        // Blue/green rolls back on these alarms, so they exist whenever either needs them.
        const rollsBackOnAlarms = rollout.strategy === "blue-green" && rollout.autoRollback;
        const needsAlarms = monitoring.alarms || rollsBackOnAlarms;
        const alarmDefaults = { evaluationPeriods: monitoring.evaluationPeriods, alarmActions: args.alarmActions, tags };
        const dimensions = { EndpointName: endpointName, VariantName: VARIANT_NAME };
        const alarms = needsAlarms
            ? [
                thresholdAlarm(`${name}-5xx-alarm`, alarmDefaults, {
                    description: `${endpointName}: more than ${monitoring.max5xxPerMinute} server errors a minute`,
                    namespace: "AWS/SageMaker",
                    metricName: "Invocation5XXErrors",
                    dimensions,
                    statistic: "Sum",
                    threshold: monitoring.max5xxPerMinute,
                }, this),
                thresholdAlarm(`${name}-latency-alarm`, alarmDefaults, {
                    description: `${endpointName}: average model latency above ${monitoring.maxLatencyMs} ms`,
                    namespace: "AWS/SageMaker",
                    metricName: "ModelLatency",
                    dimensions,
                    statistic: "Average",
                    threshold: monitoring.maxLatencyMs * 1000, // ModelLatency is reported in microseconds
                }, this),
            ]
            : [];
        const rollbackAlarms = rollsBackOnAlarms ? alarms : [];

        const dataCapture = args.dataCapture?.enabled === true;
        const statements = pulumi.all([
            bucket.arn, modelObjectArn, repositoryArn, awsLogGroupArn(where, logGroupName), kmsKeyArn, args.artifactKmsKeyArn,
            pulumi.all(rollbackAlarms.map((alarm) => alarm.arn)),
        ]).apply(([bucketArn, objectArn, repoArn, logGroupArn, keyArn, artifactKeyArn, alarmArns]): PolicyStatement[] => [
            { Sid: "ReadModelArtifact", Effect: "Allow", Action: ["s3:GetObject"], Resource: [objectArn] },
            ...(artifactKeyArn ? [{ Sid: "DecryptModelArtifact", Effect: "Allow" as const, Action: ["kms:Decrypt"], Resource: [artifactKeyArn] }] : []),
            ...(dataCapture ? [{ Sid: "WriteDataCapture", Effect: "Allow" as const, Action: ["s3:PutObject"], Resource: [`${bucketArn}/data-capture/*`] }] : []),
            ...(repoArn ? [
                { Sid: "PullServingImage", Effect: "Allow" as const, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: [repoArn] },
                // GetAuthorizationToken has no resource-level permissions: AWS requires "*" here.
                { Sid: "AuthenticateToRegistry", Effect: "Allow" as const, Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
            ] : []),
            writeLogsStatement(logGroupArn),
            // "CreateModel API: Execution Role Permissions" (SageMaker Developer Guide): the documented minimum.
            { Sid: "CreateOwnLogGroup", Effect: "Allow", Action: ["logs:CreateLogGroup"], Resource: [logGroupArn] },
            // PutMetricData has no resource-level permissions; the namespace condition scopes it instead.
            { Sid: "PutEndpointMetrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: ["*"], Condition: { StringEquals: { "cloudwatch:namespace": ENDPOINT_METRICS_NAMESPACE } } },
            // "Auto-Rollback Configuration and Monitoring": the role must be able to read the rollback alarms.
            ...(alarmArns.length > 0 ? [{ Sid: "ReadRollbackAlarms", Effect: "Allow" as const, Action: ["cloudwatch:DescribeAlarms"], Resource: alarmArns }] : []),
            ...(keyArn ? [
                { Sid: "UseEndpointKey", Effect: "Allow" as const, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [keyArn] },
                // Grants only for AWS services acting for us (SageMaker attaching the key to ML volumes).
                { Sid: "GrantEndpointKeyToSageMaker", Effect: "Allow" as const, Action: ["kms:CreateGrant"], Resource: [keyArn], Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } },
            ] : []),
        ]);
        const rolePolicy = new aws.iam.RolePolicy(`${name}-execution-policy`, {
            role: role.id,
            policy: statements.apply((Statement) => JSON.stringify({ Version: "2012-10-17", Statement })),
        }, { parent: this });

        // Model and config are never deleted by Pulumi: after a rollback the endpoint still runs on the old ones.
        // The rollout below deletes them once the endpoint verifiably runs their successors.
        const model = new aws.sagemaker.Model(`${name}-model`, {
            executionRoleArn: role.arn,
            enableNetworkIsolation: args.networkIsolation ?? !serverless,
            primaryContainer: {
                image: imageUri,
                modelDataUrl,
                environment: pulumi.output(args.environment).apply((environment) => ({
                    MODEL_NAME: args.model.name,
                    MODEL_VERSION: args.model.version,
                    ...environment,
                })),
            },
            tags,
        }, { parent: this, dependsOn: [rolePolicy], retainOnDelete: true });

        const endpointConfig = new aws.sagemaker.EndpointConfiguration(`${name}-config`, {
            productionVariants: [serverless
                ? {
                    variantName: VARIANT_NAME,
                    modelName: model.name,
                    serverlessConfig: {
                        memorySizeInMb: args.serverless?.memorySizeMb ?? 2048,
                        maxConcurrency: args.serverless?.maxConcurrency ?? 5,
                    },
                }
                : {
                    variantName: VARIANT_NAME,
                    modelName: model.name,
                    instanceType: instanceType!,
                    initialInstanceCount: scaling.minInstances,
                    initialVariantWeight: 1,
                }],
            kmsKeyArn,
            dataCaptureConfig: dataCapture
                ? {
                    enableCapture: true,
                    initialSamplingPercentage: args.dataCapture?.samplingPercent ?? 20,
                    destinationS3Uri: pulumi.interpolate`s3://${bucket.bucket}/data-capture/`,
                    kmsKeyId: kmsKeyArn,
                    captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
                    captureContentTypeHeader: { jsonContentTypes: ["application/json"], csvContentTypes: ["text/csv"] },
                }
                : undefined,
            tags,
        }, { parent: this, retainOnDelete: true });

        const blueGreen = rollout.strategy === "blue-green"
            ? {
                trafficRoutingConfiguration: {
                    type: "CANARY",
                    canarySize: { type: "CAPACITY_PERCENT", value: rollout.canaryPercent },
                    waitIntervalInSeconds: rollout.bakeSeconds,
                },
                terminationWaitInSeconds: 300,
            }
            : undefined;
        // The same deployment config in UpdateEndpoint's own shape, for the rollout.
        const apiDeploymentConfig = blueGreen
            ? pulumi.all(rollbackAlarms.map((alarm) => alarm.name)).apply((alarmNames) => ({
                BlueGreenUpdatePolicy: {
                    TrafficRoutingConfiguration: {
                        Type: "CANARY",
                        CanarySize: { Type: "CAPACITY_PERCENT", Value: rollout.canaryPercent },
                        WaitIntervalInSeconds: rollout.bakeSeconds,
                    },
                    TerminationWaitInSeconds: blueGreen.terminationWaitInSeconds,
                },
                ...(alarmNames.length > 0 ? { AutoRollbackConfiguration: { Alarms: alarmNames.map((AlarmName) => ({ AlarmName })) } } : {}),
            }))
            : undefined;

        // The one owner of which config the endpoint runs after its creation (see sagemaker-rollout.ts).
        const configRollout = new SageMakerConfigRollout(`${name}-rollout`, {
            region: where.region,
            endpointName,
            endpointConfigName: endpointConfig.name,
            modelName: model.name,
            instanceType,
            autoscaled,
            deploymentConfig: apiDeploymentConfig,
        }, { parent: this });

        // Created here with its first config; later configs and deployment configs are the rollout's (one owner).
        // So nothing but a new name replaces it: `auto_rollback_configuration`, which is ForceNew in the provider,
        // can no longer plan a create-before-delete of the same fixed name.
        const endpoint = new aws.sagemaker.Endpoint(`${name}-endpoint`, {
            name: endpointName,
            endpointConfigName: endpointConfig.name,
            deploymentConfig: blueGreen
                ? {
                    blueGreenUpdatePolicy: blueGreen,
                    autoRollbackConfiguration: rollbackAlarms.length > 0
                        ? { alarms: rollbackAlarms.map((alarm) => ({ alarmName: alarm.name })) }
                        : undefined,
                }
                : undefined,
            tags,
        }, { parent: this, dependsOn: [logGroup, configRollout], ignoreChanges: ["endpointConfigName", "deploymentConfig"] });

        if (autoscaled) {
            targetTrackingScaling(name, {
                serviceNamespace: "sagemaker",
                resourceId: pulumi.interpolate`endpoint/${endpoint.name}/variant/${VARIANT_NAME}`,
                scalableDimension: "sagemaker:variant:DesiredInstanceCount",
                // Invocations per instance per minute: the metric SageMaker recommends, not CPU.
                predefinedMetricType: "SageMakerVariantInvocationsPerInstance",
                minCapacity: scaling.minInstances,
                maxCapacity: scaling.maxInstances,
                scaling,
                tags,
            }, this);
        }

        this.endpointName = endpoint.name;
        this.endpointArn = endpoint.arn;
        this.endpointConfigName = configRollout.endpointConfigName;
        this.modelName = model.name;
        this.imageDigest = pulumi.output(imageUri);
        this.bucketName = bucket.bucket;
        this.roleArn = role.arn;
        this.registerOutputs({
            endpointName: this.endpointName,
            endpointArn: this.endpointArn,
            endpointConfigName: this.endpointConfigName,
            modelName: this.modelName,
            imageDigest: this.imageDigest,
        });
    }
}

/** Denies every request to the bucket that does not come over TLS (S3 User Guide, "aws:SecureTransport"; SecurityHub S3.5). */
export function tlsOnlyBucketPolicy(bucketArn: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(bucketArn).apply((arn) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
    }));
}
