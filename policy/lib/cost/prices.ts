// The price book the cost estimate reads: one data module per cloud (prices/aws.ts, gcp.ts, azure.ts), keyed by
// region, each figure carrying the day it was read and the public page or price-list API it came from.
// Plain data, no network: `npm --prefix policy run refresh-prices` rewrites the modules where it has network.
import { AWS_PRICES } from "./prices/aws";
import { AZURE_PRICES } from "./prices/azure";
import { GCP_PRICES } from "./prices/gcp";

export type Cloud = "aws" | "gcp" | "azure";

/** The unit a price is quoted in. `hour` prices run per instance or node; the rest per unit of usage. */
export type PriceUnit = "hour" | "month" | "day" | "request" | "GB-second" | "vCPU-second" | "GiB-second" | "GB" | "GB-month";

/** One published figure. */
export interface Price {
    /** US dollars per `unit`. */
    readonly usd: number;
    readonly unit: PriceUnit;
    /** Where the figure is published: the cloud's pricing page or price-list API address. */
    readonly source: string;
    /** The day it was read (YYYY-MM-DD). */
    readonly read: string;
    /**
     * `true` when the figure was seen on a public page on `read` (the page is `seenAt` when it is not `source`);
     * `false` when it is the best figure known but was not confirmed that day (what `note` says).
     */
    readonly verified: boolean;
    readonly seenAt?: string;
    readonly note?: string;
}

/** A region's prices, by key (see PRICE_KEYS for the keys the estimator asks for). */
export type RegionPrices = Readonly<Record<string, Price>>;
/** A cloud's prices, by region name as the stack files spell it (`us-east-1`, `us-central1`, `eastus`). */
export type CloudPrices = Readonly<Record<string, RegionPrices>>;

export const PRICE_BOOK: Readonly<Record<Cloud, CloudPrices>> = { aws: AWS_PRICES, gcp: GCP_PRICES, azure: AZURE_PRICES };

/**
 * The keys the estimator asks for. Instance and machine types are appended to their family's prefix:
 * `sagemaker.realtime.ml.m5.xlarge`, `vertex.prediction.n1-standard-4`, `azureml.managed.Standard_DS3_v2`.
 */
export const PRICE_KEYS = {
    sagemakerRealtime: "sagemaker.realtime.",
    sagemakerServerlessGbSecond: "sagemaker.serverless.gb-second",
    /** Data processed in and out of an endpoint, real-time and serverless alike. */
    sagemakerDataProcessedGb: "sagemaker.data-processed-gb",
    lambdaRequest: "lambda.request",
    lambdaGbSecond: "lambda.duration.gb-second.",
    lambdaProvisionedGbSecond: "lambda.provisioned.gb-second.",
    lambdaProvisionedDurationGbSecond: "lambda.provisioned.duration.gb-second.",
    httpApiRequest: "apigateway.http.request",
    cloudwatchLogsIngestGb: "cloudwatch.logs.ingest-gb",
    cloudwatchLogsStoreGbMonth: "cloudwatch.logs.store-gb-month",
    s3StandardGbMonth: "s3.standard.gb-month",
    kmsKeyMonth: "kms.key-month",
    vertexPrediction: "vertex.prediction.",
    cloudRunRequestCpu: "cloudrun.request-based.vcpu-second",
    cloudRunRequestMemory: "cloudrun.request-based.gib-second",
    cloudRunRequest: "cloudrun.request-based.request",
    cloudRunIdleCpu: "cloudrun.request-based.idle-min-instance.vcpu-second",
    cloudRunIdleMemory: "cloudrun.request-based.idle-min-instance.gib-second",
    cloudRunInstanceCpu: "cloudrun.instance-based.vcpu-second",
    cloudRunInstanceMemory: "cloudrun.instance-based.gib-second",
    gcsStandardGbMonth: "gcs.standard.gb-month",
    azureMlManaged: "azureml.managed.",
    acrRegistryDay: "acr.registry-day.",
    logAnalyticsIngestGb: "loganalytics.ingest-gb",
    logAnalyticsRetainGbMonth: "loganalytics.retention-gb-month",
    azureBlobHotGbMonth: "blob.hot.gb-month",
} as const;

/** The vCPUs of the machine types whose CPU-utilisation autoscaling the estimate models (from each cloud's machine-type table). */
export const MACHINE_VCPUS: Readonly<Record<string, number>> = {
    "n1-standard-2": 2, "n1-standard-4": 4, "n1-standard-8": 8, "n1-standard-16": 16, "n1-highcpu-4": 4, "n1-highcpu-8": 8,
    "n1-highmem-2": 2, "n1-highmem-4": 4, "n2-standard-2": 2, "n2-standard-4": 4, "n2-standard-8": 8, "e2-standard-2": 2, "e2-standard-4": 4,
    Standard_DS1_v2: 1, Standard_DS2_v2: 2, Standard_DS3_v2: 4, Standard_DS4_v2: 8, Standard_F2s_v2: 2, Standard_F4s_v2: 4, Standard_F8s_v2: 8, Standard_E2s_v3: 2, Standard_E4s_v3: 4,
};

/** The price under `key` in a cloud's region, or `undefined` when the book has none (the estimate then says "unknown"). */
export function priceOf(cloud: Cloud, region: string, key: string, book: Readonly<Record<Cloud, CloudPrices>> = PRICE_BOOK): Price | undefined {
    return book[cloud][region]?.[key];
}

/** The regions the book has prices for, per cloud (for error messages and the README). */
export function knownRegions(cloud: Cloud, book: Readonly<Record<Cloud, CloudPrices>> = PRICE_BOOK): string[] {
    return Object.keys(book[cloud]).sort();
}

/** The oldest and newest `read` dates in the book. */
export function readDates(book: Readonly<Record<Cloud, CloudPrices>> = PRICE_BOOK): { oldest: string; newest: string } {
    const dates = Object.values(book).flatMap((cloud) => Object.values(cloud).flatMap((region) => Object.values(region).map((price) => price.read))).sort();
    return { oldest: dates[0] ?? "", newest: dates[dates.length - 1] ?? "" };
}
