// The traffic a cost estimate assumes, and its defaults. Defaults follow the source chapter's scenario (its
// exercise 1: an e-commerce recommender at 100,000 requests a day, answers under 100 ms); every other default
// is an assumption stated beside it. The CLI reads a YAML file into this shape; `trafficProfile` validates it.

/** What a traffic file may set. All keys are optional; `requestsPerDay` and `requestsPerMonth` exclude each other. */
export interface TrafficProfile {
    /** Requests a day. Default 100,000 (the source's exercise 1). */
    readonly requestsPerDay: number;
    /** The daily peak: how many hours it lasts and what share of the day's requests fall in it. Default 8 h with 50%. */
    readonly peak: { readonly hours: number; readonly share: number };
    /** Mean time a request spends in the model server, ms. Default 50 (the source's "under 100 ms", halved). */
    readonly meanLatencyMs: number;
    /** The latency objective callers hold the endpoint to, ms. Default 100 (the source's exercise 1). */
    readonly latencySloMs: number;
    /** A cold start (new environment or instance to first answer), ms. Default 1,000: Lambda container images and Cloud Run pull and load the model. */
    readonly coldStartMs: number;
    /** Request and response body sizes, KB. Default 1 each (a row of 10 features as JSON is about 200 bytes). */
    readonly requestSizeKb: number;
    readonly responseSizeKb: number;
    /** Log bytes written per request (server line + access log line), per log stream. Default 500. */
    readonly logBytesPerRequest: number;
    /**
     * Hours a day Lambda provisioned concurrency is configured (a scheduled action removing it off-peak), counted
     * over the peak hours first; floor and expected use it, the ceiling counts the maximum all day. Default 24:
     * the stack's config keeps it all day.
     */
    readonly provisionedConcurrencyHoursPerDay: number;
    /** How long a warm-up invocation runs, ms. Default 100 (it answers from a warm environment). */
    readonly warmupDurationMs: number;
    /** A recurring batch job on one more instance of each instance-based target: hours a month. Default 0 (none). */
    readonly batchJobHoursPerMonth: number;
}

export const DEFAULT_TRAFFIC: TrafficProfile = {
    requestsPerDay: 100_000,
    peak: { hours: 8, share: 0.5 },
    meanLatencyMs: 50,
    latencySloMs: 100,
    coldStartMs: 1000,
    requestSizeKb: 1,
    responseSizeKb: 1,
    logBytesPerRequest: 500,
    provisionedConcurrencyHoursPerDay: 24,
    warmupDurationMs: 100,
    batchJobHoursPerMonth: 0,
};

/** Days in the month the estimate prices: 730 hours, the month AWS, Google Cloud and Azure price calculators use. */
export const HOURS_PER_MONTH = 730;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export class TrafficProfileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "TrafficProfileError";
    }
}

type Bound = { min: number; max?: number; integer?: boolean; exclusiveMin?: boolean };
const NUMBER_KEYS: Record<Exclude<keyof TrafficProfile, "peak">, Bound> = {
    requestsPerDay: { min: 0 },
    meanLatencyMs: { min: 0, exclusiveMin: true, max: 900_000 },
    latencySloMs: { min: 0, exclusiveMin: true },
    coldStartMs: { min: 0 },
    requestSizeKb: { min: 0, max: 10_240 },
    responseSizeKb: { min: 0, max: 10_240 },
    logBytesPerRequest: { min: 0 },
    provisionedConcurrencyHoursPerDay: { min: 0, max: 24 },
    warmupDurationMs: { min: 0, max: 900_000 },
    batchJobHoursPerMonth: { min: 0, max: HOURS_PER_MONTH },
};
const ALLOWED_KEYS = [...Object.keys(NUMBER_KEYS), "requestsPerMonth", "peak"];

/**
 * A validated profile from what a traffic file holds (`source` names the file in errors), defaults filled in.
 * Unknown keys, wrong types and out-of-range values are refused with the key, the value and what is allowed.
 */
