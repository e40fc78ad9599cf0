import type { CloudPrices, Price, PriceUnit, RegionPrices } from "./prices";
import { PRICE_KEYS } from "./prices";

// Parsers of the clouds' public price-list APIs, for the refresh script (policy/scripts/refresh-prices.ts). Pure:
// each takes a response body as documented and returns the price-book entries it found, keyed like the book.
//   AWS   Price List bulk API offer file: {formatVersion, offerCode, publicationDate, products: {sku: {attributes}},
//         terms: {OnDemand: {sku: {offer: {priceDimensions: {rate: {unit, beginRange, pricePerUnit: {USD}}}}}}}}
//         https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-an-offer.html
//   GCP   Cloud Billing Catalog API services.skus.list: {skus: [{description, category, serviceRegions,
//         pricingInfo: [{pricingExpression: {usageUnit, tieredRates: [{startUsageAmount, unitPrice: {units, nanos}}]}}]}]}
//         https://cloud.google.com/billing/docs/reference/rest/v1/services.skus/list
//   Azure Retail Prices API: {Items: [{armRegionName, armSkuName, serviceName, productName, skuName, meterName,
//         type, unitOfMeasure, retailPrice, tierMinimumUnits}], NextPageLink}
//         https://learn.microsoft.com/en-us/rest/api/cost-management/retail-prices/azure-retail-prices

export class PriceListError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PriceListError";
    }
}

const entry = (usd: number, unit: PriceUnit, source: string, read: string, note: string): Price => ({ usd, unit, source, read, verified: true, note });

// ---------------------------------------------------------------------------------------------------------
// AWS: one offer file per service and region. A product is chosen by its attributes; its on-demand price is the
// dimension starting at 0 (the first tier).

interface AwsOffer {
    readonly offerCode: string;
    readonly publicationDate?: string;
    readonly products: Record<string, { readonly sku: string; readonly attributes: Record<string, string> }>;
    readonly terms: { readonly OnDemand?: Record<string, Record<string, { readonly priceDimensions: Record<string, { readonly unit: string; readonly beginRange?: string; readonly pricePerUnit: { readonly USD?: string } }> }>> };
}

/** Which product of an offer file is which price-book key (usage types carry a region prefix outside us-east-1). */
function awsKeyOf(offerCode: string, attributes: Record<string, string>): { key: string; unit: PriceUnit } | undefined {
    const usage = (attributes["usagetype"] ?? "").replace(/^[A-Z]{2,4}\d?-/, "");
    switch (offerCode) {
        case "AWSLambda": {
            const arch = usage.endsWith("-ARM") ? "arm64" : "x86_64";
            const base = usage.replace(/-ARM$/, "");
            if (base === "Request" || base === "Request-ARM") return { key: PRICE_KEYS.lambdaRequest, unit: "request" };
            if (base === "Lambda-GB-Second") return { key: `${PRICE_KEYS.lambdaGbSecond}${arch}`, unit: "GB-second" };
            if (base === "Lambda-Provisioned-Concurrency") return { key: `${PRICE_KEYS.lambdaProvisionedGbSecond}${arch}`, unit: "GB-second" };
            if (base === "Lambda-Provisioned-GB-Second") return { key: `${PRICE_KEYS.lambdaProvisionedDurationGbSecond}${arch}`, unit: "GB-second" };
            return undefined;
        }
        case "AmazonSageMaker": {
            const hosting = /^Host:(ml\.[a-z0-9.]+)$/.exec(usage);
            if (hosting) return { key: `${PRICE_KEYS.sagemakerRealtime}${hosting[1]}`, unit: "hour" };
            return undefined;
        }
        case "AmazonApiGateway":
            return usage === "ApiGatewayHttpRequest" ? { key: PRICE_KEYS.httpApiRequest, unit: "request" } : undefined;
        default:
            return undefined;
    }
}

/** The price-book entries an AWS offer file holds for the keys the estimate reads. */
export function parseAwsOffer(offer: AwsOffer, source: string, read: string): RegionPrices {
    if (typeof offer?.offerCode !== "string" || typeof offer.products !== "object" || typeof offer.terms?.OnDemand !== "object") {
        throw new PriceListError(`${source}: not an AWS offer file (expected offerCode, products and terms.OnDemand)`);
    }
    const found: Record<string, Price> = {};
    for (const product of Object.values(offer.products)) {
        const target = awsKeyOf(offer.offerCode, product.attributes ?? {});
        if (target === undefined) continue;
        for (const term of Object.values(offer.terms.OnDemand[product.sku] ?? {})) {
            const dimension = Object.values(term.priceDimensions).find((d) => (d.beginRange ?? "0") === "0");
            const usd = Number(dimension?.pricePerUnit.USD);
            if (dimension === undefined || !Number.isFinite(usd)) continue;
            found[target.key] = entry(usd, target.unit, source, read, `${offer.offerCode} ${product.attributes["usagetype"]} (${dimension.unit}), offer published ${offer.publicationDate ?? "?"}`);
        }
    }
    return found;
}

