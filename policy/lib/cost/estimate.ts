import { asCount, list, peek, read } from "../props";
import { isVertexDeployment } from "../serving";
import { Amount, amountOf, sum } from "./amount";
import { Cloud, CloudPrices, MACHINE_VCPUS, Price, PRICE_BOOK, PRICE_KEYS, priceOf } from "./prices";
import { DAYS_PER_MONTH, HOURS_PER_MONTH, ratesOf, requestsPerMonth, SECONDS_PER_MONTH, TrafficProfile } from "./traffic";

// The monthly cost of a synthesized plan: the resources the synth records ({type, name, parent, inputs}),
// grouped by the target component at the top of each resource's parent chain, priced per target from the
// price book. Pure and offline: the CLI prices either side of a diff with it, the budget policy its floor.
//
// Per target:
//   floor    what runs with no traffic: minimum instances, provisioned concurrency, always-on CPU, fixed fees;
//   ceiling  maximum instances (or concurrency) all month; what only traffic drives (logs, data processed) at the
//            profile's traffic, since no instance count bounds it;
//   expected the traffic profile's month.

/** One resource as the synth's report lists it. */
export interface PlannedResource {
    readonly type: string;
    readonly name: string;
    /** The parent resource's name, or null at the top. */
    readonly parent: string | null;
    readonly inputs: Record<string, unknown>;
}

export interface EstimateOptions {
    readonly traffic: TrafficProfile;
    /** The AWS region (stack config `aws:region`); AWS resources do not carry it. A resource's own `region` input wins. */
    readonly awsRegion?: string;
    /** GCP region and Azure location (stack config `gcp:region`, `azure-native:location`) for resources that do not say, or say only at deploy time. */
    readonly gcpRegion?: string;
    readonly azureLocation?: string;
    /** Bytes of one copy of the model artifacts (the model directory); artifact storage is priced per target that keeps a copy. */
    readonly artifactBytes?: number;
    readonly prices?: Readonly<Record<Cloud, CloudPrices>>;
}

/** One priced quantity: how much of a priced unit the target uses, at floor, ceiling and expected traffic. */
export interface CostLine {
    readonly what: string;
    readonly priceKey: string;
    readonly price: Price | undefined;
    /** Quantities in the price's unit; NaN when the plan does not say, Infinity when nothing caps it. */
    readonly quantity: { readonly floor: number; readonly ceiling: number; readonly expected: number };
    readonly floor: Amount;
    readonly ceiling: Amount;
    readonly expected: Amount;
}

export type TargetKind = "sagemaker-realtime" | "sagemaker-serverless" | "lambda" | "vertex" | "cloudrun" | "azureml" | "other";

export interface TargetEstimate {
    /** The top-level component's name (`sagemaker`, `lambda`, …), or the resource's own name at the top. */
    readonly target: string;
    readonly kind: TargetKind;
    readonly cloud: Cloud | undefined;
    readonly region: string | undefined;
    readonly lines: readonly CostLine[];
    readonly floor: Amount;
    readonly ceiling: Amount;
    readonly expected: Amount;
    /** What the estimate left out of this target, and why (negligible, or not modelled). */
    readonly notes: readonly string[];
    /** Serverless targets: the cost of one more request (for the break-even); always-on targets: undefined. */
    readonly perRequestUsd?: number;
}

export interface StackEstimate {
    readonly targets: readonly TargetEstimate[];
    readonly floor: Amount;
    readonly ceiling: Amount;
    readonly expected: Amount;
}

const TARGET_KINDS: Readonly<Record<string, TargetKind>> = {
    "ml-endpoints:aws:SageMakerEndpoint": "sagemaker-realtime",
    "ml-endpoints:aws:LambdaEndpoint": "lambda",
    "ml-endpoints:gcp:VertexEndpoint": "vertex",
    "ml-endpoints:gcp:CloudRunEndpoint": "cloudrun",
    "ml-endpoints:azure:AzureMlEndpoint": "azureml",
};

const TYPES = {
    sagemakerConfig: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    sagemakerEndpoint: "aws:sagemaker/endpoint:Endpoint",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    lambdaFunction: "aws:lambda/function:Function",
    lambdaProvisioned: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
    eventRule: "aws:cloudwatch/eventRule:EventRule",
    httpApi: "aws:apigatewayv2/api:Api",
    httpStage: "aws:apigatewayv2/stage:Stage",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    kmsKey: "aws:kms/key:Key",
    s3Object: "aws:s3/bucketObjectv2:BucketObjectv2",
    cloudRunService: "gcp:cloudrunv2/service:Service",
    gcsObject: "gcp:storage/bucketObject:BucketObject",
    dynamic: "pulumi-nodejs:dynamic:Resource",
    onlineDeployment: "azure-native:machinelearningservices:OnlineDeployment",
    autoscaleSetting: "azure-native:monitor:AutoscaleSetting",
    containerRegistry: "azure-native:containerregistry:Registry",
    logAnalytics: "azure-native:operationalinsights:Workspace",
    blob: "azure-native:storage:Blob",
} as const;

