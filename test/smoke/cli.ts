/**
 * `npm run smoke -- --stack <name> [--outputs FILE] [--target NAME]... [--latency-budget-ms N] [--timeout-ms N]`
 *
 * Sends one real prediction to every target deployed by the stack, each with its own auth, checks the answer's
 * shape and latency, prints a table, and exits 1 if any target failed (2 on bad usage or unreadable outputs).
 */
import { parseArgs } from "node:util";
import { defaultAuth } from "./auth";
import { SmokeFailure } from "./http";
import { readStackOutputs } from "./outputs";
import { formatTable, runSmoke } from "./run";

const USAGE = "usage: npm run smoke -- --stack <name> [--outputs FILE] [--target NAME]... [--latency-budget-ms N] [--timeout-ms N] [--cwd DIR]";

function positive(name: string, raw: string | undefined, fallback: number): number {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) throw new SmokeFailure(`--${name} must be a positive integer of milliseconds, got "${raw}"`);
    return value;
}

export async function main(argv: string[]): Promise<number> {
    let options;
    try {
        const { values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                outputs: { type: "string" },
                target: { type: "string", multiple: true },
                "latency-budget-ms": { type: "string" },
                "timeout-ms": { type: "string" },
                cwd: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
        });
        if (values.help) {
            process.stdout.write(`${USAGE}\n`);
            return 0;
        }
        if (!values.stack) throw new SmokeFailure("--stack is required");
        options = {
            stack: values.stack,
            outputs: readStackOutputs({ stack: values.stack, ...(values.outputs ? { file: values.outputs } : {}), ...(values.cwd ? { cwd: values.cwd } : {}) }),
            latencyBudgetMs: positive("latency-budget-ms", values["latency-budget-ms"], 10_000),
            timeoutMs: positive("timeout-ms", values["timeout-ms"], 60_000),
            ...(values.target ? { only: values.target } : {}),
        };
    } catch (err) {
        process.stderr.write(`smoke: ${(err as Error).message}\n${USAGE}\n`);
        return 2;
    }
    let results;
    try {
        results = await runSmoke(options.outputs, { auth: defaultAuth(), ...options });
    } catch (err) {
        process.stderr.write(`smoke: ${(err as Error).message}\n`);
        return 2;
    }
    process.stdout.write(`smoke test of stack "${options.stack}" (latency budget ${options.latencyBudgetMs} ms)\n${formatTable(results)}\n`);
    const failed = results.filter((result) => !result.ok);
    for (const failure of failed) process.stderr.write(`smoke: ${failure.target} failed: ${failure.detail}\n`);
    process.stdout.write(failed.length === 0 ? `all ${results.length} targets passed\n` : `${failed.length} of ${results.length} targets failed\n`);
    return failed.length === 0 ? 0 : 1;
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
