import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { InferenceEndpointArgs } from "../args";
import { artifactPath, artifactRetentionDays, modelPathPrefix, packModelTarball, readLocalModel } from "../model-artifact";
import { EndpointArgsError, nameSlug, resolveSettings, ResolvedSettings } from "../settings";
import { thresholdAlarm } from "./alarms";
import { targetTrackingScaling } from "./autoscaling";
import { servingImage } from "./ecr-image";
import { awsLogGroupArn, roleForService, writeLogsStatement } from "./iam";

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
    /** A KMS key ARN for the endpoint's ML storage volumes, artifacts and captured data. Default: none; see `createKmsKey`. */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** Create a customer-managed KMS key (with rotation) when `kmsKeyArn` is not given (CKV_AWS_98). Default: true in prod, false elsewhere. */
    readonly createKmsKey?: boolean;
    /** Data capture. Default: off. */
    readonly dataCapture?: SageMakerDataCaptureArgs;
    /** Run the model container with no network access (CKV_AWS_370). Default: true; the server needs none on SageMaker. */
    readonly networkIsolation?: boolean;
    /** SNS topic ARNs (or other alarm actions) notified when an alarm fires. Default: none. */
    readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
    /** Days to keep the endpoint's CloudWatch logs. Default: 30. */
    readonly logRetentionDays?: number;
}

/** SageMaker's only production variant: one variant per endpoint keeps routing and scaling simple. */
const VARIANT_NAME = "AllTraffic";
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
        const endpointName = args.endpointName ?? nameSlug(`${args.model.name}-${args.stage}`, 63);
        if (serverless && rollout.strategy !== "all-at-once") {
            throw new EndpointArgsError(`${component}: rollout.strategy "${rollout.strategy}" needs instances; serverless endpoints update all at once`);
        }

        const kmsKeyArn = args.kmsKeyArn ?? ((args.createKmsKey ?? args.stage === "prod")
            ? new aws.kms.Key(`${name}-key`, {
                description: `ml-endpoints ${endpointName}: model artifacts, ML storage volumes and captured data`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags,
            }, { parent: this }).arn
            : undefined);

        // Artifacts: a private, versioned, encrypted bucket per endpoint. Outside prod `pulumi destroy` empties it
        // (every object version: terraform-provider-aws internal/service/s3/bucket.go `force_destroy`); in prod
        // a destroy stops at the non-empty bucket and keeps the models (README: teardown).
        const bucket = new aws.s3.Bucket(`${name}-artifacts`, { forceDestroy: args.stage !== "prod", tags }, { parent: this });
        new aws.s3.BucketPublicAccessBlock(`${name}-artifacts-public-access`, {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, { parent: this });
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
        } else {
            modelDataUrl = args.model.artifactUri as pulumi.Input<string>;
        }

        const { imageUri, repositoryArn } = servingImage(`${name}-image`, args.image, tags, this, args.stage !== "prod");

        const role = roleForService(`${name}-execution`, "sagemaker.amazonaws.com", tags, this);
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const logGroupName = `/aws/sagemaker/Endpoints/${endpointName}`;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: logGroupName,
            retentionInDays: args.logRetentionDays ?? 30,
            tags,
        }, { parent: this });

        const dataCapture = args.dataCapture?.enabled === true;
        const statements = pulumi.all([bucket.arn, repositoryArn, awsLogGroupArn(region, account, logGroupName), kmsKeyArn])
            .apply(([bucketArn, repoArn, logGroupArn, keyArn]) => [
                { Sid: "ReadModelArtifact", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/${modelPrefix}*`] },
                ...(dataCapture ? [{ Sid: "WriteDataCapture", Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${bucketArn}/data-capture/*`] }] : []),
                ...(repoArn ? [
                    { Sid: "PullServingImage", Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: [repoArn] },
                    // GetAuthorizationToken has no resource-level permissions: AWS requires "*" here.
                    { Sid: "AuthenticateToRegistry", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
                ] : []),
                writeLogsStatement(logGroupArn),
                ...(keyArn ? [{ Sid: "UseEndpointKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"], Resource: [keyArn] }] : []),
            ]);
        const rolePolicy = new aws.iam.RolePolicy(`${name}-execution-policy`, {
            role: role.id,
            policy: statements.apply((Statement) => JSON.stringify({ Version: "2012-10-17", Statement })),
        }, { parent: this });

        const model = new aws.sagemaker.Model(`${name}-model`, {
            executionRoleArn: role.arn,
            enableNetworkIsolation: args.networkIsolation ?? true,
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
        }, { parent: this, dependsOn: [rolePolicy] });

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
                    instanceType: args.instanceType ?? "ml.m5.large",
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
        }, { parent: this });

        // Blue/green rolls back on these alarms, so they exist whenever either needs them.
        const needsAlarms = monitoring.alarms || (rollout.strategy === "blue-green" && rollout.autoRollback);
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

        const endpoint = new aws.sagemaker.Endpoint(`${name}-endpoint`, {
            name: endpointName,
            endpointConfigName: endpointConfig.name,
            deploymentConfig: rollout.strategy === "blue-green"
                ? {
                    blueGreenUpdatePolicy: {
                        trafficRoutingConfiguration: {
                            type: "CANARY",
                            canarySize: { type: "CAPACITY_PERCENT", value: rollout.canaryPercent },
                            waitIntervalInSeconds: rollout.bakeSeconds,
                        },
                        terminationWaitInSeconds: 300,
                    },
                    autoRollbackConfiguration: rollout.autoRollback
                        ? { alarms: alarms.map((alarm) => ({ alarmName: alarm.name })) }
                        : undefined,
                }
                : undefined,
            tags,
        }, { parent: this, dependsOn: [logGroup] });

        if (!serverless) {
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
        this.modelName = model.name;
        this.imageDigest = pulumi.output(imageUri);
        this.bucketName = bucket.bucket;
        this.roleArn = role.arn;
        this.registerOutputs({
            endpointName: this.endpointName,
            endpointArn: this.endpointArn,
            modelName: this.modelName,
            imageDigest: this.imageDigest,
        });
    }
}