/** The type tokens the estimate prices (the budget rule's README `reads`). */
export const PRICED_TYPES: readonly string[] = Object.values(TYPES);

const GB = 1e9;
const KB = 1e3;

/** Prices every target in the plan and the stack as a whole. */
export function estimateCost(resources: readonly PlannedResource[], options: EstimateOptions): StackEstimate {
    const groups = new Map<string, PlannedResource[]>();
    const byName = new Map(resources.map((resource) => [resource.name, resource]));
    for (const resource of resources) {
        const top = topAncestor(resource, byName);
        groups.set(top.name, [...(groups.get(top.name) ?? []), resource]);
    }
    const targets: TargetEstimate[] = [];
    for (const [name, group] of groups) {
        const estimate = estimateTarget(name, byName.get(name)?.type, group, options);
        if (estimate.lines.length > 0) targets.push(estimate);
    }
    return {
        targets,
        floor: sum(targets.map((target) => target.floor)),
        ceiling: sum(targets.map((target) => target.ceiling)),
        expected: sum(targets.map((target) => target.expected)),
    };
}

function topAncestor(resource: PlannedResource, byName: Map<string, PlannedResource>): PlannedResource {
    let current = resource;
    const seen = new Set<string>();
    while (current.parent !== null && byName.has(current.parent) && !seen.has(current.parent)) {
        seen.add(current.name);
        current = byName.get(current.parent)!;
    }
    return current;
}

/** Collects a target's lines; `line` prices a quantity triple at one price key. */
class TargetBuilder {
    readonly lines: CostLine[] = [];
    readonly notes: string[] = [];
    cloud: Cloud | undefined;
    region: string | undefined;
    kind: TargetKind = "other";
    perRequestUsd: number | undefined;

    constructor(private readonly prices: Readonly<Record<Cloud, CloudPrices>>) {}

    price(key: string): Price | undefined {
        return this.cloud === undefined || this.region === undefined ? undefined : priceOf(this.cloud, this.region, key, this.prices);
    }

    line(what: string, key: string, quantity: { floor: number; ceiling: number; expected: number }, unknownName = what): CostLine {
        const price = this.price(key);
        const label = price === undefined ? `${unknownName}: no price in ${this.cloud ?? "?"} ${this.region ?? "(region unknown)"}` : unknownName;
        const line: CostLine = {
            what,
            priceKey: key,
            price,
            quantity,
            floor: amountOf(quantity.floor, price, label),
            ceiling: amountOf(quantity.ceiling, price, label),
            expected: amountOf(quantity.expected, price, label),
        };
        this.lines.push(line);
        return line;
    }

    /** Adds `unitsPerRequest` of a price to the target's cost per request (NaN, so unknown, when the price is missing). */
    addPerRequest(key: string, unitsPerRequest: number): void {
        const price = this.price(key);
        this.perRequestUsd = (this.perRequestUsd ?? 0) + (price === undefined ? Number.NaN : price.usd * unitsPerRequest);
    }
}

