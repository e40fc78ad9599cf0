import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { trafficProfile } from "../../policy/lib/cost/traffic";
import { costReport, loadTrafficFile } from "../harness/cost/cli";
import { diffRows } from "../harness/cost/report";
import { REPO_ROOT, stackFilePath } from "../harness/run-program";

const fixture = (name: string) => path.join(REPO_ROOT, "test/fixtures/traffic", name);

describe("cost: the CLI and its inputs", function () {
    this.timeout(60_000);

    describe("traffic files", () => {
        it("fill unset keys with the defaults (the source's scenario: 100,000 requests/day, SLO 100 ms)", () => {
            expect(trafficProfile({ meanLatencyMs: 20 })).to.include({ requestsPerDay: 100_000, meanLatencyMs: 20, latencySloMs: 100 });
        });
        it("refuse a share outside 0..1, naming the file, the key, the value and the range", () => {
            expect(() => loadTrafficFile(fixture("bad-share.yaml"))).to.throw(`traffic file ${fixture("bad-share.yaml")}: peak.share is 1.5; expected a number at least 0 and at most 1`);
        });
        it("refuse an unknown key, listing the allowed ones", () => {
            expect(() => loadTrafficFile(fixture("bad-key.yaml"))).to.throw(/bad-key\.yaml: unknown key "latency"; allowed keys are requestsPerDay, meanLatencyMs, .*requestsPerMonth, peak$/);
        });
        it("refuse a string where a number belongs, both request counts at once, and a missing file", () => {
            expect(() => trafficProfile({ requestsPerDay: "lots" }, "t.yaml")).to.throw('t.yaml: requestsPerDay is "lots"; expected a number at least 0');
            expect(() => trafficProfile({ requestsPerDay: 1, requestsPerMonth: 30 }, "t.yaml")).to.throw("t.yaml: set requestsPerDay or requestsPerMonth, not both");
            expect(() => trafficProfile({ meanLatencyMs: 0 }, "t.yaml")).to.throw("t.yaml: meanLatencyMs is 0; expected a number greater than 0 and at most 900000");
            expect(() => loadTrafficFile("/nonexistent/traffic.yaml")).to.throw("traffic file /nonexistent/traffic.yaml does not exist");
        });
    });

    describe("npm run cost", () => {
        it("prints per-target floor, ceiling and expected and the stack's total for prod; bad traffic files exit 1 with the message", () => {
            const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "test/harness/cost/cli.ts", ...args], { cwd: REPO_ROOT, encoding: "utf8" });
            const jsonOut = path.join(os.tmpdir(), `cost-${process.pid}.json`);
            const good = run(["--stack", "prod", "--requests-per-day", "100000", "--json-out", jsonOut]);
            expect(good.status, good.stderr).to.equal(0);
            const written = JSON.parse(fs.readFileSync(jsonOut, "utf8")) as { estimate: { floor: { usd: number } }; recommendation: { choice: string } };
            fs.rmSync(jsonOut);
            expect(written.estimate.floor.usd).to.be.closeTo(1572.53, 0.005);
            expect(written.recommendation.choice).to.equal("always-on");
            for (const target of ["sagemaker", "lambda", "vertex", "cloudrun", "azureml", "stack prod"]) expect(good.stdout).to.match(new RegExp(`^${target} .*\\$[\\d,]+\\.\\d\\d .*\\$[\\d,]+\\.\\d\\d .*\\$[\\d,]+\\.\\d\\d$`, "m"));
            expect(good.stdout).to.contain("Recommendation: SageMaker real-time or Vertex AI");
            const bad = run(["--stack", "prod", "--traffic", fixture("bad-share.yaml")]);
            expect(bad.status).to.equal(1);
            expect(bad.stderr.trim()).to.equal(`traffic file ${fixture("bad-share.yaml")}: peak.share is 1.5; expected a number at least 0 and at most 1`);
        });
    });

    describe("--against", () => {
        let dir: string;
        before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-against-")); });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("prices both configs and shows the change per target: ml.m5.xlarge → ml.m5.2xlarge adds 2 × 730 h × ($0.461 − $0.23) = $337.26 to the floor", async () => {
            const document = parseYaml(fs.readFileSync(stackFilePath("prod"), "utf8")) as { config: Record<string, { sagemaker: { instanceType: string } }> };
            document.config["ml-endpoints:targets"]!.sagemaker.instanceType = "ml.m5.2xlarge";
            const head = path.join(dir, "Pulumi.prod.yaml");
            fs.writeFileSync(head, stringifyYaml(document));
            const report = await costReport("prod", { configFile: head, against: stackFilePath("prod") });
            const base = report.base!.estimate.targets.find((t) => t.target === "sagemaker")!;
            const after = report.estimate.targets.find((t) => t.target === "sagemaker")!;
            expect(after.floor.usd - base.floor.usd).to.be.closeTo(337.26, 1e-9);
            const rows = diffRows(report.base!.estimate, report.estimate);
            expect(rows.find((row) => row[0] === "sagemaker")![3]).to.equal("+$337.26");
            expect(rows.find((row) => row[0] === "vertex")![3]).to.equal("+$0.00");
        });

        it("prices a git ref through the plan diff's two-sided run: HEAD against itself changes nothing", async () => {
            const report = await costReport("prod", { against: "HEAD" });
            expect(report.base!.label).to.match(/^HEAD \([0-9a-f]{10}\)$/);
            expect(report.estimate.floor.usd - report.base!.estimate.floor.usd).to.equal(0);
            expect(diffRows(report.base!.estimate, report.estimate).find((row) => row[0] === "stack")![6]).to.equal("+$0.00");
        });

        it("refuses an --against that is neither a stack file nor a commit", async () => {
            let error: Error | undefined;
            await costReport("prod", { against: "no-such-ref-or-file" }).catch((caught: Error) => { error = caught; });
            expect(error?.message).to.equal("--against no-such-ref-or-file: not a stack file and not a git commit (git rev-parse no-such-ref-or-file failed)");
        });
    });
});
