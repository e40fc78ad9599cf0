import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AuthMode, ImageArgs, InferenceEndpointArgs, ModelArgs } from "../args";
import { readLocalModel } from "../model-artifact";
import { resolveProjectPath } from "../project-path";
import { ArgsProblem, DEFAULT_IMAGE_CONTEXT, EndpointArgsError, nameSlug, resolveSettings, ResolvedSettings } from "../settings";
import { thresholdAlarm } from "./alarms";
import { targetTrackingScaling } from "./autoscaling";
import { servingImage } from "./ecr-image";
import { awsLogGroupArn, awsPlacement, roleForService, writeLogsStatement } from "./iam";

/** The instruction set the function runs on; the image must be built for the same one. */
export type LambdaArchitecture = "x86_64" | "arm64";
export const LAMBDA_ARCHITECTURES: readonly LambdaArchitecture[] = ["x86_64", "arm64"];

/** A scheduled ping that keeps one execution environment warm. */
export interface LambdaWarmupArgs {
    /** Send the ping. Default: true unless provisioned concurrency is on (it already keeps environments warm). */
    readonly enabled?: boolean;
    /** An EventBridge schedule expression. Default: `rate(5 minutes)`. */
    readonly schedule?: string;
}

/** The JWT authorizer, for `auth: "jwt"`. */
export interface LambdaJwtArgs {
    /** The token issuer's URL, e.g. `https://cognito-idp.us-east-1.amazonaws.com/<pool id>`. Required with `auth: "jwt"`. */
    readonly issuer: pulumi.Input<string>;
    /** Accepted `aud` (or Cognito `client_id`) values; at least one. Required with `auth: "jwt"`. */
    readonly audience: pulumi.Input<string>[];
}

/** API Gateway throttling of the stage's routes. */
export interface LambdaThrottlingArgs {
    /** Requests allowed in a burst. Default: 200. */
    readonly burstLimit?: number;
    /** Steady requests per second. Default: 100. */
    readonly rateLimit?: number;
}

export interface LambdaEndpointArgs extends InferenceEndpointArgs {
    /** The function's name (≤ 64 letters, digits, `-`, `_`); the API and log groups are named after it. Default: `<model name>-<stage>`. */
    readonly functionName?: string;
    /** Memory in MB, 128–10240. Lambda gives CPU in proportion: 1769 MB is one full vCPU. Default: 2048. */
    readonly memorySizeMb?: number;
    /** Seconds one invocation may run, 1–28: API Gateway's HTTP API gives up after 30 s. Default: 15. */
    readonly timeoutSeconds?: number;
    /** The function's instruction set; the image must be built for it (`image.platform` `linux/arm64` for arm64). Default: `x86_64`. */
    readonly architecture?: LambdaArchitecture;
    /** Concurrent executions reserved for (and capping) this function. Default: none (the account's unreserved pool). */
    readonly reservedConcurrency?: number;
    /**
     * Execution environments kept initialised on the `live` alias: no cold start for that many concurrent requests.
     * Default: `scaling.minInstances` when set, else 2 in prod and 0 elsewhere.
     */
    readonly provisionedConcurrency?: number;
    /** The published version that keeps the rest of the traffic while a canary runs (`rollout.strategy: canary`). Default: none (no canary: all traffic to the new version). */
    readonly stableVersion?: string;
    /** A scheduled warm-up ping. Default: on every 5 minutes unless provisioned concurrency is on. */
    readonly warmup?: LambdaWarmupArgs;
    /** The JWT authorizer, required with `auth: "jwt"`. Default: none. */
    readonly jwt?: LambdaJwtArgs;
    /** API Gateway throttling on the stage's routes. Default: burst 200, 100 requests/s. */
    readonly throttling?: LambdaThrottlingArgs;
    /** Days to keep the function's and the API's CloudWatch logs. Default: 30. */
    readonly logRetentionDays?: number;
    /** SNS topic ARNs (or other alarm actions) notified when an alarm fires. Default: none. */
    readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
}