function estimateTarget(name: string, componentType: string | undefined, group: readonly PlannedResource[], options: EstimateOptions): TargetEstimate {
    const builder = new TargetBuilder(options.prices ?? PRICE_BOOK);
    builder.kind = (componentType && TARGET_KINDS[componentType]) || "other";
    const of = (type: string) => group.filter((resource) => resource.type === type);
    // Regions only select prices: one unknown at preview (an Azure location from its resource group) falls back
    // to the target's other resources, and to unknown prices (never zero) when none says.
    const awsRegion = (resource: PlannedResource) => str(peek(resource.inputs, "region")) ?? options.awsRegion;
    const anyLocation = (prefix: string) => group.filter((resource) => resource.type.startsWith(prefix)).map((resource) => str(peek(resource.inputs, "location")) ?? str(peek(resource.inputs, "region"))).find((value) => value !== undefined);

    for (const config of of(TYPES.sagemakerConfig)) {
        builder.cloud = "aws";
        builder.region = awsRegion(config);
        priceSageMaker(builder, config, group, options);
    }
    const functions = of(TYPES.lambdaFunction);
    for (const fn of functions) {
        builder.cloud = "aws";
        builder.region = awsRegion(fn);
        builder.kind = builder.kind === "other" ? "lambda" : builder.kind;
        priceLambda(builder, fn, group, options);
    }
    for (const api of of(TYPES.httpApi).filter((resource) => resource.inputs["protocolType"] === "HTTP")) {
        builder.cloud = "aws";
        builder.region = awsRegion(api);
        priceHttpApi(builder, group, options);
    }
    for (const service of of(TYPES.cloudRunService)) {
        builder.cloud = "gcp";
        builder.region = str(peek(service.inputs, "location")) ?? anyLocation("gcp:") ?? options.gcpRegion;
        builder.kind = builder.kind === "other" ? "cloudrun" : builder.kind;
        priceCloudRun(builder, service, options);
    }
    for (const deployment of of(TYPES.dynamic).filter((resource) => isVertexDeployment(resource.type, resource.inputs))) {
        builder.cloud = "gcp";
        builder.region = str(peek(deployment.inputs, "region")) ?? anyLocation("gcp:") ?? options.gcpRegion;
        builder.kind = builder.kind === "other" ? "vertex" : builder.kind;
        priceVertex(builder, deployment, options);
    }
    for (const deployment of of(TYPES.onlineDeployment)) {
        builder.cloud = "azure";
        builder.region = str(peek(deployment.inputs, "location")) ?? anyLocation("azure-native:") ?? options.azureLocation;
        builder.kind = builder.kind === "other" ? "azureml" : builder.kind;
        priceAzureMl(builder, deployment, group, options);
    }
    // Fixed fees and storage the target keeps, in whichever cloud it runs.
    for (const registry of of(TYPES.containerRegistry)) {
        builder.cloud = "azure";
        builder.region = str(peek(registry.inputs, "location")) ?? anyLocation("azure-native:") ?? options.azureLocation;
        const sku = str(read(registry.inputs, "sku", "name")) ?? "Basic";
        builder.line(`container registry (${sku})`, `${PRICE_KEYS.acrRegistryDay}${sku}`, constant(DAYS_PER_MONTH), `ACR ${sku}`);
        builder.notes.push("not priced: Key Vault operations, Application Insights ingestion, storage transactions (cents at this traffic)");
    }
    for (const workspace of of(TYPES.logAnalytics)) {
        builder.cloud = "azure";
        builder.region = str(peek(workspace.inputs, "location")) ?? anyLocation("azure-native:") ?? options.azureLocation;
        priceLogAnalytics(builder, workspace, options);
    }
    for (const logGroup of of(TYPES.logGroup)) {
        builder.cloud = "aws";
        builder.region = awsRegion(logGroup);
        priceLogGroup(builder, logGroup, options);
    }
    const keys = of(TYPES.kmsKey);
    if (keys.length > 0) {
        builder.cloud = "aws";
        builder.region = awsRegion(keys[0]!);
        builder.line(`KMS key${keys.length > 1 ? "s" : ""} (${keys.length})`, PRICE_KEYS.kmsKeyMonth, constant(keys.length));
    }
    priceArtifacts(builder, group, options, awsRegion);

    const lines = builder.lines;
    return {
        target: name,
        kind: builder.kind,
        cloud: builder.cloud,
        region: builder.region,
        lines,
        floor: sum(lines.map((line) => line.floor)),
        ceiling: sum(lines.map((line) => line.ceiling)),
        expected: sum(lines.map((line) => line.expected)),
        notes: builder.notes,
        ...(builder.perRequestUsd === undefined ? {} : { perRequestUsd: builder.perRequestUsd }),
    };
}

// ---------------------------------------------------------------------------------------------------------
// SageMaker: real-time variants bill instance-hours per instance type; serverless variants bill GB-seconds of
// compute (memory × duration) and data processed (https://aws.amazon.com/sagemaker/pricing/).