// ---------------------------------------------------------------------------------------------------------
// GCP: SKUs by description and region. Vertex AI prediction bills a machine as its vCPUs and GiB of RAM, each
// its own SKU, so a node-hour is vCPUs × core price + RAM × memory price.

interface GcpSkus {
    readonly skus: readonly {
        readonly description: string;
        readonly serviceRegions: readonly string[];
        readonly category?: { readonly usageType?: string };
        readonly pricingInfo: readonly { readonly pricingExpression: { readonly usageUnit: string; readonly tieredRates: readonly { readonly startUsageAmount: number; readonly unitPrice: { readonly units?: string; readonly nanos?: number } }[] } }[];
    }[];
}

/** Cloud Run SKU descriptions (request-based "CPU Allocation Time", instance-based "… (always-on CPU)"). */
const CLOUD_RUN_SKUS: [RegExp, string, PriceUnit][] = [
    [/^CPU Allocation Time( \(tier 1\))?$/i, PRICE_KEYS.cloudRunRequestCpu, "vCPU-second"],
    [/^Memory Allocation Time( \(tier 1\))?$/i, PRICE_KEYS.cloudRunRequestMemory, "GiB-second"],
    [/^Requests$/i, PRICE_KEYS.cloudRunRequest, "request"],
    [/^Idle Min-Instance CPU Allocation Time( \(tier 1\))?$/i, PRICE_KEYS.cloudRunIdleCpu, "vCPU-second"],
    [/^Idle Min-Instance Memory Allocation Time( \(tier 1\))?$/i, PRICE_KEYS.cloudRunIdleMemory, "GiB-second"],
    [/^CPU Allocation Time \(always-on CPU\)( \(tier 1\))?$/i, PRICE_KEYS.cloudRunInstanceCpu, "vCPU-second"],
    [/^Memory Allocation Time \(always-on CPU\)( \(tier 1\))?$/i, PRICE_KEYS.cloudRunInstanceMemory, "GiB-second"],
];

/** Vertex AI prediction machine shapes (vCPUs, GiB), from the machine-type table of "Configure compute resources for inference". */
export const VERTEX_MACHINES: Readonly<Record<string, { vcpus: number; memoryGib: number }>> = {
    "n1-standard-2": { vcpus: 2, memoryGib: 7.5 },
    "n1-standard-4": { vcpus: 4, memoryGib: 15 },
    "n1-standard-8": { vcpus: 8, memoryGib: 30 },
};

/** The first tier with a price (a tier at $0 is the free tier), in USD. */
function gcpUnitPrice(sku: GcpSkus["skus"][number]): number | undefined {
    const rates = sku.pricingInfo[0]?.pricingExpression.tieredRates ?? [];
    for (const rate of rates) {
        const usd = Number(rate.unitPrice.units ?? "0") + (rate.unitPrice.nanos ?? 0) / 1e9;
        if (usd > 0) return usd;
    }
    return undefined;
}

/** The price-book entries a Cloud Billing Catalog `skus.list` response holds for `region`. */
export function parseGcpSkus(response: GcpSkus, region: string, source: string, read: string): RegionPrices {
    if (!Array.isArray(response?.skus)) throw new PriceListError(`${source}: not a Cloud Billing Catalog skus.list response (expected skus[])`);
    const inRegion = response.skus.filter((sku) => sku.serviceRegions.includes(region) && (sku.category?.usageType ?? "OnDemand") === "OnDemand");
    const found: Record<string, Price> = {};
    for (const sku of inRegion) {
        const match = CLOUD_RUN_SKUS.find(([pattern]) => pattern.test(sku.description));
        const usd = gcpUnitPrice(sku);
        if (match !== undefined && usd !== undefined) found[match[1]] = entry(usd, match[2], source, read, `SKU "${sku.description}" (${sku.pricingInfo[0]!.pricingExpression.usageUnit}), first paid tier`);
    }
    const vertex = (part: "Core" | "Ram") => inRegion.find((sku) => new RegExp(`Prediction N1 Predefined Instance ${part}`, "i").test(sku.description));
    const core = vertex("Core");
    const ram = vertex("Ram");
    const corePrice = core && gcpUnitPrice(core);
    const ramPrice = ram && gcpUnitPrice(ram);
    if (corePrice !== undefined && ramPrice !== undefined) {
        for (const [machine, shape] of Object.entries(VERTEX_MACHINES)) {
            found[`${PRICE_KEYS.vertexPrediction}${machine}`] = entry(shape.vcpus * corePrice + shape.memoryGib * ramPrice, "hour", source, read,
                `${shape.vcpus} × "${core!.description}" + ${shape.memoryGib} GiB × "${ram!.description}"`);
        }
    }
    return found;
}

