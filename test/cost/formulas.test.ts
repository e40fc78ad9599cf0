import { expect } from "chai";
import { estimateCost, PlannedResource, TargetEstimate } from "../../policy/lib/cost/estimate";
import { trafficProfile } from "../../policy/lib/cost/traffic";

// Each target's formula on a small case worked by hand, at the price book's list prices (policy/lib/cost/prices/,
// read 2026-12-02). A month is 730 h = 2,628,000 s = 30.41667 days. A wrong price or formula fails these.

const top = (type: string, name: string): PlannedResource => ({ type, name, parent: null, inputs: {} });
const child = (parent: string, type: string, name: string, inputs: Record<string, unknown>): PlannedResource => ({ type, name, parent, inputs });
const cents = (value: number) => Math.round(value * 100) / 100;

function target(resources: PlannedResource[], traffic: Record<string, unknown>, name: string, awsRegion = "us-east-1"): TargetEstimate {
    const estimate = estimateCost(resources, { traffic: trafficProfile(traffic), awsRegion });
    const found = estimate.targets.find((t) => t.target === name);
    if (found === undefined) throw new Error(`no target ${name}`);
    return found;
}

function lineUsd(estimate: TargetEstimate, what: RegExp, side: "floor" | "ceiling" | "expected" = "expected"): number {
    const line = estimate.lines.find((l) => what.test(l.what));
    if (line === undefined) throw new Error(`no line ${what} in ${estimate.lines.map((l) => l.what).join("; ")}`);
    return line[side].usd;
}

