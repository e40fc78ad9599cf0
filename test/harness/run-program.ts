import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import program = require("../../index");
import { RecordedResource, ResourceRecorder, UNKNOWN } from "./recorder";

/** The repository root: where Pulumi.yaml and the stack files live. */
export const REPO_ROOT = path.resolve(__dirname, "../..");
export const PROJECT = "ml-endpoints";
/**
 * The organization the CLI passes a program (`--organization`) when none is chosen: a self-managed (diy)
 * backend always says "organization" (pulumi/pulumi pkg/backend/diy/backend.go). Pulumi Cloud passes the
 * stack's org instead; give that to the synth (`--organization`) to plan the names `up` would create.
 */
export const DEFAULT_ORGANIZATION = "organization";

/** One run of the real program under mocks. */
export interface ProgramRun {
    readonly stack: string;
    readonly resources: RecordedResource[];
    /** The stack outputs, resolved. */
    readonly outputs: Record<string, unknown>;
}

/** A stack file's `config:` map, e.g. `{ "ml-endpoints:targets": {...}, "aws:region": "us-east-1" }`. */
export type StackFileConfig = Record<string, unknown>;

export function stackFilePath(stack: string): string {
    return path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
}

/** The misconfiguration corpus: whole stack files that synth must refuse (see test/policy/misconfigured-corpus.test.ts). */
export const MISCONFIGURED_DIR = path.join(REPO_ROOT, "test/fixtures/misconfigured");

export function misconfiguredStackFile(name: string): string {
    return path.join(MISCONFIGURED_DIR, name);
}

/** Reads a stack file's `config:` map; a missing or malformed file is an error naming the file. */
export function readStackFile(file: string): StackFileConfig {
    if (!fs.existsSync(file)) throw new Error(`stack config file ${file} does not exist`);
    let document: unknown;
    try {
        document = parseYaml(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new Error(`stack config file ${file} is not valid YAML: ${(error as Error).message}`);
    }
    const config = (document as { config?: unknown } | null)?.config;
    if (config === undefined || config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new Error(`stack config file ${file} has no \`config:\` map`);
    }
    return config as StackFileConfig;
}

/**
 * Runs index.ts for `stack` with `config` under Pulumi mocks and returns every registered resource.
 * Runs may follow each other in one process: each gets fresh mocks and a fresh config.
 */
export async function runProgram(stack: string, config: StackFileConfig, options: { preview?: boolean; organization?: string } = {}): Promise<ProgramRun> {
    const { resources, result } = await recordResources(stack, () => program(), { ...options, config });
    return { stack, resources, outputs: result as Record<string, unknown> };
}

/**
 * Runs `create` under fresh mocks for `stack` (with `config` set, if given) and returns what it
 * registered, plus `create`'s result with every output in it resolved. Component tests use this directly.
 */
export async function recordResources<T>(
    stack: string,
    create: () => T,
    options: { preview?: boolean; config?: StackFileConfig; organization?: string } = {},
): Promise<{ resources: RecordedResource[]; result: pulumi.Unwrap<T> }> {
    const recorder = new ResourceRecorder(options.preview ?? false);
    await pulumi.runtime.setMocks(recorder, PROJECT, stack, options.preview ?? false, options.organization ?? DEFAULT_ORGANIZATION);
    recorder.attach();
    // Pulumi hands config to programs as strings; structured values arrive JSON-encoded.
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(options.config ?? {}).map(([key, value]) =>
        [key, typeof value === "string" ? value : JSON.stringify(value)])));

    const result = await (options.preview ? resolveWithUnknowns(create()) : resolve(create()));
    await waitForRegistrations();
    recorder.linkParents();
    return { resources: recorder.resources, result };
}

/** Resolves every output inside `value` (read a component's outputs with this). */
export function resolve<T>(value: T): Promise<pulumi.Unwrap<T>> {
    return new Promise((done) => pulumi.output(value).apply(done));
}

/**
 * Like `resolve`, for previews: `apply` never runs on an unknown output, so this reads the output's value
 * with its unknowns left in place (as `UNKNOWN`, the wire sentinel) instead of waiting forever.
 */
async function resolveWithUnknowns<T>(value: T): Promise<pulumi.Unwrap<T>> {
    const output = pulumi.output(value) as unknown as { promise(withUnknowns: boolean): Promise<unknown> };
    const replace = (found: unknown): unknown => {
        if (pulumi.isUnknown(found)) return UNKNOWN;
        if (Array.isArray(found)) return found.map(replace);
        if (found !== null && typeof found === "object") return Object.fromEntries(Object.entries(found).map(([key, child]) => [key, replace(child)]));
        return found;
    };
    return replace(await output.promise(true)) as pulumi.Unwrap<T>;
}

/** Waits until every resource registration the program started has finished. */
async function waitForRegistrations(): Promise<void> {
    // `waitForRPCs` is what `pulumi.runtime.disconnect` awaits; disconnecting would end the mocks.
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}
