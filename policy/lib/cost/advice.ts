import { isExact } from "./amount";
import type { StackEstimate, TargetEstimate, TargetKind } from "./estimate";
import { DAYS_PER_MONTH, TrafficProfile } from "./traffic";

// The break-even between the stack's serverless targets and its always-on ones, and a target recommendation
// that follows the source chapter's selection guide:
//   high frequency and steady traffic        → SageMaker real-time or Vertex AI (always-on instances);
//   low or irregular traffic                  → Lambda or Cloud Run (pay per request, scale to zero);
//   a latency SLO below the cold start        → provisioned capacity (Lambda provisioned concurrency, Cloud Run
//                                                minimum instances; always-on instances have no cold start).

/** Our reading of "high frequency": at least one request a second on average, so a serverless environment is rarely idle. */
export const HIGH_FREQUENCY_RPS = 1;
/** Our reading of "steady": the peak hour's rate at most twice the day's mean rate. */
export const STEADY_PEAK_RATIO = 2;

const SERVERLESS: readonly TargetKind[] = ["lambda", "sagemaker-serverless", "cloudrun"];
const ALWAYS_ON: readonly TargetKind[] = ["sagemaker-realtime", "vertex", "azureml"];

export interface BreakEven {
    readonly serverless: string;
    readonly alwaysOn: string;
    /** Requests a day above which the always-on target's floor costs less than the serverless target; undefined when a price is unknown. */
    readonly requestsPerDay: number | undefined;
}

export interface Recommendation {
    readonly choice: "always-on" | "serverless" | "serverless with provisioned capacity";
    /** The targets the guide points to. */
    readonly targets: string;
    /** One line: why. */
    readonly reason: string;
}

/** Break-even request rates for every pair of a serverless (pay-per-request) and an always-on target in the estimate. */
export function breakEvens(estimate: StackEstimate): BreakEven[] {
    const serverless = estimate.targets.filter((target) => SERVERLESS.includes(target.kind) && target.perRequestUsd !== undefined);
    const alwaysOn = estimate.targets.filter((target) => ALWAYS_ON.includes(target.kind));
    return serverless.flatMap((s) => alwaysOn.map((a) => ({ serverless: s.target, alwaysOn: a.target, requestsPerDay: breakEvenOf(s, a) })));
}

function breakEvenOf(serverless: TargetEstimate, alwaysOn: TargetEstimate): number | undefined {
    const perRequest = serverless.perRequestUsd;
    if (perRequest === undefined || !Number.isFinite(perRequest) || perRequest <= 0 || !isExact(alwaysOn.floor) || !isExact(serverless.floor)) return undefined;
    return Math.max(0, (alwaysOn.floor.usd - serverless.floor.usd) / (perRequest * DAYS_PER_MONTH));
}

/** The target the source's guide recommends for this traffic, with the stack's break-even as evidence. */
export function recommend(traffic: TrafficProfile, estimate?: StackEstimate): Recommendation {
    const meanRps = traffic.requestsPerDay / 86_400;
    const peakRatio = (traffic.peak.share * 24) / traffic.peak.hours;
    const high = meanRps >= HIGH_FREQUENCY_RPS;
    const steady = peakRatio <= STEADY_PEAK_RATIO;
    const coldStartMatters = traffic.latencySloMs < traffic.coldStartMs;
    const rate = `${fmt(traffic.requestsPerDay)} requests/day (${meanRps.toFixed(meanRps < 0.1 ? 3 : 1)}/s on average)`;
    const shape = `peak ${peakRatio.toFixed(1)}× the mean`;
    const cheapest = estimate === undefined ? [] : breakEvens(estimate).filter((pair) => pair.requestsPerDay !== undefined).sort((a, b) => a.requestsPerDay! - b.requestsPerDay!);
    const price = cheapest.length === 0 ? "" : `; on price alone ${cheapest[0]!.serverless} stays cheaper than ${cheapest[0]!.alwaysOn} below ${fmt(cheapest[0]!.requestsPerDay!)} requests/day`;

    if (high && steady) {
        return {
            choice: "always-on",
            targets: "SageMaker real-time or Vertex AI",
            reason: `${rate} is high-frequency and steady (${shape}), so always-on instances fit, with no cold start against the ${traffic.latencySloMs} ms SLO${price}`,
        };
    }
    const why = `${rate} is ${high ? `irregular (${shape})` : "low-frequency"}`;
    if (coldStartMatters) {
        return {
            choice: "serverless with provisioned capacity",
            targets: "Lambda with provisioned concurrency (peak hours) or Cloud Run with minimum instances",
            reason: `${why}, but the ${traffic.latencySloMs} ms SLO is below a ${traffic.coldStartMs} ms cold start, so keep capacity provisioned${price}`,
        };
    }
    return {
        choice: "serverless",
        targets: "Lambda or Cloud Run (scaled to zero)",
        reason: `${why}, and a ${traffic.coldStartMs} ms cold start fits the ${traffic.latencySloMs} ms SLO, so pay per request${price}`,
    };
}

function fmt(value: number): string {
    return Math.round(value).toLocaleString("en-US");
}
