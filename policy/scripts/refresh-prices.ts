// `npm --prefix policy run refresh-prices`: rereads the price book (lib/cost/prices/<cloud>.ts) from the clouds'
// public price-list APIs and rewrites the modules: every figure it finds gets today's date, the API address and
// `verified: true`; figures it does not find are kept as they were (and listed), so nothing silently becomes zero.
//
// NEEDS NETWORK, so it has never run in this repository's CI or workspace; its parsers (lib/cost/price-lists.ts)
// are tested on saved responses (test/fixtures/price-lists/). GCP's Catalog API needs an API key: GCP_BILLING_API_KEY.
//   AWS   https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.json (no auth)
//   GCP   https://cloudbilling.googleapis.com/v1/services/<service id>/skus?key=…&currencyCode=USD (API key)
//   Azure https://prices.azure.com/api/retail/prices?$filter=… (no auth)
import * as fs from "node:fs";
import * as path from "node:path";
import { mergeCloud, parseAwsOffer, parseAzureRetail, parseGcpSkus } from "../lib/cost/price-lists";
import { Price, PRICE_BOOK } from "../lib/cost/prices";
import { headerOf, renderPriceModule } from "../lib/cost/render";

const today = new Date().toISOString().slice(0, 10);
const AWS_OFFERS = ["AWSLambda", "AmazonSageMaker", "AmazonApiGateway"];
// Service ids as `GET https://cloudbilling.googleapis.com/v1/services` lists them (Cloud Run, Vertex AI).
const GCP_SERVICES = ["152E-C115-5142", "C7E2-9256-1C43"];

async function getJson(url: string): Promise<unknown> {
    const response = await fetch(url, { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`GET ${url.replace(/key=[^&]+/, "key=…")}: HTTP ${response.status}`);
    return response.json();
}

async function refreshAws(region: string): Promise<Record<string, Price>> {
    const found: Record<string, Price> = {};
    for (const offer of AWS_OFFERS) {
        const url = `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${offer}/current/${region}/index.json`;
        Object.assign(found, parseAwsOffer(await getJson(url) as Parameters<typeof parseAwsOffer>[0], url, today));
    }
    return found;
}

async function refreshGcp(region: string): Promise<Record<string, Price>> {
    const key = process.env["GCP_BILLING_API_KEY"];
    if (!key) throw new Error("GCP_BILLING_API_KEY is not set (the Cloud Billing Catalog API needs an API key)");
    const found: Record<string, Price> = {};
    for (const service of GCP_SERVICES) {
        const base = `https://cloudbilling.googleapis.com/v1/services/${service}/skus`;
        const skus: unknown[] = [];
        let pageToken = "";
        do {
            const page = await getJson(`${base}?currencyCode=USD&pageSize=5000&key=${key}${pageToken ? `&pageToken=${pageToken}` : ""}`) as { skus?: unknown[]; nextPageToken?: string };
            skus.push(...(page.skus ?? []));
            pageToken = page.nextPageToken ?? "";
        } while (pageToken);
        Object.assign(found, parseGcpSkus({ skus } as Parameters<typeof parseGcpSkus>[0], region, base, today));
    }
    return found;
}

async function refreshAzure(region: string, skus: readonly string[]): Promise<Record<string, Price>> {
    const filters = [
        `serviceName eq 'Virtual Machines' and armRegionName eq '${region}' and priceType eq 'Consumption' and (${skus.map((sku) => `armSkuName eq '${sku}'`).join(" or ")})`,
        `serviceName eq 'Container Registry' and armRegionName eq '${region}'`,
        `serviceName eq 'Log Analytics' and armRegionName eq '${region}'`,
    ];
    const found: Record<string, Price> = {};
    for (const filter of filters) {
        let url: string | null = `https://prices.azure.com/api/retail/prices?$filter=${encodeURIComponent(filter)}`;
        while (url) {
            const page = await getJson(url) as { Items: never[]; NextPageLink: string | null };
            Object.assign(found, parseAzureRetail(page, region, "https://prices.azure.com/api/retail/prices", today));
            url = page.NextPageLink;
        }
    }
    return found;
}

async function main(): Promise<void> {
    for (const cloud of ["aws", "gcp", "azure"] as const) {
        const found: Record<string, Record<string, Price>> = {};
        for (const [region, existing] of Object.entries(PRICE_BOOK[cloud])) {
            const vmSkus = Object.keys(existing).filter((key) => key.startsWith("azureml.managed.")).map((key) => key.slice("azureml.managed.".length));
            try {
                found[region] = cloud === "aws" ? await refreshAws(region) : cloud === "gcp" ? await refreshGcp(region) : await refreshAzure(region, vmSkus.length > 0 ? vmSkus : ["Standard_DS3_v2"]);
            } catch (error) {
                console.error(`${cloud} ${region}: ${(error as Error).message}; keeping its figures as they are`);
            }
        }
        const { prices, lines } = mergeCloud(PRICE_BOOK[cloud], found);
        for (const line of lines) console.log(`${cloud} ${line}`);
        const file = path.join(__dirname, "..", "lib", "cost", "prices", `${cloud}.ts`);
        fs.writeFileSync(file, renderPriceModule(cloud, prices, headerOf(fs.readFileSync(file, "utf8"))));
    }
}

main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
});
