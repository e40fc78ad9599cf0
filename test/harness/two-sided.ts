// Both sides of a plan diff: the program as it was (a git ref, or today's code with another stack file)
// and as it is now, each synthesized under mocks into a `SynthReport`. The diff itself is in ./diff/.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_ORGANIZATION, PROJECT, REPO_ROOT, stackFilePath } from "./run-program";
import { SynthOptions, SynthReport, SynthReportResource, synthesize } from "./synth";

/** Assets serialize as their content digest on both sides (the engine compares assets by content). */
const ASSET_DIGEST_PRELOAD = path.join(__dirname, "diff", "asset-digest.cjs");
require(ASSET_DIGEST_PRELOAD);

/** One side of a diff: where it came from (for the table's header) and what synth made of it. */
export interface SidePlan { readonly label: string; readonly report: SynthReport }

/** A report's resource, with the identity fields the diff matches on filled in (older reports lack them). */
export type PlannedResource = SynthReportResource;

type ReportedResource = SynthReport["resources"][number] & Partial<Pick<PlannedResource, "urn" | "parentUrn" | "dependencies" | "propertyDependencies" | "id" | "options">>;

/**
 * `against` is a FILE (an existing stack file: today's code with that config, in this process) or a git ref
 * (that commit's code and its `Pulumi.<stack>.yaml`, synthesized in a subprocess from a `git archive` of it).
 * The head side is today's working tree with `options.configFile` (default `Pulumi.<stack>.yaml`).
 */
export async function planBothSides(stack: string, against: string, options: { configFile?: string; synth?: SynthOptions } = {}): Promise<{ base: SidePlan; head: SidePlan }> {
    const headFile = path.resolve(options.configFile ?? stackFilePath(stack));
    const labelled = (head: SidePlan): SidePlan => ({ ...head, label: `working tree, ${relativeToRepo(headFile)}` });
    if (isStackFile(against)) {
        // In-process runs share the global mocks, so one after the other.
        const base = await planWithStackFile(stack, path.resolve(against));
        return { base, head: labelled(await planWithStackFile(stack, headFile, options.synth)) };
    }
    // The base runs in its own process: synthesize the head meanwhile.
    const [base, head] = await Promise.all([planAtRef(stack, against), planWithStackFile(stack, headFile, options.synth)]);
    return { base, head: labelled(head) };
}

/** Whether `against` names a stack file (else it is taken as a git ref). */
export function isStackFile(against: string): boolean {
    return fs.existsSync(against) && fs.statSync(against).isFile();
}

export async function planWithStackFile(stack: string, configFile: string, synthOptions: SynthOptions = {}): Promise<SidePlan> {
    // This synth's report already carries the engine's URNs (the recorder names resources as the engine does),
    // dependencies and options; `withIdentities` fills in the parent URNs of top-level resources.
    const { report } = await synthesize(stack, configFile, synthOptions);
    return { label: relativeToRepo(configFile), report: withIdentities(report) };
}

function relativeToRepo(file: string): string {
    const relative = path.relative(REPO_ROOT, file);
    return relative.startsWith("..") ? file : relative;
}

/** The node_modules folders a checkout needs to run synth: the root's, and the packages synth imports from. */
const LINKED_NODE_MODULES = ["node_modules", "policy/node_modules", "app/node_modules"];

/**
 * Synthesizes `stack` as commit `ref` had it: its tree unpacked into a temp dir (`git archive`, so no worktree is
 * registered in the shared repository), today's node_modules linked in, its own synth run with `--json-out`.
 * A stack file the commit lacks gives an empty base: every resource is then a create.
 */