function priceSageMaker(builder: TargetBuilder, config: PlannedResource, group: readonly PlannedResource[], options: EstimateOptions): void {
    const traffic = options.traffic;
    const monthly = requestsPerMonth(traffic);
    const variants = list(config.inputs["productionVariants"]);
    const dataGbPerRequest = ((traffic.requestSizeKb + traffic.responseSizeKb) * KB) / GB;
    const scaling = group.find((resource) => resource.type === TYPES.scalingTarget && resource.inputs["serviceNamespace"] === "sagemaker");
    const policy = group.find((resource) => resource.type === TYPES.scalingPolicy && read(resource.inputs, "targetTrackingScalingPolicyConfiguration", "predefinedMetricSpecification", "predefinedMetricType") === "SageMakerVariantInvocationsPerInstance");
    for (const [index, variant] of variants.entries()) {
        const serverless = read(variant, "serverlessConfig");
        const share = variants.length === 1 ? 1 : num(read(variant, "initialVariantWeight")) ?? 1 / variants.length;
        if (serverless !== undefined) {
            builder.kind = "sagemaker-serverless";
            const memoryGb = (num(read(serverless, "memorySizeInMb")) ?? Number.NaN) / 1024;
            const maxConcurrency = num(read(serverless, "maxConcurrency")) ?? Number.NaN;
            const provisioned = num(read(serverless, "provisionedConcurrency")) ?? 0;
            const seconds = (monthly * share * traffic.meanLatencyMs) / 1000;
            builder.line(`serverless compute (${memoryGb * 1024} MB)`, PRICE_KEYS.sagemakerServerlessGbSecond, {
                floor: 0,
                ceiling: maxConcurrency * memoryGb * SECONDS_PER_MONTH,
                expected: seconds * memoryGb,
            });
            if (provisioned > 0) {
                builder.line(`serverless provisioned concurrency (${provisioned})`, "sagemaker.serverless.provisioned.gb-second", constant(provisioned * memoryGb * SECONDS_PER_MONTH));
            }
            builder.addPerRequest(PRICE_KEYS.sagemakerServerlessGbSecond, (traffic.meanLatencyMs / 1000) * memoryGb);
            builder.addPerRequest(PRICE_KEYS.sagemakerDataProcessedGb, dataGbPerRequest);
            builder.notes.push("serverless: a cold start follows every idle period (no provisioned concurrency in the plan)");
        } else {
            const instanceType = str(read(variant, "instanceType")) ?? "(instance type not set)";
            const initial = num(read(variant, "initialInstanceCount")) ?? Number.NaN;
            const min = num(scaling?.inputs["minCapacity"]) ?? initial;
            const max = num(scaling?.inputs["maxCapacity"]) ?? initial;
            // Target tracking on invocations per instance per minute: each instance takes `target / 60` requests a second.
            const targetPerMinute = num(read(policy?.inputs, "targetTrackingScalingPolicyConfiguration", "targetValue"));
            const perInstanceRps = scaling === undefined ? undefined : targetPerMinute === undefined ? undefined : targetPerMinute / 60;
            const hours = instanceHours(traffic, min, max, perInstanceRps, share);
            if (scaling !== undefined && perInstanceRps === undefined) builder.notes.push(`variant ${index}: no invocations-per-instance policy, expected at the minimum`);
            builder.line(`${instanceType} × ${range(min, max)} (variant ${str(read(variant, "variantName")) ?? index})`, `${PRICE_KEYS.sagemakerRealtime}${instanceType}`, {
                floor: min * HOURS_PER_MONTH,
                ceiling: max * HOURS_PER_MONTH,
                expected: hours + traffic.batchJobHoursPerMonth,
            }, instanceType);
            if (traffic.batchJobHoursPerMonth > 0) builder.notes.push(`expected includes a ${traffic.batchJobHoursPerMonth} h/month batch job on one more ${instanceType}`);
            // A blue/green update provisions a new (green) fleet and keeps the old one through the traffic-shifting wait and
            // TerminationWaitInSeconds (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html,
            // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html): a cost per rollout.
            const blueGreen = read(group.find((resource) => resource.type === TYPES.sagemakerEndpoint)?.inputs, "deploymentConfig", "blueGreenUpdatePolicy");
            const price = builder.price(`${PRICE_KEYS.sagemakerRealtime}${instanceType}`);
            if (blueGreen !== undefined && price !== undefined) {
                const seconds = (num(read(blueGreen, "trafficRoutingConfiguration", "waitIntervalInSeconds")) ?? 0) + (num(read(blueGreen, "terminationWaitInSeconds")) ?? 0);
                builder.notes.push(`each blue/green rollout adds ${min} × ${instanceType} for ${seconds} s of waits plus provisioning: about $${(min * (seconds / 3600) * price.usd).toFixed(2)} a deploy, not in the monthly figures`);
            }
        }
    }
    builder.line("data processed in and out", PRICE_KEYS.sagemakerDataProcessedGb, { floor: 0, ceiling: monthly * dataGbPerRequest, expected: monthly * dataGbPerRequest });
    const capture = read(config.inputs, "dataCaptureConfig");
    if (capture !== undefined && read(capture, "enableCapture") !== false) {
        const percent = num(read(capture, "initialSamplingPercentage")) ?? 100;
        // Each captured request writes its input and output to S3; a month's capture kept for the month.
        const gb = monthly * (percent / 100) * dataGbPerRequest;
        builder.line(`data capture in S3 (${percent}% of requests)`, PRICE_KEYS.s3StandardGbMonth, { floor: 0, ceiling: gb, expected: gb });
        builder.notes.push("data capture accumulates: each month kept adds the same again");
    }
}

/**
 * Instance-hours a month for an autoscaled fleet between `min` and `max`, at the instances the peak and off-peak
 * request rates need (`perInstanceRps` each); at the minimum when the capacity per instance is not known.
 */
function instanceHours(traffic: TrafficProfile, min: number, max: number, perInstanceRps: number | undefined, share = 1): number {
    const rates = ratesOf(traffic);
    const needed = (rps: number) => perInstanceRps === undefined || perInstanceRps <= 0 ? min : Math.min(max, Math.max(min, Math.ceil((rps * share) / perInstanceRps)));
    return (needed(rates.peak) * traffic.peak.hours + needed(rates.offPeak) * (24 - traffic.peak.hours)) * DAYS_PER_MONTH;
}

// ---------------------------------------------------------------------------------------------------------
// Lambda (https://aws.amazon.com/lambda/pricing/): requests, duration GB-seconds by architecture; provisioned
// concurrency bills GB-seconds configured plus a lower duration rate for the invocations it serves. The warm-up
// schedule's invocations are requests and duration like any other.

