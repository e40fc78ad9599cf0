/** Runs one prediction per target found in the stack outputs, checks each answer, and renders the table. */
import { excerpt, predictionRequest, shapeProblem } from "./contract";
import { SmokeFailure } from "./http";
import type { SmokeAuth } from "./auth";
import { SMOKE_TARGETS } from "./targets";

export interface SmokeOptions {
    readonly auth: SmokeAuth;
    /** A prediction slower than this fails the target (ms). */
    readonly latencyBudgetMs: number;
    /** Abort a request after this long (ms). */
    readonly timeoutMs: number;
    /** Check only these targets; each must be in the outputs. Default: every target in the outputs. */
    readonly only?: readonly string[];
}

export interface SmokeResult {
    readonly target: string;
    readonly ok: boolean;
    /** The HTTP status, when an answer came back. */
    readonly httpStatus?: number;
    /** The prediction's round trip (auth excluded), when a request was sent. */
    readonly latencyMs?: number;
    readonly detail: string;
}

/** Stack outputs that are not target objects (plain exports) are not smoke-tested. */
export function targetsIn(outputs: Record<string, unknown>): string[] {
    return Object.keys(outputs).filter((key) => SMOKE_TARGETS.has(key));
}

export async function runSmoke(outputs: Record<string, unknown>, options: SmokeOptions): Promise<SmokeResult[]> {
    const present = targetsIn(outputs);
    const chosen = options.only ?? present;
    if (chosen.length === 0) {
        const known = [...SMOKE_TARGETS.keys()].join(", ");
        throw new SmokeFailure(`the stack outputs hold no target (keys: ${Object.keys(outputs).join(", ") || "none"}; targets: ${known})`);
    }
    // In parallel: each target's latency is its own round trip, and the whole run takes the slowest one.
    return Promise.all(chosen.map((name) => smokeOne(name, outputs[name], options)));
}

async function smokeOne(name: string, targetOutputs: unknown, options: SmokeOptions): Promise<SmokeResult> {
    const target = SMOKE_TARGETS.get(name);
    if (!target) return { target: name, ok: false, detail: `unknown target; known: ${[...SMOKE_TARGETS.keys()].join(", ")}` };
    if (targetOutputs === undefined) return { target: name, ok: false, detail: "not in the stack outputs (is it in ml-endpoints:targets?)" };
    const requestBody = JSON.stringify(predictionRequest());
    let latencyMs: number | undefined;
    let httpStatus: number | undefined;
    try {
        const call = await target.prepare(targetOutputs, { auth: options.auth, timeoutMs: options.timeoutMs, requestBody });
        const started = performance.now();
        const answer = await call.send();
        latencyMs = Math.round(performance.now() - started);
        httpStatus = answer.status;
        if (answer.status < 200 || answer.status > 299) throw new SmokeFailure(`HTTP ${answer.status} from ${call.url}: ${excerpt(answer.text)}`);
        let body: unknown;
        try {
            body = JSON.parse(answer.text);
        } catch {
            throw new SmokeFailure(`answer is not JSON: ${excerpt(answer.text)}`);
        }
        const problem = shapeProblem(body, call.expectations) ?? call.check?.(body as Record<string, unknown>) ?? (await call.verify?.());
        if (problem) throw new SmokeFailure(problem);
        if (latencyMs > options.latencyBudgetMs) throw new SmokeFailure(`${latencyMs} ms is over the ${options.latencyBudgetMs} ms latency budget`);
        const answerObject = body as { predictions: unknown[]; model_version?: unknown };
        const version = answerObject.model_version === undefined ? "" : ` (model_version ${String(answerObject.model_version)})`;
        return { target: name, ok: true, httpStatus, latencyMs, detail: `predicted ${JSON.stringify(answerObject.predictions[0])}${version}` };
    } catch (err) {
        const detail = err instanceof SmokeFailure ? err.message : `unexpected ${(err as Error).name}: ${(err as Error).message}`;
        return { target: name, ok: false, ...(httpStatus !== undefined ? { httpStatus } : {}), ...(latencyMs !== undefined ? { latencyMs } : {}), detail };
    }
}

/** A fixed-width table: target, status, latency ms, detail. */
export function formatTable(results: readonly SmokeResult[]): string {
    const rows = [
        ["target", "status", "latency ms", "detail"],
        ...results.map((r) => [r.target, r.ok ? "PASS" : "FAIL", r.latencyMs === undefined ? "-" : String(r.latencyMs), r.detail]),
    ];
    const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
    const line = (row: string[]) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join("  ").trimEnd();
    return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  ") + "  ------", ...rows.slice(1).map(line)].join("\n");
}
