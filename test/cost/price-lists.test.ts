import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { mergeCloud, parseAwsOffer, parseAzureRetail, parseGcpSkus, PriceListError } from "../../policy/lib/cost/price-lists";
import { PRICE_BOOK, readDates } from "../../policy/lib/cost/prices";
import { headerOf, renderPriceModule } from "../../policy/lib/cost/render";
import { REPO_ROOT } from "../harness/run-program";

// The refresh script's parsers on saved responses (test/fixtures/price-lists/, written to each API's documented
// format; see its README for the documentation pages). The script itself needs network and cannot run here.

const sample = (name: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "test/fixtures/price-lists", name), "utf8"));
const READ = "2026-12-02";
const usd = (prices: Record<string, { usd: number }>) => Object.fromEntries(Object.entries(prices).map(([key, price]) => [key, price.usd]));

describe("cost: price-list parsers (refresh script)", () => {
    it("AWS offer file, Lambda: requests, GB-s per architecture (first tier, not the 6-billion one), provisioned concurrency; Lambda@Edge ignored", () => {
        const found = parseAwsOffer(sample("aws-lambda-us-east-1.json"), "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/us-east-1/index.json", READ);
        expect(usd(found)).to.deep.equal({
            "lambda.request": 0.0000002,
            "lambda.duration.gb-second.x86_64": 0.0000166667,
            "lambda.duration.gb-second.arm64": 0.0000133334,
            "lambda.provisioned.gb-second.x86_64": 0.0000041667,
            "lambda.provisioned.duration.gb-second.x86_64": 0.0000097222,
        });
        expect(found["lambda.request"]).to.include({ unit: "request", read: READ, verified: true });
    });

    it("AWS offer file, SageMaker: hosting instance-hours by the usage type's Host: prefix (region prefix stripped), not training", () => {
        expect(usd(parseAwsOffer(sample("aws-sagemaker-us-west-2.json"), "offer", READ))).to.deep.equal({ "sagemaker.realtime.ml.m5.xlarge": 0.23 });
    });

    it("Cloud Billing Catalog: Cloud Run's first paid tier per region (free tier and commitments skipped); Vertex nodes from core and RAM SKUs", () => {
        const found = parseGcpSkus(sample("gcp-cloudrun-vertex-skus.json"), "us-central1", "https://cloudbilling.googleapis.com/v1/services/152E-C115-5142/skus", READ);
        expect(usd(found)).to.deep.include({
            "cloudrun.request-based.vcpu-second": 0.000024,
            "cloudrun.request-based.gib-second": 0.0000025,
            "cloudrun.request-based.request": 0.0000004,
            "cloudrun.instance-based.vcpu-second": 0.000018,
        });
        // n1-standard-4: 4 × $0.036386 + 15 GiB × $0.004877 = $0.218699 a node-hour.
        expect(found["vertex.prediction.n1-standard-4"]!.usd).to.be.closeTo(0.218699, 1e-9);
        expect(usd(parseGcpSkus(sample("gcp-cloudrun-vertex-skus.json"), "asia-southeast2", "s", READ))).to.deep.equal({ "cloudrun.request-based.vcpu-second": 0.0000336 });
    });

    it("Azure Retail Prices: the Linux pay-as-you-go VM price (not Windows, Spot or a reservation), ACR per day, Log Analytics per GB", () => {
        expect(usd(parseAzureRetail(sample("azure-retail-eastus.json"), "eastus", "https://prices.azure.com/api/retail/prices", READ))).to.deep.equal({
            "azureml.managed.Standard_DS3_v2": 0.293,
            "acr.registry-day.Standard": 0.6666,
            "loganalytics.ingest-gb": 2.3,
        });
    });

    it("refuse a body that is not the documented shape, naming the source", () => {
        expect(() => parseAwsOffer({} as never, "aws.json", READ)).to.throw(PriceListError, "aws.json: not an AWS offer file (expected offerCode, products and terms.OnDemand)");
        expect(() => parseGcpSkus({ error: { code: 403 } } as never, "us-central1", "gcp.json", READ)).to.throw(PriceListError, "gcp.json: not a Cloud Billing Catalog skus.list response (expected skus[])");
        expect(() => parseAzureRetail({ items: [] } as never, "eastus", "azure.json", READ)).to.throw(PriceListError, "azure.json: not an Azure Retail Prices API response (expected Items[])");
    });

    it("a refresh replaces what the API gave, keeps (and lists) what it did not, and adds nothing the book does not price", () => {
        const found = { "us-east-1": parseAwsOffer(sample("aws-lambda-us-east-1.json"), "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/us-east-1/index.json", READ) };
        const { prices, lines } = mergeCloud(PRICE_BOOK.aws, found);
        expect(prices["us-east-1"]!["lambda.request"]).to.include({ verified: true, source: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/us-east-1/index.json" });
        expect(prices["us-east-1"]!["sagemaker.realtime.ml.m5.xlarge"]).to.deep.equal(PRICE_BOOK.aws["us-east-1"]!["sagemaker.realtime.ml.m5.xlarge"]);
        expect(Object.keys(prices["us-east-1"]!)).to.deep.equal(Object.keys(PRICE_BOOK.aws["us-east-1"]!));
        expect(prices["eu-west-1"]).to.deep.equal(PRICE_BOOK.aws["eu-west-1"]);
        expect(lines[0]).to.match(/^eu-west-1: 0 refreshed, 9 kept as read before/);
        expect(lines.find((line) => line.startsWith("us-east-1"))).to.match(/^us-east-1: 5 refreshed, \d+ kept as read before \(.*sagemaker\.realtime\.ml\.m5\.xlarge/);
    });

    it("the price modules are what the renderer writes (so a refresh diff shows only figures and dates)", () => {
        for (const cloud of ["aws", "gcp", "azure"] as const) {
            const file = path.join(REPO_ROOT, "policy/lib/cost/prices", `${cloud}.ts`);
            const text = fs.readFileSync(file, "utf8");
            expect(renderPriceModule(cloud, PRICE_BOOK[cloud], headerOf(text)), cloud).to.equal(text);
        }
    });

    it("every figure in the book carries a source address and a read date, and none is zero", () => {
        for (const [cloud, regions] of Object.entries(PRICE_BOOK)) {
            for (const [region, prices] of Object.entries(regions)) {
                for (const [key, price] of Object.entries(prices)) {
                    expect(price.source, `${cloud} ${region} ${key}`).to.match(/^https:\/\/[a-z0-9.-]+\//);
                    expect(price.read, `${cloud} ${region} ${key}`).to.match(/^\d{4}-\d{2}-\d{2}$/);
                    expect(price.usd, `${cloud} ${region} ${key}`).to.be.above(0);
                    if (!price.verified) expect(price.note, `${cloud} ${region} ${key}: an unverified figure says why`).to.be.a("string").and.not.empty;
                }
            }
        }
        expect(readDates()).to.deep.equal({ oldest: "2026-12-02", newest: "2026-12-02" });
    });
});