function priceLambda(builder: TargetBuilder, fn: PlannedResource, group: readonly PlannedResource[], options: EstimateOptions): void {
    const traffic = options.traffic;
    const memoryGb = (num(fn.inputs["memorySize"]) ?? 128) / 1024;
    const arch = str(list(fn.inputs["architectures"])[0]) ?? "x86_64";
    const latencyS = traffic.meanLatencyMs / 1000;
    const monthly = requestsPerMonth(traffic);
    const rates = ratesOf(traffic);

    const provisionedConfig = group.find((resource) => resource.type === TYPES.lambdaProvisioned);
    const scaling = group.find((resource) => resource.type === TYPES.scalingTarget && resource.inputs["serviceNamespace"] === "lambda");
    const configured = num(provisionedConfig?.inputs["provisionedConcurrentExecutions"]) ?? 0;
    const pcMin = num(scaling?.inputs["minCapacity"]) ?? configured;
    const pcMax = num(scaling?.inputs["maxCapacity"]) ?? configured;

    // The most requests and concurrency the plan lets through: the stage's rate limit, reserved concurrency.
    const reserved = num(fn.inputs["reservedConcurrentExecutions"]);
    const rateLimit = stageRateLimit(group);
    const ceilingRequests = Math.min(rateLimit ?? Infinity, reserved === undefined ? Infinity : reserved / latencyS) * SECONDS_PER_MONTH;
    const ceilingConcurrency = Math.min(reserved ?? Infinity, rateLimit === undefined ? Infinity : rateLimit * latencyS);

    // Invocations the provisioned environments serve: during PC hours (peak hours first), up to PC concurrency.
    const pcHours = pcMin > 0 ? traffic.provisionedConcurrencyHoursPerDay : 0;
    const peakCovered = Math.min(pcHours, traffic.peak.hours) / traffic.peak.hours;
    const offPeakCovered = traffic.peak.hours === 24 ? 0 : Math.max(0, pcHours - traffic.peak.hours) / (24 - traffic.peak.hours);
    const servedShare = (rps: number) => (rps * latencyS <= pcMin ? 1 : pcMin / (rps * latencyS));
    const onPc = pcMin === 0 ? 0 : monthly * (traffic.peak.share * peakCovered * servedShare(rates.peak) + (1 - traffic.peak.share) * offPeakCovered * servedShare(rates.offPeak));
    const onDemand = monthly - onPc;

    const label = `${memoryGb * 1024} MB ${arch}`;
    builder.line("requests", PRICE_KEYS.lambdaRequest, { floor: 0, ceiling: ceilingRequests, expected: monthly });
    builder.line(`duration (${label})`, `${PRICE_KEYS.lambdaGbSecond}${arch}`, {
        floor: 0,
        ceiling: Math.max(0, ceilingConcurrency - pcMax) * memoryGb * SECONDS_PER_MONTH,
        expected: onDemand * latencyS * memoryGb,
    }, `Lambda duration ${arch}`);
    if (pcMin > 0 || pcMax > 0) {
        builder.line(`provisioned concurrency ${range(pcMin, pcMax)} (${label}, ${pcHours} h/day)`, `${PRICE_KEYS.lambdaProvisionedGbSecond}${arch}`, {
            // Floor and expected: the minimum for the hours a day it is configured; ceiling: the maximum all day.
            floor: pcMin * memoryGb * pcHours * 3600 * DAYS_PER_MONTH,
            ceiling: pcMax * memoryGb * SECONDS_PER_MONTH,
            expected: pcMin * memoryGb * pcHours * 3600 * DAYS_PER_MONTH,
        }, `Lambda provisioned concurrency ${arch}`);
        builder.line("duration on provisioned concurrency", `${PRICE_KEYS.lambdaProvisionedDurationGbSecond}${arch}`, {
            floor: 0,
            ceiling: Math.min(pcMax, ceilingConcurrency) * memoryGb * SECONDS_PER_MONTH,
            expected: onPc * latencyS * memoryGb,
        }, `Lambda provisioned duration ${arch}`);
        if (pcMax > pcMin) builder.notes.push(`provisioned concurrency autoscaling above ${pcMin} is not in the expected figure`);
    }
    if (ceilingRequests === Infinity) builder.notes.push("no reserved concurrency or stage rate limit: the ceiling is unbounded");

    for (const rule of group.filter((resource) => resource.type === TYPES.eventRule)) {
        const schedule = str(rule.inputs["scheduleExpression"]);
        const invocations = schedule === undefined ? 0 : invocationsPerMonth(schedule);
        const what = `warm-up ${schedule}`;
        builder.line(`${what}: invocations`, PRICE_KEYS.lambdaRequest, constant(invocations), what);
        builder.line(`${what}: duration (${label})`, `${PRICE_KEYS.lambdaGbSecond}${arch}`, constant(invocations * (traffic.warmupDurationMs / 1000) * memoryGb), what);
    }
    builder.addPerRequest(PRICE_KEYS.lambdaRequest, 1);
    builder.addPerRequest(`${PRICE_KEYS.lambdaGbSecond}${arch}`, latencyS * memoryGb);
}