describe("cost: each target's formula", () => {
    // https://aws.amazon.com/sagemaker/pricing/ (real-time inference: per instance-hour by type; data processed in/out per GB);
    // SageMakerVariantInvocationsPerInstance is invocations per instance per minute (SageMaker "Define a scaling policy").
    describe("SageMaker real-time (instance-hours per type; target tracking on invocations per instance)", () => {
        const plan = [
            top("ml-endpoints:aws:SageMakerEndpoint", "sm"),
            child("sm", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "sm-config", { productionVariants: [{ variantName: "AllTraffic", instanceType: "ml.m5.xlarge", initialInstanceCount: 2 }] }),
            child("sm", "aws:appautoscaling/target:Target", "sm-scaling", { serviceNamespace: "sagemaker", minCapacity: 2, maxCapacity: 10 }),
            child("sm", "aws:appautoscaling/policy:Policy", "sm-policy", { targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" }, targetValue: 70 } }),
        ];
        // 864,000 requests/day, half in 8 peak hours: peak 432,000 / 28,800 s = 15 req/s, off-peak 432,000 / 57,600 s = 7.5 req/s.
        // 70 invocations per instance per minute = 1.1667 req/s each: peak ceil(12.86) = 13 → capped at 10; off-peak ceil(6.43) = 7.
        // (10 × 8 h + 7 × 16 h) × 30.41667 days = 5,840 instance-hours × $0.23 = $1,343.20.
        const estimate = target(plan, { requestsPerDay: 864_000, peak: { hours: 8, share: 0.5 } }, "sm");

        it("expected: the instances each period needs, within min and max", () => {
            expect(cents(lineUsd(estimate, /ml\.m5\.xlarge/))).to.equal(1343.2);
        });
        it("floor: 2 × 730 h × $0.23 = $335.80; ceiling: 10 × 730 h × $0.23 = $1,679.00", () => {
            expect(cents(estimate.floor.usd)).to.equal(335.8);
            expect(cents(lineUsd(estimate, /ml\.m5\.xlarge/, "ceiling"))).to.equal(1679);
        });
        it("data processed: 26,280,000 requests × 2 KB = 52.56 GB × $0.016 = $0.84", () => {
            expect(cents(lineUsd(estimate, /data processed/))).to.equal(0.84);
        });
        // https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html: an update provisions a new (green)
        // fleet and terminates the blue one after the baking period and TerminationWaitInSeconds (API_BlueGreenUpdatePolicy).
        it("a blue/green rollout (a green fleet of the same size through a 600 s wait and 300 s termination wait) is a note per deploy: 2 × 0.25 h × $0.23", () => {
            const endpoint = child("sm", "aws:sagemaker/endpoint:Endpoint", "sm-endpoint", { deploymentConfig: { blueGreenUpdatePolicy: { terminationWaitInSeconds: 300, trafficRoutingConfiguration: { type: "CANARY", waitIntervalInSeconds: 600 } } } });
            const withRollout = target([...plan, endpoint], { requestsPerDay: 864_000 }, "sm");
            expect(withRollout.notes).to.include("each blue/green rollout adds 2 × ml.m5.xlarge for 900 s of waits plus provisioning: about $0.12 a deploy, not in the monthly figures");
            expect(withRollout.floor).to.deep.equal(estimate.floor);
        });
    });

    // https://aws.amazon.com/sagemaker/pricing/ (serverless inference: compute per second by memory size, plus data processed).
    describe("SageMaker serverless (GB-seconds of compute, data processed)", () => {
        const plan = [
            top("ml-endpoints:aws:SageMakerEndpoint", "sm"),
            child("sm", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "sm-config", { productionVariants: [{ variantName: "AllTraffic", serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 } }] }),
        ];
        // 1,000,000 requests/month × 0.2 s × 2 GB = 400,000 GB-s × $0.00002 = $8.00; floor $0 (scales to zero);
        // ceiling 5 concurrent × 2 GB × 2,628,000 s = 26,280,000 GB-s × $0.00002 = $525.60.
        const estimate = target(plan, { requestsPerMonth: 1_000_000, meanLatencyMs: 200 }, "sm");
        it("expected $8.00, floor $0, ceiling $525.60", () => {
            expect(estimate.kind).to.equal("sagemaker-serverless");
            expect(cents(lineUsd(estimate, /serverless compute/))).to.equal(8);
            expect(estimate.floor.usd).to.equal(0);
            expect(cents(lineUsd(estimate, /serverless compute/, "ceiling"))).to.equal(525.6);
        });
        it("costs 0.2 s × 2 GB × $0.00002 + 2 KB × $0.016/GB = $0.000008032 a request (the break-even's slope)", () => {
            expect(estimate.perRequestUsd).to.be.closeTo(0.000008032, 1e-12);
        });
    });

    // https://aws.amazon.com/lambda/pricing/ (requests; duration per GB-s by architecture; provisioned concurrency per GB-s configured,
    // and a lower duration rate for invocations it serves; EventBridge-triggered invocations are requests like any other);
    // https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs: per request, metered in 512 KB increments).
    describe("Lambda behind an HTTP API (requests, GB-s by architecture, provisioned concurrency, warm-up)", () => {
        const lambda = (fn: Record<string, unknown>, extra: PlannedResource[] = []) => [
            top("ml-endpoints:aws:LambdaEndpoint", "fn"),
            child("fn", "aws:lambda/function:Function", "fn-function", { packageType: "Image", ...fn }),
            child("fn", "aws:apigatewayv2/api:Api", "fn-api", { protocolType: "HTTP" }),
            ...extra,
        ];
        const traffic = { requestsPerMonth: 1_000_000, meanLatencyMs: 200 };

        it("on demand, arm64 1024 MB: $0.20 requests + 200,000 GB-s × $0.0000133334 ($2.67) + $1.00 HTTP API = $3.87", () => {
            const estimate = target(lambda({ memorySize: 1024, architectures: ["arm64"] }), traffic, "fn");
            expect(cents(lineUsd(estimate, /^requests/))).to.equal(0.2);
            expect(lineUsd(estimate, /^duration/)).to.be.closeTo(2.66668, 1e-9);
            expect(cents(lineUsd(estimate, /HTTP API/))).to.equal(1);
            expect(cents(estimate.expected.usd)).to.equal(3.87);
            expect(estimate.floor.usd).to.equal(0);
        });

        it("x86_64 costs $0.0000166667 a GB-s: the same month's duration is $3.33", () => {
            const estimate = target(lambda({ memorySize: 1024, architectures: ["x86_64"] }), traffic, "fn");
            expect(lineUsd(estimate, /^duration/)).to.be.closeTo(3.33334, 1e-9);
        });

        it("meters HTTP API requests in 512 KB increments: 600 KB requests count twice ($2.00)", () => {
            const estimate = target(lambda({ memorySize: 1024 }), { ...traffic, requestSizeKb: 600 }, "fn");
            expect(cents(lineUsd(estimate, /HTTP API/))).to.equal(2);
        });

        it("warm-up rate(10 minutes): 4,380 invocations ($0.000876) of 100 ms at 1 GB (438 GB-s, $0.0058) in the floor", () => {
            const estimate = target(lambda({ memorySize: 1024, architectures: ["arm64"] }, [child("fn", "aws:cloudwatch/eventRule:EventRule", "fn-warmup", { scheduleExpression: "rate(10 minutes)" })]), traffic, "fn");
            expect(lineUsd(estimate, /warm-up.*invocations/, "floor")).to.be.closeTo(0.000876, 1e-12);
            expect(lineUsd(estimate, /warm-up.*duration/, "floor")).to.be.closeTo(438 * 0.0000133334, 1e-12);
        });

        it("a cron(...) warm-up schedule is reported unknown, not free", () => {
            const estimate = target(lambda({ memorySize: 1024 }, [child("fn", "aws:cloudwatch/eventRule:EventRule", "fn-warmup", { scheduleExpression: "cron(0/5 * * * ? *)" })]), traffic, "fn");
            expect(estimate.floor.unknown).to.include("warm-up cron(0/5 * * * ? *)");
        });

        describe("provisioned concurrency 2, x86_64 2048 MB, all day", () => {
            const estimate = target(lambda({ memorySize: 2048, architectures: ["x86_64"] }, [
                child("fn", "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", "fn-pc", { provisionedConcurrentExecutions: 2 }),
            ]), traffic, "fn");
            it("floor: 2 × 2 GB × 2,628,000 s = 10,512,000 GB-s × $0.0000041667 = $43.80", () => {
                expect(estimate.floor.usd).to.be.closeTo(43.8003, 1e-4);
            });
            it("expected: every request fits 2 environments, so its duration bills at $0.0000097222: 400,000 GB-s = $3.89", () => {
                expect(lineUsd(estimate, /duration on provisioned/)).to.be.closeTo(3.88888, 1e-5);
                expect(lineUsd(estimate, /^duration \(/)).to.equal(0);
            });
        });

        it("ceiling: the stage rate limit (10 req/s) caps requests at 26,280,000 a month ($5.26 + $26.28 HTTP API)", () => {
            const estimate = target(lambda({ memorySize: 1024 }, [child("fn", "aws:apigatewayv2/stage:Stage", "fn-stage", { defaultRouteSettings: { throttlingRateLimit: 10 } })]), traffic, "fn");
            expect(cents(lineUsd(estimate, /^requests/, "ceiling"))).to.equal(5.26);
            expect(cents(lineUsd(estimate, /HTTP API/, "ceiling"))).to.equal(26.28);
        });

        it("ceiling: reserved concurrency 5 at 200 ms lets 25 req/s through, below a 100 req/s rate limit: 65,700,000 requests ($13.14)", () => {
            const estimate = target(lambda({ memorySize: 1024, reservedConcurrentExecutions: 5 }, [child("fn", "aws:apigatewayv2/stage:Stage", "fn-stage", { defaultRouteSettings: { throttlingRateLimit: 100 } })]), traffic, "fn");
            expect(cents(lineUsd(estimate, /^requests/, "ceiling"))).to.equal(13.14);
        });

        it("with no rate limit and no reserved concurrency the ceiling is unbounded, not a number", () => {
            const estimate = target(lambda({ memorySize: 1024 }), traffic, "fn");
            expect(estimate.ceiling.unbounded).to.include("requests");
        });
    });

    // https://cloud.google.com/run/pricing ("CPU only allocated during request processing" vs "CPU always allocated"; idle minimum
    // instances; requests only under request-based billing); v2 `cpuIdle` is that switch (cloudrunv2 Service resources.cpuIdle).
    describe("Cloud Run (vCPU-s and GiB-s; cpuIdle on: request-based, off: instance-based; min instances)", () => {
        const service = (cpuIdle: boolean, min: number, limits = { cpu: "1", memory: "1Gi" }) => [
            top("ml-endpoints:gcp:CloudRunEndpoint", "run"),
            child("run", "gcp:cloudrunv2/service:Service", "run-service", {
                location: "us-central1",
                scaling: { minInstanceCount: min, maxInstanceCount: 4 },
                template: { maxInstanceRequestConcurrency: 80, containers: [{ image: "i", resources: { cpuIdle, limits } }] },
            }),
        ];
        // Uniform traffic (12 peak hours with 50%): 1,000,000 requests × 0.2 s = 200,000 busy instance-seconds
        // (0.076 requests in flight on average, below one, so one instance busy that share of the time).
        const traffic = { requestsPerMonth: 1_000_000, meanLatencyMs: 200, peak: { hours: 12, share: 0.5 } };

        it("request-based, scaled to zero: 200,000 vCPU-s × $0.000024 + 200,000 GiB-s × $0.0000025 + 1M × $0.40/M = $5.70, floor $0", () => {
            const estimate = target(service(true, 0), traffic, "run");
            expect(estimate.expected.usd).to.be.closeTo(4.8 + 0.5 + 0.4, 1e-9);
            expect(estimate.floor.usd).to.equal(0);
        });

        it("request-based with 1 min instance: its idle 2,428,000 s at $0.0000025 per vCPU-s and GiB-s add $12.14; floor $13.14", () => {
            const estimate = target(service(true, 1), traffic, "run");
            expect(estimate.expected.usd).to.be.closeTo(5.7 + 12.14, 1e-9);
            expect(estimate.floor.usd).to.be.closeTo(13.14, 1e-9);
        });

        it("instance-based (cpuIdle false), 1 min instance of 2 vCPU 2 GiB: 2,628,000 s × (2 × $0.000018 + 2 × $0.000002) = $105.12 floor and expected", () => {
            const estimate = target(service(false, 1, { cpu: "2", memory: "2Gi" }), traffic, "run");
            expect(estimate.floor.usd).to.be.closeTo(105.12, 1e-9);
            expect(estimate.expected.usd).to.be.closeTo(105.12, 1e-9);
            expect(estimate.ceiling.usd).to.be.closeTo(4 * 105.12, 1e-9);
        });

        it("reads CPU in millicores and memory in Mi: 1000m and 512Mi bill as 1 vCPU and 0.5 GiB", () => {
            const estimate = target(service(false, 1, { cpu: "1000m", memory: "512Mi" }), traffic, "run");
            expect(estimate.floor.usd).to.be.closeTo(2_628_000 * (0.000018 + 0.5 * 0.000002), 1e-9);
        });
    });

    // https://cloud.google.com/vertex-ai/pricing ("You pay for each model deployed to an endpoint, even if no prediction is made";
    // Vertex AI Prediction does not scale to zero), node-hours per machine type.
    describe("Vertex AI (node-hours per machine type; CPU-utilisation autoscaling)", () => {
        const plan = (spec: Record<string, unknown>) => [
            top("ml-endpoints:gcp:VertexEndpoint", "vx"),
            child("vx", "pulumi-nodejs:dynamic:Resource", "vx-deployment", { kind: "ml-endpoints:gcp:VertexModelDeployment", region: "us-central1", machineType: "n1-standard-4", minReplicaCount: 1, maxReplicaCount: 3, cpuTarget: 60, ...spec }),
        ];
        // 2,592,000 requests/day, half in 8 peak hours: 45 req/s peak, 22.5 req/s off-peak. A 4-vCPU replica at a
        // 60% target with 100 ms requests takes 4 × 0.6 / 0.1 = 24 req/s: 2 replicas peak, 1 off-peak.
        // (2 × 8 + 1 × 16) × 30.41667 = 973.33 node-hours × $0.219 = $213.16.
        const traffic = { requestsPerDay: 2_592_000, meanLatencyMs: 100 };
        it("expected $213.16, floor 730 h × $0.219 = $159.87, ceiling 3 × that = $479.61", () => {
            const estimate = target(plan({}), traffic, "vx");
            expect(cents(estimate.expected.usd)).to.equal(213.16);
            expect(cents(estimate.floor.usd)).to.equal(159.87);
            expect(cents(estimate.ceiling.usd)).to.equal(479.61);
        });
        it("an accelerator with no price is unknown, never zero", () => {
            const estimate = target(plan({ acceleratorType: "NVIDIA_TESLA_T4", acceleratorCount: 1 }), traffic, "vx");
            expect(estimate.floor.unknown).to.deep.equal(["NVIDIA_TESLA_T4: no price in gcp us-central1"]);
            expect(cents(estimate.floor.usd)).to.equal(159.87);
        });
    });

    // https://azure.microsoft.com/en-us/pricing/details/machine-learning/ (managed online endpoints bill the VM per instance, no
    // surcharge); https://azure.microsoft.com/en-us/pricing/details/container-registry/ (registries bill per day by SKU).
    describe("Azure ML managed online (the SKU's VM price per instance; autoscale min and max)", () => {
        const plan = [
            top("ml-endpoints:azure:AzureMlEndpoint", "aml"),
            child("aml", "azure-native:machinelearningservices:OnlineDeployment", "aml-blue", { location: "eastus", sku: { capacity: 3 }, properties: { instanceType: "Standard_DS3_v2" } }),
            child("aml", "azure-native:monitor:AutoscaleSetting", "aml-autoscale", { enabled: true, profiles: [{ capacity: { minimum: "3", maximum: "10", default: "3" }, rules: [] }] }),
            child("aml", "azure-native:containerregistry:Registry", "acr", { location: "eastus", sku: { name: "Standard" } }),
        ];
        const estimate = target(plan, {}, "aml");
        it("floor: 3 × 730 h × $0.293 = $641.67 plus the Standard registry at $0.6666 × 30.41667 days = $20.28", () => {
            expect(cents(lineUsd(estimate, /Standard_DS3_v2/, "floor"))).to.equal(641.67);
            expect(cents(lineUsd(estimate, /container registry/, "floor"))).to.equal(20.28);
            expect(cents(estimate.floor.usd)).to.equal(661.95);
        });
        it("ceiling: the autoscale maximum, 10 × 730 h × $0.293 = $2,138.90", () => {
            expect(cents(lineUsd(estimate, /Standard_DS3_v2/, "ceiling"))).to.equal(2138.9);
        });
    });

    describe("storage the stack keeps", () => {
        it("CloudWatch logs: 100,000 requests/day × 500 B = 1.5208 GB a month ingested ($0.76) and 90 days kept (4.5 GB, $0.135)", () => {
            const plan = [top("ml-endpoints:aws:LambdaEndpoint", "fn"), child("fn", "aws:cloudwatch/logGroup:LogGroup", "fn-logs", { name: "/aws/lambda/x", retentionInDays: 90 })];
            const estimate = target(plan, {}, "fn");
            expect(lineUsd(estimate, /ingestion/)).to.be.closeTo(0.760417, 1e-6);
            expect(lineUsd(estimate, /stored 90 days/)).to.be.closeTo(0.135, 1e-9);
        });
    });

    describe("prices the book does not have", () => {
        it("an instance type is unknown by name and the known part still adds up", () => {
            const plan = [top("ml-endpoints:aws:SageMakerEndpoint", "sm"), child("sm", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "c", { productionVariants: [{ instanceType: "ml.p5.48xlarge", initialInstanceCount: 1 }] }), child("sm", "aws:kms/key:Key", "k", {})];
            const estimate = target(plan, {}, "sm");
            expect(estimate.floor).to.deep.equal({ usd: 1, unknown: ["ml.p5.48xlarge: no price in aws us-east-1"], unbounded: [] });
        });
        it("a region the book has no prices for is unknown for every line", () => {
            const plan = [top("ml-endpoints:aws:SageMakerEndpoint", "sm"), child("sm", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "c", { productionVariants: [{ instanceType: "ml.m5.xlarge", initialInstanceCount: 1 }] })];
            const estimate = target(plan, {}, "sm", "ap-south-1");
            expect(estimate.floor).to.deep.equal({ usd: 0, unknown: ["ml.m5.xlarge: no price in aws ap-south-1"], unbounded: [] });
        });
    });
});