async function planAtRef(stack: string, ref: string): Promise<SidePlan> {
    const commit = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    if (commit === undefined) throw new Error(`--against ${ref}: not a stack file and not a git commit (git rev-parse ${ref} failed)`);
    const label = `${ref} (${commit.slice(0, 10)})`;
    const stackFile = `Pulumi.${stack}.yaml`;
    if (git(["cat-file", "-e", `${commit}:${stackFile}`]) === undefined) {
        progress(`${label} has no ${stackFile}: the base is empty`);
        return { label: `${label}, no ${stackFile}`, report: { stack, organization: DEFAULT_ORGANIZATION, resources: [], violations: [] } };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-endpoints-base-"));
    try {
        const started = Date.now();
        progress(`unpacking ${label} into ${dir}`);
        execFileSync("sh", ["-c", `git archive --format=tar "$1" | tar -x -C "$2"`, "sh", commit, dir], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
        for (const modules of LINKED_NODE_MODULES) {
            const source = path.join(REPO_ROOT, modules);
            if (fs.existsSync(source) && fs.existsSync(path.dirname(path.join(dir, modules)))) fs.symlinkSync(source, path.join(dir, modules), "dir");
        }
        const reportFile = path.join(dir, ".base-report.json");
        progress(`synthesizing ${stack} at ${label}`);
        const { code, stderr } = await runSubprocess(process.execPath, ["--require", ASSET_DIGEST_PRELOAD, "--import", "tsx", "test/harness/synth.ts", "--stack", stack, "--json-out", reportFile], dir);
        if (!fs.existsSync(reportFile)) {
            throw new Error(`synth of ${stack} at ${label} wrote no report (exit ${code}):\n${stderr.trim()}`);
        }
        progress(`base synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s${code === 0 ? "" : ` (its synth exited ${code}: the base has mandatory violations)`}`);
        // Paths in the inputs (build contexts) name the temp checkout; the live stack runs from this one.
        const report = JSON.parse(fs.readFileSync(reportFile, "utf8").split(dir).join(REPO_ROOT)) as SynthReport;
        return { label, report: withIdentities(report) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function git(args: readonly string[]): string | undefined {
    try {
        return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
        return undefined;
    }
}

function progress(message: string): void {
    process.stderr.write(`[base] ${message}\n`);
}

function runSubprocess(command: string, args: readonly string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stderr }));
    });
}

/**
 * The report with every resource's `urn`, `parentUrn`, `dependencies`, `propertyDependencies` and `id` present.
 * A report that lacks them (older synths wrote only type, name and parent name) gets URNs the way the engine
 * forms them, `urn:pulumi:<stack>::<project>::<parent type chain>$<type>::<name>`, and no dependencies.
 */
export function withIdentities(report: SynthReport): SynthReport {
    return { ...report, resources: plannedResources(report) };
}

/** The report's resources with their identities (see `withIdentities`); idempotent. */
export function plannedResources(report: SynthReport): PlannedResource[] {
    const resources = report.resources as ReportedResource[];
    const byName = new Map<string, number[]>();
    resources.forEach((resource, index) => byName.set(resource.name, [...(byName.get(resource.name) ?? []), index]));
    const chains = new Map<number, string>();
    // Parents register before their children, so a parent named `p` is the last resource named `p` before the child.
    const parentIndex = (index: number): number | undefined => {
        const parent = resources[index]!.parent;
        if (parent === null || parent === undefined) return undefined;
        const candidates = (byName.get(parent) ?? []).filter((candidate) => candidate < index);
        return candidates.length > 0 ? candidates[candidates.length - 1] : byName.get(parent)?.find((candidate) => candidate !== index);
    };
    const chainOf = (index: number, seen: Set<number> = new Set()): string => {
        const known = chains.get(index);
        if (known !== undefined) return known;
        const parent = parentIndex(index);
        const chain = parent === undefined || seen.has(parent) ? resources[index]!.type : `${chainOf(parent, new Set([...seen, index]))}$${resources[index]!.type}`;
        chains.set(index, chain);
        return chain;
    };
    const derivedUrn = (index: number): string => `urn:pulumi:${report.stack}::${PROJECT}::${chainOf(index)}::${resources[index]!.name}`;
    const urnOf = (index: number): string => resources[index]!.urn ?? derivedUrn(index);
    return resources.map((resource, index) => {
        const parent = parentIndex(index);
        return {
            type: resource.type,
            name: resource.name,
            urn: urnOf(index),
            parentUrn: resource.parentUrn ?? (parent === undefined ? null : urnOf(parent)),
            parent: resource.parent ?? null,
            inputs: resource.inputs,
            dependencies: resource.dependencies ?? [],
            propertyDependencies: resource.propertyDependencies ?? {},
            id: resource.id ?? null,
            ...(resource.options === undefined ? {} : { options: resource.options }),
        };
    });
}