function stageRateLimit(group: readonly PlannedResource[]): number | undefined {
    const stage = group.find((resource) => resource.type === TYPES.httpStage);
    return num(read(stage?.inputs, "defaultRouteSettings", "throttlingRateLimit"));
}

/** Invocations a month of an EventBridge `rate(N unit)` schedule; NaN (unknown) for `cron(...)`, which the estimate does not expand. */
export function invocationsPerMonth(schedule: string): number {
    const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(schedule.trim());
    if (!match) return Number.NaN;
    const every = Number(match[1]);
    const minutes = match[2]!.startsWith("minute") ? every : match[2]!.startsWith("hour") ? every * 60 : every * 1440;
    return (HOURS_PER_MONTH * 60) / minutes;
}

// API Gateway HTTP API (https://aws.amazon.com/api-gateway/pricing/): per request, metered in 512 KB increments.
function priceHttpApi(builder: TargetBuilder, group: readonly PlannedResource[], options: EstimateOptions): void {
    const traffic = options.traffic;
    const increments = Math.max(1, Math.ceil(traffic.requestSizeKb / 512));
    const rateLimit = stageRateLimit(group);
    builder.line(`HTTP API requests${increments > 1 ? ` (${increments} × 512 KB each)` : ""}`, PRICE_KEYS.httpApiRequest, {
        floor: 0,
        ceiling: rateLimit === undefined ? Infinity : rateLimit * SECONDS_PER_MONTH * increments,
        expected: requestsPerMonth(traffic) * increments,
    });
    builder.addPerRequest(PRICE_KEYS.httpApiRequest, increments);
}

// ---------------------------------------------------------------------------------------------------------
// Cloud Run (https://cloud.google.com/run/pricing): with `cpuIdle` (request-based billing) an instance bills
// vCPU-s and GiB-s only while it has a request in flight, plus a per-request fee, and idle minimum instances
// at the idle rate; without it (instance-based, CPU always allocated) every instance bills its whole life.

function priceCloudRun(builder: TargetBuilder, service: PlannedResource, options: EstimateOptions): void {
    const traffic = options.traffic;
    const container = list(read(service.inputs, "template", "containers"))[0];
    const vcpu = cpuOf(read(container, "resources", "limits", "cpu") ?? "1");
    const memoryGib = gibOf(read(container, "resources", "limits", "memory") ?? "512Mi");
    const requestBased = read(container, "resources", "cpuIdle") !== false;
    const min = num(read(service.inputs, "template", "scaling", "minInstanceCount")) ?? num(read(service.inputs, "scaling", "minInstanceCount")) ?? 0;
    const max = num(read(service.inputs, "template", "scaling", "maxInstanceCount")) ?? num(read(service.inputs, "scaling", "maxInstanceCount")) ?? 100;
    const concurrency = num(read(service.inputs, "template", "maxInstanceRequestConcurrency")) ?? 80;
    const latencyS = traffic.meanLatencyMs / 1000;
    const rates = ratesOf(traffic);
    const periodSeconds = (hours: number) => hours * 3600 * DAYS_PER_MONTH;
    // Instances busy at a request rate: below one request in flight, the share of time one instance is busy;
    // above it, what the autoscaler keeps at ~60% of the concurrency setting (Cloud Run's documented target).
    const busy = (rps: number) => Math.min(max, rps * latencyS <= 1 ? rps * latencyS : Math.max(1, (rps * latencyS) / (0.6 * concurrency)));
    const busySeconds = busy(rates.peak) * periodSeconds(traffic.peak.hours) + busy(rates.offPeak) * periodSeconds(24 - traffic.peak.hours);
    const billing = requestBased ? "request-based" : "instance-based";
    const shape = `${vcpu} vCPU ${memoryGib} GiB, ${range(min, max)} instances, ${billing}`;

    if (requestBased) {
        const idleSeconds = Math.max(0, min * SECONDS_PER_MONTH - Math.min(busySeconds, min * SECONDS_PER_MONTH));
        builder.line(`active vCPU (${shape})`, PRICE_KEYS.cloudRunRequestCpu, { floor: 0, ceiling: max * SECONDS_PER_MONTH * vcpu, expected: busySeconds * vcpu }, "Cloud Run vCPU");
        builder.line("active memory", PRICE_KEYS.cloudRunRequestMemory, { floor: 0, ceiling: max * SECONDS_PER_MONTH * memoryGib, expected: busySeconds * memoryGib }, "Cloud Run memory");
        builder.line("requests", PRICE_KEYS.cloudRunRequest, { floor: 0, ceiling: ((max * concurrency) / latencyS) * SECONDS_PER_MONTH, expected: requestsPerMonth(traffic) });
        if (min > 0) {
            builder.line(`idle minimum instances (${min})`, PRICE_KEYS.cloudRunIdleCpu, { floor: min * SECONDS_PER_MONTH * vcpu, ceiling: 0, expected: idleSeconds * vcpu }, "Cloud Run idle vCPU");
            builder.line("idle minimum instances: memory", PRICE_KEYS.cloudRunIdleMemory, { floor: min * SECONDS_PER_MONTH * memoryGib, ceiling: 0, expected: idleSeconds * memoryGib }, "Cloud Run idle memory");
        }
        builder.addPerRequest(PRICE_KEYS.cloudRunRequestCpu, latencyS * vcpu);
        builder.addPerRequest(PRICE_KEYS.cloudRunRequestMemory, latencyS * memoryGib);
        builder.addPerRequest(PRICE_KEYS.cloudRunRequest, 1);
        if (min === 0) builder.notes.push("scales to zero: the first request after idle waits for a cold start");
    } else {
        // Instance-based: an instance bills from start to shutdown, so the expected fleet is max(min, busy).
        const instanceSeconds = Math.max(min, busy(rates.peak)) * periodSeconds(traffic.peak.hours) + Math.max(min, busy(rates.offPeak)) * periodSeconds(24 - traffic.peak.hours);
        builder.line(`vCPU (${shape})`, PRICE_KEYS.cloudRunInstanceCpu, { floor: min * SECONDS_PER_MONTH * vcpu, ceiling: max * SECONDS_PER_MONTH * vcpu, expected: instanceSeconds * vcpu }, "Cloud Run vCPU (CPU always allocated)");
        builder.line("memory", PRICE_KEYS.cloudRunInstanceMemory, { floor: min * SECONDS_PER_MONTH * memoryGib, ceiling: max * SECONDS_PER_MONTH * memoryGib, expected: instanceSeconds * memoryGib }, "Cloud Run memory (CPU always allocated)");
    }
    builder.notes.push("Cloud Run free tier not deducted; Cloud Logging not priced (no log resource in the plan; 50 GiB a month free)");
}

