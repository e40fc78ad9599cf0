// Runs the COMPILED program (dist/) exactly as the Pulumi CLI's nodejs language host does, against the stand-in engine.
//
// What the CLI does, checked against pulumi/pulumi:
// - pkg/engine/project.go getPwdMain: with `main: dist/index.js` the program directory is <root>/dist and the
//   entry point `index.js`;
// - sdk/nodejs/cmd/pulumi-language-nodejs/main.go constructArguments: `<@pulumi/pulumi/cmd/run> --monitor A
//   --engine A [--sync D] --organization O --project P --root-directory R --stack S --pwd <program dir>
//   [--dry-run] --parallel N <entry point>`, after the `nodeargs` runtime option split like a shell would
//   (execRuntime); the process runs in the program directory (`cmd.Dir = programDir`);
// - constructConfig: PULUMI_CONFIG is a JSON map of `<namespace>:config:<key>` to string values, structured
//   values as JSON text.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { DEFAULT_ORGANIZATION, PROJECT, REPO_ROOT, StackFileConfig } from "../harness/run-program";
import { LoggedMessage, Registration, StandInEngine } from "./stand-in-engine";

export const PROGRAM_DIR = path.join(REPO_ROOT, "dist");
const CMD_RUN = require.resolve("@pulumi/pulumi/cmd/run", { paths: [PROGRAM_DIR] });

export interface CliRun {
    /** cmd/run's exit code: 0, or 32 for a program error it has already reported. */
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly registrations: Registration[];
    readonly logs: LoggedMessage[];
    readonly elapsedMs: number;
}

/** The `nodeargs` runtime option of Pulumi.yaml, split on whitespace (none of ours is quoted). */
export function projectNodeArgs(): string[] {
    const project = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { runtime?: { options?: { nodeargs?: string } } };
    return (project.runtime?.options?.nodeargs ?? "").split(/\s+/).filter((arg) => arg !== "");
}

/** A stack file's config as PULUMI_CONFIG carries it. */
export function pulumiConfigOf(config: StackFileConfig): string {
    return JSON.stringify(Object.fromEntries(Object.entries(config).map(([key, value]) => {
        const at = key.indexOf(":");
        return [`${key.slice(0, at)}:config:${key.slice(at + 1)}`, typeof value === "string" ? value : JSON.stringify(value)];
    })));
}

/** True when `output` is missing or older than a `.ts` file under `sources` (files or folders, node_modules and bin skipped). */
function isStale(output: string, sources: readonly string[]): boolean {
    if (!fs.existsSync(output)) return true;
    const builtAt = fs.statSync(output).mtimeMs;
    const files = sources.flatMap((source) => fs.statSync(source).isDirectory()
        ? fs.readdirSync(source, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts") && !/(^|\/)(node_modules|bin)\//.test(file)).map((file) => path.join(source, file))
        : [source]);
    return files.some((file) => fs.statSync(file).mtimeMs > builtAt);
}

/** Runs `tsc -p <tsconfig>` in `dir` (what `npm ci` runs as `prepare`) when `output` is older than a source. */
export function ensureCompiled(dir: string, tsconfig: string, output: string, sources: readonly string[]): void {
    if (!isStale(path.join(dir, output), sources.map((source) => path.join(dir, source)))) return;
    const tsc = require.resolve("typescript/bin/tsc", { paths: [dir] });
    const result = spawnSync(process.execPath, [tsc, "-p", tsconfig], { cwd: dir, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`tsc -p ${tsconfig} in ${dir} failed:\n${result.stdout}${result.stderr}`);
}

/** Compiles the program into dist/ when a source is newer than the build. */
export function ensureBuilt(): void {
    ensureCompiled(REPO_ROOT, "tsconfig.build.json", "dist/index.js", ["index.ts", "components"]);
}

/**
 * Runs the compiled program for `stack` as `pulumi preview` does. `wrapper` prefixes the command
 * (e.g. `/usr/bin/time -f %M` to read peak memory); `nodeArgs` replaces Pulumi.yaml's.
 */
export async function runUnderCli(stack: string, config: StackFileConfig, options: { organization?: string; nodeArgs?: string[]; wrapper?: string[] } = {}): Promise<CliRun> {
    const engine = new StandInEngine(stack, PROJECT);
    const address = await engine.start();
    const args = [
        ...(options.nodeArgs ?? projectNodeArgs()), CMD_RUN,
        "--monitor", address, "--engine", address,
        "--organization", options.organization ?? DEFAULT_ORGANIZATION, "--project", PROJECT,
        "--root-directory", REPO_ROOT, "--stack", stack, "--pwd", PROGRAM_DIR,
        "--dry-run", "--parallel", "16", "index.js",
    ];
    const [command, ...rest] = [...(options.wrapper ?? []), process.execPath, ...args];
    const started = process.hrtime.bigint();
    try {
        const child = spawn(command!, rest, {
            cwd: PROGRAM_DIR,
            env: { ...process.env, PULUMI_CONFIG: pulumiConfigOf(config), PULUMI_CONFIG_SECRET_KEYS: "[]", PULUMI_NODEJS_ROOT_DIRECTORY: undefined },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString(); });
        child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
        const code = await new Promise<number | null>((done) => child.on("close", done));
        const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
        return { code, stdout, stderr, registrations: engine.registrations, logs: engine.logs, elapsedMs };
    } finally {
        engine.stop();
    }
}