// ---------------------------------------------------------------------------------------------------------
// Azure: one Retail Prices API page per filter. Linux pay-as-you-go VM prices (not Windows, Spot or Low Priority)
// are what a managed online deployment bills per instance; registries per day; Log Analytics per GB.

interface AzureRetail {
    readonly Items: readonly { readonly armRegionName: string; readonly armSkuName: string; readonly serviceName: string; readonly productName: string; readonly skuName: string; readonly meterName: string; readonly type: string; readonly unitOfMeasure: string; readonly retailPrice: number; readonly tierMinimumUnits?: number }[];
}

/** The price-book entries a Retail Prices API response holds for `region`. */
export function parseAzureRetail(response: AzureRetail, region: string, source: string, read: string): RegionPrices {
    if (!Array.isArray(response?.Items)) throw new PriceListError(`${source}: not an Azure Retail Prices API response (expected Items[])`);
    const found: Record<string, Price> = {};
    const items = response.Items.filter((item) => item.armRegionName === region && item.type === "Consumption" && (item.tierMinimumUnits ?? 0) === 0);
    for (const item of items) {
        const note = `${item.serviceName} / ${item.productName} / ${item.meterName} (${item.unitOfMeasure})`;
        if (item.serviceName === "Virtual Machines" && item.unitOfMeasure === "1 Hour" && !/Windows/.test(item.productName) && !/Spot|Low Priority/.test(item.skuName)) {
            found[`${PRICE_KEYS.azureMlManaged}${item.armSkuName}`] = entry(item.retailPrice, "hour", source, read, note);
        } else if (item.serviceName === "Container Registry" && item.unitOfMeasure === "1/Day") {
            const sku = /^(Basic|Standard|Premium) Registry Unit$/.exec(item.meterName)?.[1];
            if (sku) found[`${PRICE_KEYS.acrRegistryDay}${sku}`] = entry(item.retailPrice, "day", source, read, note);
        } else if (item.serviceName === "Log Analytics" && item.unitOfMeasure === "1 GB" && /^(Pay-as-you-go|Analytics Logs) Data Ingestion$/.test(item.meterName)) {
            found[PRICE_KEYS.logAnalyticsIngestGb] = entry(item.retailPrice, "GB", source, read, note);
        }
    }
    return found;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * A region's prices after a refresh: each key the book has takes the figure the API gave, if it gave one; the others
 * stay as read before (and are listed), so a figure the API no longer matches never silently disappears or becomes 0.
 * Keys the API gave that the book does not have are left out: the estimator reads only the book's keys.
 */
export function mergeRefreshed(existing: RegionPrices, found: RegionPrices): { prices: RegionPrices; refreshed: string[]; kept: string[] } {
    const keys = Object.keys(existing);
    return {
        prices: Object.fromEntries(keys.map((key) => [key, found[key] ?? existing[key]!])),
        refreshed: keys.filter((key) => found[key] !== undefined),
        kept: keys.filter((key) => found[key] === undefined),
    };
}

/** `mergeRefreshed` over every region of a cloud; a region missing from `found` keeps all its figures. */
export function mergeCloud(existing: CloudPrices, found: Readonly<Record<string, RegionPrices>>): { prices: CloudPrices; lines: string[] } {
    const prices: Record<string, RegionPrices> = {};
    const lines: string[] = [];
    for (const [region, before] of Object.entries(existing)) {
        const merged = mergeRefreshed(before, found[region] ?? {});
        prices[region] = merged.prices;
        lines.push(`${region}: ${merged.refreshed.length} refreshed, ${merged.kept.length} kept as read before${merged.kept.length ? ` (${merged.kept.join(", ")})` : ""}`);
    }
    return { prices, lines };
}