/** The alias API Gateway and the warm-up invoke; provisioned concurrency and canary weights live on it. */
export const LIVE_ALIAS = "live";
/** The one route. */
export const PREDICT_ROUTE = "POST /predict";
/** What the warm-up rule sends; the server answers it at once on `/events` (the Web Adapter's pass-through path). */
export const WARMUP_EVENT = { warmup: true } as const;
/** API Gateway's HTTP API integration timeout is 30 s; the function must finish before it. */
export const MAX_TIMEOUT_SECONDS = 28;
export const MEMORY_RANGE_MB = { min: 128, max: 10240 } as const;
/** AWS's own target-tracking example for provisioned concurrency utilisation. */
const DEFAULT_UTILIZATION_TARGET = 0.7;
const DEFAULT_SCHEDULE = "rate(5 minutes)";
/** API Gateway's `$default` stage serves at the API's root URL and deploys every change automatically. */
const STAGE_NAME = "$default";

/** The Lambda-specific values the rules below check, as plain numbers and strings. */
export interface LambdaArgsToCheck {
    readonly memorySizeMb?: number;
    readonly timeoutSeconds?: number;
    readonly reservedConcurrency?: number;
    readonly provisionedConcurrency?: number;
    readonly scaling?: { readonly minInstances?: number; readonly maxInstances?: number; readonly targetLoadPerInstance?: number };
    readonly auth?: AuthMode;
    readonly jwt?: { readonly issuer?: unknown; readonly audience?: readonly unknown[] };
    readonly warmup?: { readonly schedule?: string };
    readonly rollout?: { readonly strategy?: string };
}

/** One broken rule: the field, and a message that states the value and what is allowed. */
export type LambdaArgsProblem = ArgsProblem;

/**
 * The Lambda target's rules, written once: the component throws on them, and the stack-config schema
 * reports them against `ml-endpoints:targets.lambda.<field>`.
 */
