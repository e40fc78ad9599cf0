// What `npm run cost` prints: per target floor, ceiling and expected, the stack's total, the break-even and the
// recommendation; with `--against`, the change per target. Plain text for a terminal, Markdown for a PR summary.
import { Amount, difference, formatAmount } from "../../../policy/lib/cost/amount";
import type { BreakEven, Recommendation } from "../../../policy/lib/cost/advice";
import type { CostLine, StackEstimate, TargetEstimate } from "../../../policy/lib/cost/estimate";
import type { TrafficProfile } from "../../../policy/lib/cost/traffic";

export interface CostReport {
    readonly stack: string;
    readonly configFile: string;
    readonly traffic: TrafficProfile;
    readonly pricesRead: string;
    readonly estimate: StackEstimate;
    readonly breakEvens: readonly BreakEven[];
    readonly recommendation: Recommendation;
    /** With `--against`: the base side's label and estimate. */
    readonly base?: { readonly label: string; readonly estimate: StackEstimate };
}

export function formatTraffic(traffic: TrafficProfile): string {
    return `${Math.round(traffic.requestsPerDay).toLocaleString("en-US")} requests/day, peak ${traffic.peak.hours} h with ${Math.round(traffic.peak.share * 100)}%, `
        + `mean latency ${traffic.meanLatencyMs} ms, SLO ${traffic.latencySloMs} ms, cold start ${traffic.coldStartMs} ms, request ${traffic.requestSizeKb} KB`
        + (traffic.batchJobHoursPerMonth > 0 ? `, batch job ${traffic.batchJobHoursPerMonth} h/month` : "");
}

function table(rows: string[][]): string {
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    return rows.map((row) => row.map((cell, column) => column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)).join("  ").trimEnd()).join("\n");
}

function where(target: TargetEstimate): string {
    return `${target.kind} ${target.cloud ?? "?"} ${target.region ?? "?"}`;
}

/** The terminal report; `lines` adds each target's priced quantities. */
export function formatReport(report: CostReport, options: { lines?: boolean } = {}): string {
    const { estimate } = report;
    const out: string[] = [];
    out.push(`Monthly cost, stack ${report.stack} (${report.configFile}): USD, 730 h month, list prices read ${report.pricesRead}, no free tier`);
    out.push(`Traffic: ${formatTraffic(report.traffic)}`, "");
    const rows = [["target", "where", "floor", "ceiling", "expected"]];
    for (const target of estimate.targets) rows.push([target.target, where(target), formatAmount(target.floor), formatAmount(target.ceiling), formatAmount(target.expected)]);
    rows.push([`stack ${report.stack}`, "", formatAmount(estimate.floor), formatAmount(estimate.ceiling), formatAmount(estimate.expected)]);
    out.push(table(rows));
    if (options.lines) {
        for (const target of estimate.targets) {
            out.push("", `${target.target}:`);
            for (const line of target.lines) out.push(`  ${formatLine(line)}`);
        }
    }
    const notes = estimate.targets.flatMap((target) => target.notes.map((note) => `  ${target.target}: ${note}`));
    if (notes.length > 0) out.push("", "Notes:", ...notes);
    if (report.base !== undefined) out.push("", `Change against ${report.base.label}:`, table(diffRows(report.base.estimate, estimate)));
    out.push("", "Break-even, serverless vs always-on (requests/day above which the always-on floor is cheaper):");
    if (report.breakEvens.length === 0) out.push("  (the plan has no serverless and always-on pair)");
    for (const pair of report.breakEvens) out.push(`  ${pair.serverless} vs ${pair.alwaysOn}: ${pair.requestsPerDay === undefined ? "unknown (a price is unknown)" : Math.round(pair.requestsPerDay).toLocaleString("en-US")}`);
    out.push("", `Recommendation: ${report.recommendation.targets}: ${report.recommendation.reason}.`);
    const used = new Map(estimate.targets.flatMap((target) => target.lines.filter((line) => line.price !== undefined).map((line) => [line.priceKey, line.price!] as const)));
    const unverified = [...used.values()].filter((price) => !price.verified).length;
    out.push("", `Prices: ${used.size} figures used, ${unverified} of them not confirmed on the cloud's page on their read date (each says why in policy/lib/cost/prices/); \`--lines\` shows every quantity and price.`);
    return out.join("\n");
}

function formatLine(line: CostLine): string {
    const quantity = Number.isFinite(line.quantity.expected) ? line.quantity.expected.toLocaleString("en-US", { maximumFractionDigits: 2 }) : String(line.quantity.expected);
    const price = line.price === undefined ? `${line.priceKey}: no price` : `× $${line.price.usd < 0.001 ? line.price.usd.toFixed(10).replace(/0+$/, "") : line.price.usd} /${line.price.unit}${line.price.verified ? "" : " (unverified)"}`;
    return `${line.what}: ${quantity} ${price} = ${formatAmount(line.expected)} expected (floor ${formatAmount(line.floor)}, ceiling ${formatAmount(line.ceiling)})`;
}

/** Per target (either side) and for the stack: base, head and the change of the floor and the expected cost. */
export function diffRows(base: StackEstimate, head: StackEstimate): string[][] {
    const names = [...new Set([...base.targets.map((t) => t.target), ...head.targets.map((t) => t.target)])];
    const none: Amount = { usd: 0, unknown: [], unbounded: [] };
    const rows = [["target", "floor before", "floor after", "Δ floor", "expected before", "expected after", "Δ expected"]];
    const row = (name: string, before: { floor: Amount; expected: Amount } | undefined, after: { floor: Amount; expected: Amount } | undefined) => {
        const b = before ?? { floor: none, expected: none };
        const a = after ?? { floor: none, expected: none };
        rows.push([name, before ? formatAmount(b.floor) : "—", after ? formatAmount(a.floor) : "—", signed(difference(b.floor, a.floor)), before ? formatAmount(b.expected) : "—", after ? formatAmount(a.expected) : "—", signed(difference(b.expected, a.expected))]);
    };
    for (const name of names) row(name, base.targets.find((t) => t.target === name), head.targets.find((t) => t.target === name));
    row("stack", base, head);
    return rows;
}

function signed(amount: Amount): string {
    const text = formatAmount({ ...amount, usd: Math.abs(amount.usd) });
    return amount.usd < 0 ? `-${text}` : `+${text}`;
}

/** A Markdown section for $GITHUB_STEP_SUMMARY: the stack's costs and, with a base, the change. */
export function formatMarkdown(report: CostReport): string {
    const out = [`### Cost: stack \`${report.stack}\``, "", `Traffic: ${formatTraffic(report.traffic)}. List prices read ${report.pricesRead}.`, ""];
    const md = (rows: string[][]) => [`| ${rows[0]!.join(" | ")} |`, `|${rows[0]!.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`, ...rows.slice(1).map((row) => `| ${row.join(" | ")} |`)];
    const rows = [["target", "floor", "ceiling", "expected"], ...report.estimate.targets.map((t) => [t.target, formatAmount(t.floor), formatAmount(t.ceiling), formatAmount(t.expected)]), ["**stack**", formatAmount(report.estimate.floor), formatAmount(report.estimate.ceiling), formatAmount(report.estimate.expected)]];
    out.push(...md(rows));
    if (report.base !== undefined) out.push("", `Change against ${report.base.label}:`, "", ...md(diffRows(report.base.estimate, report.estimate)));
    out.push("", `Recommendation: ${report.recommendation.targets}: ${report.recommendation.reason}.`, "");
    return out.join("\n");
}