/** Cloud Run CPU limits: "1", "2", "1000m". */
export function cpuOf(value: unknown): number {
    const text = String(value).trim();
    const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
    if (!match) return Number.NaN;
    return match[2] === "m" ? Number(match[1]) / 1000 : Number(match[1]);
}

/** Kubernetes-style memory quantities in GiB: "512Mi", "2Gi", "1G", "1024M". */
export function gibOf(value: unknown): number {
    const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(String(value).trim());
    if (!match) return Number.NaN;
    const factors: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
    return (Number(match[1]) * (factors[match[2] ?? ""] ?? 1)) / 1024 ** 3;
}

// ---------------------------------------------------------------------------------------------------------
// Vertex AI (https://cloud.google.com/vertex-ai/pricing): a deployed model bills node-hours per machine type for
// every replica, traffic or not (no scale to zero). Autoscaling on CPU utilisation: a replica of v vCPUs at a
// target of t% takes v × t/100 ÷ latency requests a second (each request holding one vCPU for its latency).

function priceVertex(builder: TargetBuilder, deployment: PlannedResource, options: EstimateOptions): void {
    const inputs = deployment.inputs;
    const spec = read(inputs, "machineSpec") ?? inputs;
    const machineType = str(read(spec, "machineType")) ?? "(machine type not set)";
    const accelerator = str(read(spec, "acceleratorType"));
    const min = num(inputs["minReplicaCount"]) ?? 1;
    const max = num(inputs["maxReplicaCount"]) ?? min;
    const cpuTarget = num(inputs["cpuTarget"]) ?? 60;
    const hours = instanceHours(options.traffic, min, max, perInstanceRpsOnCpu(machineType, cpuTarget, options.traffic));
    const quantity = { floor: min * HOURS_PER_MONTH, ceiling: max * HOURS_PER_MONTH, expected: hours + options.traffic.batchJobHoursPerMonth };
    builder.line(`${machineType} nodes × ${range(min, max)}`, `${PRICE_KEYS.vertexPrediction}${machineType}`, quantity, machineType);
    if (accelerator !== undefined) {
        const count = num(read(spec, "acceleratorCount")) ?? 1;
        builder.line(`${accelerator} × ${count} per node`, `vertex.prediction.accelerator.${accelerator}`, { floor: quantity.floor * count, ceiling: quantity.ceiling * count, expected: quantity.expected * count }, accelerator);
    }
    if (MACHINE_VCPUS[machineType] === undefined) builder.notes.push(`${machineType}: vCPUs unknown, expected at the minimum replicas`);
}

function perInstanceRpsOnCpu(machineType: string, targetPercent: number, traffic: TrafficProfile): number | undefined {
    const vcpus = MACHINE_VCPUS[machineType];
    return vcpus === undefined ? undefined : (vcpus * (targetPercent / 100)) / (traffic.meanLatencyMs / 1000);
}

// ---------------------------------------------------------------------------------------------------------
// Azure ML managed online endpoints bill the VM price of the deployment's SKU per instance
// (https://azure.microsoft.com/en-us/pricing/details/machine-learning/); autoscale (Azure Monitor) between its
// profile's minimum and maximum on CPU utilisation.