export function lambdaArgsProblems(args: LambdaArgsToCheck): LambdaArgsProblem[] {
    const problems: LambdaArgsProblem[] = [];
    const add = (field: string, message: string) => problems.push({ path: field.split("."), message });
    const { memorySizeMb, timeoutSeconds, reservedConcurrency, provisionedConcurrency, scaling } = args;

    if (memorySizeMb !== undefined && (!Number.isInteger(memorySizeMb) || memorySizeMb < MEMORY_RANGE_MB.min || memorySizeMb > MEMORY_RANGE_MB.max)) {
        add("memorySizeMb", `memorySizeMb ${memorySizeMb} is outside Lambda's ${MEMORY_RANGE_MB.min}–${MEMORY_RANGE_MB.max} MB (whole MB)`);
    }
    if (timeoutSeconds !== undefined && (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
        add("timeoutSeconds", `timeoutSeconds ${timeoutSeconds} is not allowed behind API Gateway, which gives up after 30 s; allowed: 1–${MAX_TIMEOUT_SECONDS}`);
    }
    if (reservedConcurrency !== undefined && (!Number.isInteger(reservedConcurrency) || reservedConcurrency < 1)) {
        add("reservedConcurrency", `reservedConcurrency ${reservedConcurrency} would stop every invocation; give a whole number ≥ 1, or leave it unset`);
    }
    if (provisionedConcurrency !== undefined && (!Number.isInteger(provisionedConcurrency) || provisionedConcurrency < 0)) {
        add("provisionedConcurrency", `provisionedConcurrency ${provisionedConcurrency} must be a whole number ≥ 0`);
    }
    if (provisionedConcurrency !== undefined && scaling?.minInstances !== undefined && provisionedConcurrency !== scaling.minInstances) {
        add("provisionedConcurrency", `provisionedConcurrency ${provisionedConcurrency} contradicts scaling.minInstances ${scaling.minInstances}; on Lambda they are the same setting, give one`);
    }
    const provisioned = provisionedConcurrency ?? scaling?.minInstances;
    if (reservedConcurrency !== undefined && provisioned !== undefined && provisioned > reservedConcurrency) {
        add("provisionedConcurrency", `provisionedConcurrency ${provisioned} is above reservedConcurrency ${reservedConcurrency}; provisioned environments come out of the reserved ones`);
    }
    if (reservedConcurrency !== undefined && (provisioned ?? 0) > 0 && scaling?.maxInstances !== undefined && scaling.maxInstances > reservedConcurrency) {
        add("scaling.maxInstances", `scaling.maxInstances ${scaling.maxInstances} is above reservedConcurrency ${reservedConcurrency}; provisioned concurrency autoscales up to maxInstances`);
    }
    const utilization = scaling?.targetLoadPerInstance;
    if (utilization !== undefined && !(utilization > 0 && utilization <= 1)) {
        add("scaling.targetLoadPerInstance", `scaling.targetLoadPerInstance ${utilization} is not a provisioned-concurrency utilisation; allowed: above 0 up to 1, e.g. ${DEFAULT_UTILIZATION_TARGET}`);
    }
    if (args.auth === "jwt" && (!args.jwt?.issuer || (args.jwt.audience ?? []).length === 0)) {
        add("jwt", `auth "jwt" needs jwt.issuer (the token issuer URL) and jwt.audience (at least one); got ${JSON.stringify(args.jwt ?? null)}`);
    }
    if (args.jwt !== undefined && args.auth !== "jwt") {
        add("jwt", `jwt is set but auth is "${args.auth ?? "iam"}"; set auth: jwt, or remove jwt`);
    }
    const schedule = args.warmup?.schedule;
    if (schedule !== undefined && !/^(rate|cron)\(.+\)$/.test(schedule)) {
        add("warmup.schedule", `warmup.schedule ${JSON.stringify(schedule)} is not an EventBridge schedule; e.g. rate(5 minutes) or cron(0/5 * * * ? *)`);
    }
    if (args.rollout?.strategy === "blue-green") {
        add("rollout.strategy", `rollout.strategy "blue-green" is not offered by Lambda; allowed: all-at-once, canary (alias weights)`);
    }
    return problems;
}

/**
 * Lambda serves the model baked into its image (`<context>/model`, the image's IMAGE_MODEL_DIR): nothing
 * is mounted. Checks that `model` is that very model when the image is built from a context we can see.
 */
export function assertModelBakedIn(component: string, model: ModelArgs, image: ImageArgs | undefined): void {
    if (model.path === undefined) {
        throw new EndpointArgsError(`${component}: model.artifactUri is not offered by Lambda, which serves the model baked into its image; give model.path (the image context's model/ directory)`);
    }
    const local = readLocalModel(component, model.path);
    if (image?.uri !== undefined) return; // the user's own image: what it bakes is theirs to know
    const bakedDir = path.join(resolveProjectPath(image?.context ?? DEFAULT_IMAGE_CONTEXT), "model");
    if (fs.existsSync(bakedDir) && readLocalModel(component, bakedDir).contentHash !== local.contentHash) {
        throw new EndpointArgsError(`${component}: model.path "${local.dir}" differs from the model baked into the image (${bakedDir}); Lambda serves the baked one, so copy the model there or point model.path at it`);
    }
}

/**
 * An ONNX model on AWS Lambda behind an API Gateway HTTP API: the `app/` container image by digest (the Lambda
 * Web Adapter runs the server unchanged), a published version and a `live` alias with provisioned concurrency
 * and optional canary weights, `POST /predict` with IAM or JWT auth, access logs, throttling, and a warm-up schedule.
 */
export class LambdaEndpoint extends pulumi.ComponentResource {
    /** The full URL of `POST /predict`. */
    public readonly invokeUrl: pulumi.Output<string>;
    public readonly functionName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;
    /** The version this deployment published. */
    public readonly functionVersion: pulumi.Output<string>;
    /** The `live` alias API Gateway invokes. */
    public readonly aliasArn: pulumi.Output<string>;
    public readonly apiId: pulumi.Output<string>;
    /** With `auth: "iam"`: a managed policy granting `execute-api:Invoke` on the route, to attach to callers. */
    public readonly invokePolicyArn?: pulumi.Output<string>;
    /** Provisioned concurrency on the alias; 0 when off. */
    public readonly provisionedConcurrency: number;
    /** Whether the warm-up schedule exists. */
    public readonly warmupEnabled: boolean;
    /** The settings this endpoint was built with, defaults applied. */
    public readonly settings: ResolvedSettings;

    constructor(name: string, args: LambdaEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:aws:LambdaEndpoint", name, {}, opts);
        const component = `LambdaEndpoint "${name}"`;
        const fail = (message: string): never => {
            throw new EndpointArgsError(`${component}: ${message}`);
        };
        const settings = resolveSettings(component, args, {
            targetLoadPerInstance: DEFAULT_UTILIZATION_TARGET,
            auth: "iam",
            supportedAuth: ["iam", "jwt", "none"],
        });
        this.settings = settings;
        const { tags, scaling, rollout, monitoring, auth } = settings;
        const problems = lambdaArgsProblems({ ...args, auth });
        if (problems.length > 0) fail(problems.map((problem) => problem.message).join("; "));
        assertModelBakedIn(component, args.model, args.image);

        const architecture = args.architecture ?? "x86_64";
        const expectedPlatform = architecture === "arm64" ? "linux/arm64" : "linux/amd64";
        if (args.image?.uri === undefined && (args.image?.platform ?? "linux/amd64") !== expectedPlatform) {
            fail(`image.platform "${args.image?.platform}" does not run on architecture "${architecture}"; build for ${expectedPlatform}`);
        }
        const provisioned = args.provisionedConcurrency ?? args.scaling?.minInstances ?? (args.stage === "prod" ? 2 : 0);
        const warmupEnabled = args.warmup?.enabled ?? provisioned === 0;
        this.provisionedConcurrency = provisioned;
        this.warmupEnabled = warmupEnabled;
        const functionName = args.functionName ?? nameSlug(`${args.model.name}-${args.stage}`, 64);
        const retentionInDays = args.logRetentionDays ?? 30;

        const { imageUri } = servingImage(`${name}-image`, { ...args.image, platform: args.image?.platform ?? expectedPlatform }, tags, this, args.stage !== "prod");
        const where = awsPlacement(this);

        // Lambda writes to /aws/lambda/<function name>; creating it first gives it a retention.
        const logGroupName = `/aws/lambda/${functionName}`;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: logGroupName, retentionInDays, tags }, { parent: this });
        const role = roleForService(`${name}-execution`, "lambda.amazonaws.com", where.account, tags, this);
        const rolePolicy = new aws.iam.RolePolicy(`${name}-execution-policy`, {
            role: role.id,
            policy: awsLogGroupArn(where, logGroupName).apply((logGroupArn) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    writeLogsStatement(logGroupArn),
                    // X-Ray's write actions have no resource-level permissions: AWS requires "*" here.
                    { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: ["*"] },
                ],
            })),
        }, { parent: this });

        // `publish` makes every change of image or configuration a new immutable version for the alias.
        const fn = new aws.lambda.Function(`${name}-function`, {
            name: functionName,
            packageType: "Image",
            imageUri,
            role: role.arn,
            memorySize: args.memorySizeMb ?? 2048,
            timeout: args.timeoutSeconds ?? 15,
            architectures: [architecture],
            reservedConcurrentExecutions: args.reservedConcurrency,
            tracingConfig: { mode: "Active" },
            publish: true,
            environment: {
                variables: pulumi.output(args.environment).apply((environment) => ({
                    AWS_LWA_PORT: "8080",
                    AWS_LWA_READINESS_CHECK_PATH: "/health/ready",
                    AWS_LWA_PASS_THROUGH_PATH: "/events",
                    MODEL_NAME: args.model.name,
                    MODEL_VERSION: args.model.version,
                    ...environment,
                })),
            },
            tags,
        }, { parent: this, dependsOn: [logGroup, rolePolicy] });

        // Canary: the alias keeps `stableVersion` and sends canaryPercent to the new version. Pulumi sets
        // these weights declaratively; promotion (or rollback when the canary alarm fires) is the next `pulumi up`.
        const canary = rollout.strategy === "canary" && args.stableVersion !== undefined;
        if (rollout.strategy === "canary" && !canary) {
            pulumi.log.warn(`${component}: rollout "canary" without stableVersion sends all traffic to the new version; set stableVersion to the version serving now`, this);
        }
        const newVersionWeight = canary
            ? fn.version.apply((version) => (version === args.stableVersion ? undefined : { additionalVersionWeights: { [version]: rollout.canaryPercent / 100 } }))
            : undefined;
        const alias = new aws.lambda.Alias(`${name}-alias`, {
            name: LIVE_ALIAS,
            functionName: fn.name,
            functionVersion: canary ? args.stableVersion! : fn.version,
            routingConfig: newVersionWeight,
        }, { parent: this });

        if (provisioned > 0) {
            // One owner of the live value. With autoscaling, Application Auto Scaling owns it after this first
            // allocation (PutProvisionedConcurrencyConfig is what it calls to scale), so Pulumi must not write it back:
            // a refresh reads the scaled-out value, and without ignoreChanges the next `up` (or `up --refresh`)
            // reset it to the minimum under load. The floor moves with the scalable target's minCapacity.
            const autoscaled = scaling.maxInstances > provisioned;
            const provisionedConfig = new aws.lambda.ProvisionedConcurrencyConfig(`${name}-provisioned`, {
                functionName: fn.name,
                qualifier: alias.name,
                provisionedConcurrentExecutions: provisioned,
            }, { parent: this, ...(autoscaled ? { ignoreChanges: ["provisionedConcurrentExecutions"] } : {}) });
            if (autoscaled) {
                targetTrackingScaling(name, {
                    serviceNamespace: "lambda",
                    resourceId: pulumi.interpolate`function:${fn.name}:${alias.name}`,
                    scalableDimension: "lambda:function:ProvisionedConcurrency",
                    predefinedMetricType: "LambdaProvisionedConcurrencyUtilization",
                    minCapacity: provisioned,
                    maxCapacity: scaling.maxInstances,
                    scaling,
                    tags,
                }, this, [provisionedConfig]);
            }
        }

        // The HTTP API: one authenticated route, proxied (payload 2.0) to the alias, never to $LATEST.
        const api = new aws.apigatewayv2.Api(`${name}-api`, {
            name: functionName,
            protocolType: "HTTP",
            description: `ml-endpoints ${args.model.name} ${args.model.version} (${args.stage})`,
            tags,
        }, { parent: this });
        const integration = new aws.apigatewayv2.Integration(`${name}-integration`, {
            apiId: api.id,
            integrationType: "AWS_PROXY",
            integrationUri: alias.arn,
            integrationMethod: "POST",
            payloadFormatVersion: "2.0",
            timeoutMilliseconds: 30000,
        }, { parent: this });
        const authorizer = auth === "jwt"
            ? new aws.apigatewayv2.Authorizer(`${name}-jwt`, {
                apiId: api.id,
                authorizerType: "JWT",
                identitySources: ["$request.header.Authorization"],
                jwtConfiguration: { issuer: args.jwt!.issuer, audiences: args.jwt!.audience },
            }, { parent: this })
            : undefined;
        new aws.apigatewayv2.Route(`${name}-predict-route`, {
            apiId: api.id,
            routeKey: PREDICT_ROUTE,
            target: pulumi.interpolate`integrations/${integration.id}`,
            authorizationType: auth === "iam" ? "AWS_IAM" : auth === "jwt" ? "JWT" : "NONE",
            authorizerId: authorizer?.id,
        }, { parent: this });

        const accessLogs = new aws.cloudwatch.LogGroup(`${name}-access-logs`, {
            name: `/aws/apigateway/${functionName}/access`,
            retentionInDays,
            tags,
        }, { parent: this });
        new aws.apigatewayv2.Stage(`${name}-stage`, {
            apiId: api.id,
            name: STAGE_NAME,
            autoDeploy: true,
            accessLogSettings: { destinationArn: accessLogs.arn, format: JSON.stringify(ACCESS_LOG_FORMAT) },
            defaultRouteSettings: {
                throttlingBurstLimit: args.throttling?.burstLimit ?? 200,
                throttlingRateLimit: args.throttling?.rateLimit ?? 100,
            },
            tags,
        }, { parent: this });

        // Only this API's predict route may invoke the alias.
        new aws.lambda.Permission(`${name}-api-permission`, {
            action: "lambda:InvokeFunction",
            function: fn.name,
            qualifier: alias.name,
            principal: "apigateway.amazonaws.com",
            sourceArn: pulumi.interpolate`${api.executionArn}/*/POST/predict`,
        }, { parent: this });

        if (auth === "iam") {
            this.invokePolicyArn = new aws.iam.Policy(`${name}-invoke`, {
                description: `Call ${functionName}'s POST /predict (SigV4, service execute-api)`,
                policy: pulumi.interpolate`${api.executionArn}/*/POST/predict`.apply((routeArn) => JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Sid: "InvokePredict", Effect: "Allow", Action: ["execute-api:Invoke"], Resource: [routeArn] }],
                })),
                tags,
            }, { parent: this }).arn;
        }

        if (warmupEnabled) {
            const rule = new aws.cloudwatch.EventRule(`${name}-warmup`, {
                description: `Keeps one ${functionName} environment warm`,
                scheduleExpression: args.warmup?.schedule ?? DEFAULT_SCHEDULE,
                tags,
            }, { parent: this });
            new aws.cloudwatch.EventTarget(`${name}-warmup-target`, {
                rule: rule.name,
                arn: alias.arn,
                input: JSON.stringify(WARMUP_EVENT),
            }, { parent: this });
            new aws.lambda.Permission(`${name}-warmup-permission`, {
                action: "lambda:InvokeFunction",
                function: fn.name,
                qualifier: alias.name,
                principal: "events.amazonaws.com",
                sourceArn: rule.arn,
            }, { parent: this });
        }

        const alarmDefaults = { evaluationPeriods: monitoring.evaluationPeriods, alarmActions: args.alarmActions, tags };
        const aliasDimensions = { FunctionName: functionName, Resource: `${functionName}:${LIVE_ALIAS}` };
        if (monitoring.alarms) {
            thresholdAlarm(`${name}-5xx-alarm`, alarmDefaults, {
                description: `${functionName}: more than ${monitoring.max5xxPerMinute} server errors a minute at the API`,
                namespace: "AWS/ApiGateway",
                metricName: "5xx",
                dimensions: { ApiId: api.id, Stage: STAGE_NAME },
                statistic: "Sum",
                threshold: monitoring.max5xxPerMinute,
            }, this);
            thresholdAlarm(`${name}-latency-alarm`, alarmDefaults, {
                description: `${functionName}: average duration above ${monitoring.maxLatencyMs} ms`,
                namespace: "AWS/Lambda",
                metricName: "Duration",
                dimensions: aliasDimensions,
                statistic: "Average",
                threshold: monitoring.maxLatencyMs,
            }, this);
        }
        if (canary) {
            // What an operator (or a CodeDeploy hook) watches during the bake: any error of the new version.
            thresholdAlarm(`${name}-canary-alarm`, alarmDefaults, {
                description: pulumi.interpolate`${functionName}: canary version ${fn.version} failed during its ${rollout.bakeSeconds} s bake; set stableVersion back to roll back`,
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: fn.version.apply((version) => ({ ...aliasDimensions, ExecutedVersion: version })),
                statistic: "Sum",
                threshold: 0,
            }, this);
        }

        this.invokeUrl = pulumi.interpolate`${api.apiEndpoint}/predict`;
        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.functionVersion = fn.version;
        this.aliasArn = alias.arn;
        this.apiId = api.id;
        this.registerOutputs({
            invokeUrl: this.invokeUrl,
            functionName: this.functionName,
            functionArn: this.functionArn,
            functionVersion: this.functionVersion,
            aliasArn: this.aliasArn,
            apiId: this.apiId,
            invokePolicyArn: this.invokePolicyArn,
        });
    }
}

/** One JSON line per request: who called (IAM ARN or JWT failure), what, and how long the function took. */
const ACCESS_LOG_FORMAT = {
    requestId: "$context.requestId",
    requestTime: "$context.requestTime",
    sourceIp: "$context.identity.sourceIp",
    caller: "$context.identity.userArn",
    routeKey: "$context.routeKey",
    status: "$context.status",
    protocol: "$context.protocol",
    responseLength: "$context.responseLength",
    responseLatency: "$context.responseLatency",
    integrationLatency: "$context.integrationLatency",
    integrationError: "$context.integrationErrorMessage",
    authorizerError: "$context.authorizer.error",
};
