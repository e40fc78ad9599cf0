/** Stack outputs, from `pulumi stack output --json --show-secrets` or from a JSON file of the same shape. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { SmokeFailure } from "./http";

export interface OutputSource {
    readonly stack: string;
    /** A JSON file holding what `pulumi stack output --json` prints; skips the CLI. */
    readonly file?: string;
    /** The Pulumi CLI to run (tests point it elsewhere). Default `pulumi`. */
    readonly pulumi?: string;
    /** Passed to the CLI as `--cwd` (the project directory). */
    readonly cwd?: string;
}

export function readStackOutputs(source: OutputSource): Record<string, unknown> {
    if (source.file) return parseOutputs(readText(source.file), source.file);
    const pulumi = source.pulumi ?? "pulumi";
    const args = ["stack", "output", "--json", "--show-secrets", "--stack", source.stack, ...(source.cwd ? ["--cwd", source.cwd] : [])];
    const run = spawnSync(pulumi, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024, env: process.env });
    if (run.error) {
        const code = (run.error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
            throw new SmokeFailure(`the Pulumi CLI ("${pulumi}") is not on PATH: install it (https://www.pulumi.com/docs/install/) or pass --outputs FILE`);
        }
        throw new SmokeFailure(`cannot run ${pulumi}: ${run.error.message}`);
    }
    if (run.status !== 0) {
        throw new SmokeFailure(`\`${pulumi} ${args.join(" ")}\` exited ${run.status}: ${(run.stderr || run.stdout).trim().split("\n").slice(-3).join(" | ")}`);
    }
    return parseOutputs(run.stdout, `the outputs of stack "${source.stack}"`);
}

function readText(file: string): string {
    try {
        return readFileSync(file, "utf8");
    } catch (err) {
        throw new SmokeFailure(`cannot read --outputs ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
}

function parseOutputs(text: string, origin: string): Record<string, unknown> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        throw new SmokeFailure(`${origin} is not JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new SmokeFailure(`${origin} must be a JSON object of stack outputs`);
    return parsed as Record<string, unknown>;
}