function priceAzureMl(builder: TargetBuilder, deployment: PlannedResource, group: readonly PlannedResource[], options: EstimateOptions): void {
    const instanceType = str(read(deployment.inputs, "properties", "instanceType")) ?? "(instance type not set)";
    const capacity = num(read(deployment.inputs, "sku", "capacity")) ?? 1;
    const autoscale = group.find((resource) => resource.type === TYPES.autoscaleSetting && resource.inputs["enabled"] !== false);
    const profile = list(read(autoscale?.inputs, "profiles"))[0];
    const min = asCount(read(profile, "capacity", "minimum")) ?? capacity;
    const max = asCount(read(profile, "capacity", "maximum")) ?? capacity;
    const scaleOut = list(read(profile, "rules")).find((rule) => read(rule, "scaleAction", "direction") === "Increase" && read(rule, "metricTrigger", "metricName") === "CpuUtilizationPercentage");
    const threshold = num(read(scaleOut, "metricTrigger", "threshold"));
    const perInstance = autoscale === undefined || threshold === undefined ? undefined : perInstanceRpsOnCpu(instanceType, threshold, options.traffic);
    const hours = instanceHours(options.traffic, min, max, perInstance);
    builder.line(`${instanceType} × ${range(min, max)}`, `${PRICE_KEYS.azureMlManaged}${instanceType}`, {
        floor: min * HOURS_PER_MONTH,
        ceiling: max * HOURS_PER_MONTH,
        expected: hours + options.traffic.batchJobHoursPerMonth,
    }, instanceType);
}

function priceLogAnalytics(builder: TargetBuilder, workspace: PlannedResource, options: EstimateOptions): void {
    const retention = num(workspace.inputs["retentionInDays"]) ?? 30;
    const gb = (requestsPerMonth(options.traffic) * options.traffic.logBytesPerRequest) / GB;
    builder.line("Log Analytics ingestion", PRICE_KEYS.logAnalyticsIngestGb, { floor: 0, ceiling: gb, expected: gb });
    // The first 31 days are included; beyond that each month's volume is kept (retention − 31) days.
    const kept = Math.max(0, retention - 31) / DAYS_PER_MONTH;
    if (kept > 0) builder.line(`Log Analytics retention (${retention} days)`, PRICE_KEYS.logAnalyticsRetainGbMonth, { floor: 0, ceiling: gb * kept, expected: gb * kept });
}

// CloudWatch Logs (https://aws.amazon.com/cloudwatch/pricing/): ingestion per GB, storage per GB-month for as
// long as the retention keeps it (a month's volume kept `retention` days, in steady state).
function priceLogGroup(builder: TargetBuilder, logGroup: PlannedResource, options: EstimateOptions): void {
    const retention = num(logGroup.inputs["retentionInDays"]);
    const gb = (requestsPerMonth(options.traffic) * options.traffic.logBytesPerRequest) / GB;
    const name = str(logGroup.inputs["name"]) ?? logGroup.name;
    builder.line(`logs ${name}: ingestion`, PRICE_KEYS.cloudwatchLogsIngestGb, { floor: 0, ceiling: gb, expected: gb });
    const stored = retention === undefined || retention === 0 ? gb : gb * (retention / DAYS_PER_MONTH);
    builder.line(`logs ${name}: stored ${retention === undefined || retention === 0 ? "forever (grows every month)" : `${retention} days`}`, PRICE_KEYS.cloudwatchLogsStoreGbMonth, { floor: 0, ceiling: stored, expected: stored });
}

/** Model artifacts the target keeps (S3, GCS, Blob), one copy of the model directory each. */
function priceArtifacts(builder: TargetBuilder, group: readonly PlannedResource[], options: EstimateOptions, awsRegion: (resource: PlannedResource) => string | undefined): void {
    const stores: [string, Cloud, string][] = [[TYPES.s3Object, "aws", PRICE_KEYS.s3StandardGbMonth], [TYPES.gcsObject, "gcp", PRICE_KEYS.gcsStandardGbMonth], [TYPES.blob, "azure", PRICE_KEYS.azureBlobHotGbMonth]];
    for (const [type, cloud, key] of stores) {
        const objects = group.filter((resource) => resource.type === type);
        if (objects.length === 0) continue;
        if (options.artifactBytes === undefined) {
            builder.notes.push(`model artifacts (${objects.length} objects): size not given, not priced`);
            continue;
        }
        const saved = { cloud: builder.cloud, region: builder.region };
        builder.cloud = cloud;
        if (cloud === "aws") builder.region = awsRegion(objects[0]!);
        builder.line(`model artifacts (${(options.artifactBytes / 1e6).toFixed(2)} MB)`, key, constant(options.artifactBytes / GB));
        builder.cloud = saved.cloud ?? cloud;
        builder.region = saved.region ?? builder.region;
    }
}

// ---------------------------------------------------------------------------------------------------------

function constant(quantity: number): { floor: number; ceiling: number; expected: number } {
    return { floor: quantity, ceiling: quantity, expected: quantity };
}

function range(min: number, max: number): string {
    return min === max ? String(min) : `${min}–${max}`;
}

function num(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}
