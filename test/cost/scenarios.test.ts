import { expect } from "chai";
import * as path from "node:path";
import { recommend } from "../../policy/lib/cost/advice";
import { estimateCost, PlannedResource, TargetEstimate } from "../../policy/lib/cost/estimate";
import { costReport, loadTrafficFile } from "../harness/cost/cli";
import { REPO_ROOT } from "../harness/run-program";

// The source chapter's scenarios as traffic files (test/fixtures/traffic/), priced at the book's list prices
// (policy/lib/cost/prices/, read 2026-12-02) and compared with figures worked by hand in the comments.
// A month is 730 h = 2,628,000 s = 30.41667 days.

const trafficFile = (name: string) => loadTrafficFile(path.join(REPO_ROOT, "test/fixtures/traffic", name));

describe("cost: the source's scenarios", function () {
    this.timeout(60_000);

    describe("exercise 1: an e-commerce recommender, 100,000 requests/day under 100 ms, plus a 1-hour monthly batch job", () => {
        const traffic = trafficFile("exercise1-recommender.yaml");
        let targets: readonly TargetEstimate[];
        let reportRecommendation: ReturnType<typeof recommend>;
        before(async () => {
            const report = await costReport("prod", { traffic });
            targets = report.estimate.targets;
            reportRecommendation = report.recommendation;
        });
        const of = (name: string) => targets.find((t) => t.target === name)!;

        it("SageMaker real-time (prod: ml.m5.xlarge, 2–10, 70 invocations/instance/minute) by hand", () => {
            // Peak 50,000 / 28,800 s = 1.74 req/s → ceil(1.74 / 1.1667) = 2; off-peak 0.87 req/s → 1 → the minimum, 2.
            // Instances: 2 × 730 h + the 1-hour batch job = 1,461 h × $0.23 = $336.03.
            // Data processed: 3,041,667 requests × 2 KB = 6.0833 GB × $0.016 = $0.0973; data capture 20% = 1.2167 GB × $0.023 = $0.0280.
            // Logs: 1.5208 GB × $0.50 = $0.7604 ingested, kept 90 days = 4.5 GB × $0.03 = $0.135. KMS key $1.00.
            // Total $338.05 (+ the model artifact, a few KB: under $0.0001).
            const sagemaker = of("sagemaker");
            expect(sagemaker.lines.find((l) => /ml\.m5\.xlarge/.test(l.what))!.expected.usd).to.be.closeTo(336.03, 1e-9);
            expect(sagemaker.expected.usd).to.be.closeTo(336.03 + 0.09733 + 0.02798 + 0.76042 + 0.135 + 1, 0.001);
            expect(sagemaker.floor.usd).to.be.closeTo(335.8 + 1, 0.001);
        });

        it("Vertex AI (prod: n1-standard-4, 2–10, CPU 60%) by hand", () => {
            // A replica takes 4 × 0.6 / 0.05 s = 48 req/s, so the minimum 2 serve the peak: 1,460 h + 1 h batch = 1,461 × $0.219 = $319.96.
            expect(of("vertex").expected.usd).to.be.closeTo(1461 * 0.219, 0.001);
        });

        it("the recommendation follows the guide: high frequency and steady → SageMaker or Vertex AI", () => {
            // 100,000/day = 1.16 req/s ≥ 1; peak 0.5 × 24 / 8 = 1.5× the mean ≤ 2.
            expect(reportRecommendation.choice).to.equal("always-on");
            expect(reportRecommendation.targets).to.equal("SageMaker real-time or Vertex AI");
            expect(reportRecommendation.reason).to.match(/^100,000 requests\/day \(1\.2\/s on average\) is high-frequency and steady \(peak 1\.5× the mean\)/);
        });
    });

    describe("exercise 3: 100,000 requests/month, provisioned concurrency during 8 peak hours", () => {
        const traffic = trafficFile("exercise3-peak-provisioned.yaml");
        // The prod Lambda target's shape (2048 MB, x86_64) behind an HTTP API, in three variants.
        const lambda = (extra: PlannedResource[]): PlannedResource[] => [
            { type: "ml-endpoints:aws:LambdaEndpoint", name: "lambda", parent: null, inputs: {} },
            { type: "aws:lambda/function:Function", name: "fn", parent: "lambda", inputs: { packageType: "Image", memorySize: 2048, architectures: ["x86_64"] } },
            ...extra,
        ];
        const price = (plan: PlannedResource[]) => estimateCost(plan, { traffic, awsRegion: "us-east-1" }).targets[0]!;

        it("normal Lambda: 100,000 × $0.20/M = $0.02 + 100,000 × 1 s × 2 GB = 200,000 GB-s × $0.0000166667 = $3.33 → $3.35 (source: ~$5)", () => {
            expect(price(lambda([])).expected.usd).to.be.closeTo(0.02 + 3.33334, 1e-5);
        });

        it("provisioned concurrency 2 for 8 h a day: $14.60 configured + $0.97 + $1.67 duration + $0.02 = $17.26 (source: ~$30)", () => {
            // Configured: 2 × 2 GB × 8 h × 3,600 s × 30.41667 days = 3,504,000 GB-s × $0.0000041667 = $14.6001.
            // Half the requests fall in the peak, all within 2 environments: 50,000 × 2 GB-s × $0.0000097222 = $0.9722;
            // the other half on demand: 100,000 GB-s × $0.0000166667 = $1.6667. Requests $0.02.
            const estimate = price(lambda([{ type: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", name: "pc", parent: "lambda", inputs: { provisionedConcurrentExecutions: 2 } }]));
            expect(estimate.expected.usd).to.be.closeTo(14.60012 + 0.97222 + 1.66667 + 0.02, 1e-4);
            expect(estimate.floor.usd).to.be.closeTo(14.60012, 1e-4);
        });

        it("warm-up every 5 minutes instead: 8,760 invocations × ($0.0000002 + 0.1 s × 2 GB × $0.0000166667) = $0.031 on top (source: ~$3)", () => {
            const estimate = price(lambda([{ type: "aws:cloudwatch/eventRule:EventRule", name: "warmup", parent: "lambda", inputs: { scheduleExpression: "rate(5 minutes)" } }]));
            expect(estimate.floor.usd).to.be.closeTo(8760 * 0.0000002 + 1752 * 0.0000166667, 1e-9);
            expect(estimate.expected.usd).to.be.closeTo(3.35334 + 0.03095, 1e-4);
        });

        it("the recommendation follows the guide: low frequency, SLO below the cold start → provisioned capacity", () => {
            const advice = recommend(traffic);
            expect(advice.choice).to.equal("serverless with provisioned capacity");
            expect(advice.targets).to.equal("Lambda with provisioned concurrency (peak hours) or Cloud Run with minimum instances");
            expect(advice.reason).to.equal("3,288 requests/day (0.038/s on average) is low-frequency, but the 200 ms SLO is below a 1000 ms cold start, so keep capacity provisioned");
        });

        it("and, with an SLO a cold start meets, pay per request on Lambda or Cloud Run", () => {
            expect(recommend({ ...traffic, latencySloMs: 2000 }).choice).to.equal("serverless");
        });
    });
});