export function trafficProfile(raw: unknown, source = "traffic profile"): TrafficProfile {
    if (raw === undefined || raw === null) return DEFAULT_TRAFFIC;
    if (typeof raw !== "object" || Array.isArray(raw)) throw new TrafficProfileError(`${source}: expected a mapping of traffic settings, got ${describe(raw)}`);
    const input = raw as Record<string, unknown>;
    for (const key of Object.keys(input)) {
        if (!ALLOWED_KEYS.includes(key)) throw new TrafficProfileError(`${source}: unknown key "${key}"; allowed keys are ${ALLOWED_KEYS.join(", ")}`);
    }
    const profile: Record<string, unknown> = { ...DEFAULT_TRAFFIC };
    for (const [key, bound] of Object.entries(NUMBER_KEYS)) {
        if (input[key] !== undefined) profile[key] = checkedNumber(source, key, input[key], bound);
    }
    if (input["requestsPerMonth"] !== undefined) {
        if (input["requestsPerDay"] !== undefined) throw new TrafficProfileError(`${source}: set requestsPerDay or requestsPerMonth, not both`);
        profile["requestsPerDay"] = checkedNumber(source, "requestsPerMonth", input["requestsPerMonth"], { min: 0 }) / DAYS_PER_MONTH;
    }
    if (input["peak"] !== undefined) {
        const peak = input["peak"];
        if (typeof peak !== "object" || peak === null || Array.isArray(peak)) throw new TrafficProfileError(`${source}: peak is ${describe(peak)}; expected a mapping with hours and share`);
        for (const key of Object.keys(peak)) {
            if (key !== "hours" && key !== "share") throw new TrafficProfileError(`${source}: unknown key "peak.${key}"; allowed keys are peak.hours, peak.share`);
        }
        const hours = (peak as Record<string, unknown>)["hours"];
        const share = (peak as Record<string, unknown>)["share"];
        profile["peak"] = {
            hours: hours === undefined ? DEFAULT_TRAFFIC.peak.hours : checkedNumber(source, "peak.hours", hours, { min: 0, max: 24, exclusiveMin: true }),
            share: share === undefined ? DEFAULT_TRAFFIC.peak.share : checkedNumber(source, "peak.share", share, { min: 0, max: 1 }),
        };
    }
    const result = profile as unknown as TrafficProfile;
    // A peak of all 24 hours leaves no off-peak hours for the rest of the traffic.
    if (result.peak.hours === 24 && result.peak.share !== 1) throw new TrafficProfileError(`${source}: peak.hours is 24, so peak.share must be 1 (got ${result.peak.share})`);
    return result;
}

function checkedNumber(source: string, key: string, value: unknown, bound: Bound): number {
    const range = `${bound.exclusiveMin ? "greater than" : "at least"} ${bound.min}${bound.max === undefined ? "" : ` and at most ${bound.max}`}`;
    if (typeof value !== "number" || !Number.isFinite(value)) throw new TrafficProfileError(`${source}: ${key} is ${describe(value)}; expected a number ${range}`);
    if (value < bound.min || (bound.exclusiveMin && value === bound.min) || (bound.max !== undefined && value > bound.max)) {
        throw new TrafficProfileError(`${source}: ${key} is ${value}; expected a number ${range}`);
    }
    return value;
}

function describe(value: unknown): string {
    return value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "string" ? JSON.stringify(value) : `${typeof value === "object" ? "a mapping" : String(value)}`;
}

/** Requests a second in the daily peak and outside it. */
export function ratesOf(traffic: TrafficProfile): { peak: number; offPeak: number } {
    const { hours, share } = traffic.peak;
    return {
        peak: (traffic.requestsPerDay * share) / (hours * 3600),
        offPeak: hours === 24 ? 0 : (traffic.requestsPerDay * (1 - share)) / ((24 - hours) * 3600),
    };
}

export function requestsPerMonth(traffic: TrafficProfile): number {
    return traffic.requestsPerDay * DAYS_PER_MONTH;
}
