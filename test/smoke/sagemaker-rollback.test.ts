import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../harness/run-program";
import { FAKE_CREDENTIALS, FakeSageMakerApi } from "../aws/fake-sagemaker-api";
import type { SmokeAuth } from "./auth";
import { sendJson, startScriptedServer } from "./helpers/loopback";
import { main } from "./rollback-check";
import { runSmoke } from "./run";
import { sagemakerRollbackProblem } from "./targets/sagemaker";

// Finding 6. terraform-provider-aws#48997: after a blue/green auto-rollback ("all endpoint traffic rolls back to the
// blue fleet", SageMaker "Blue/Green Deployments") the endpoint is InService on the *old* config and `up` succeeds.
// Only DescribeEndpoint's EndpointConfigName, compared with the stack output, tells.
describe("SageMaker rollback check (smoke test and deploy workflow)", () => {
    let fake: FakeSageMakerApi;
    let dir: string;
    const auth = { aws: async () => FAKE_CREDENTIALS } as unknown as SmokeAuth;
    beforeEach(async () => {
        fake = await new FakeSageMakerApi().start();
        fake.addConfig("config-v1", { VariantName: "AllTraffic", ModelName: "model-v1", InstanceType: "ml.m5.xlarge", InitialInstanceCount: 2 });
        fake.addConfig("config-v2", { VariantName: "AllTraffic", ModelName: "model-v2", InstanceType: "ml.m5.xlarge", InitialInstanceCount: 2 });
        fake.addEndpoint("churn-prod", "config-v1");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollback-check-"));
    });
    afterEach(async () => {
        await fake.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });
    const outputs = (endpointConfigName: string) => ({ region: "us-east-1", endpointName: "churn-prod", endpointConfigName, apiUrl: fake.baseUrl });

    it("names both configs when the endpoint runs another than the stack asked for", async () => {
        const problem = await sagemakerRollbackProblem(outputs("config-v2"), FAKE_CREDENTIALS);
        expect(problem).to.equal("SageMaker endpoint churn-prod rolled back: DescribeEndpoint says it runs endpoint config config-v1, but the stack output endpointConfigName is config-v2 (InService)");
        expect(fake.calls).to.deep.equal([{ action: "DescribeEndpoint", body: { EndpointName: "churn-prod" } }]);
    });

    it("passes when the endpoint runs the config the stack asked for", async () => {
        expect(await sagemakerRollbackProblem(outputs("config-v1"), FAKE_CREDENTIALS)).to.equal(undefined);
    });

    it("the smoke test fails a good prediction from a rolled-back endpoint, and passes it once the config matches", async () => {
        // The runtime answers well either way: after a rollback the old (blue) fleet serves.
        const runtime = await startScriptedServer((_request, res) => sendJson(res, 200, { predictions: [1], probabilities: [[0.2, 0.8]] }));
        try {
            const run = (config: string) => runSmoke({ sagemaker: { ...outputs(config), endpointUrl: runtime.base } }, { auth, latencyBudgetMs: 10_000, timeoutMs: 5_000 });
            const [rolledBack] = await run("config-v2");
            expect(rolledBack).to.deep.include({ target: "sagemaker", ok: false });
            expect(rolledBack!.detail).to.match(/rolled back: DescribeEndpoint says it runs endpoint config config-v1, but the stack output endpointConfigName is config-v2/);
            const [live] = await run("config-v1");
            expect(live).to.deep.include({ target: "sagemaker", ok: true });
        } finally {
            await runtime.close();
        }
    });

    it("the workflow's step exits 1 on a rollback and 0 when the config matches", async () => {
        const file = (name: string, config: string) => {
            const target = path.join(dir, name);
            fs.writeFileSync(target, JSON.stringify({ sagemaker: outputs(config) }));
            return target;
        };
        const stderr = process.stderr.write;
        const stdout = process.stdout.write;
        const written: string[] = [];
        process.stderr.write = process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
        try {
            expect(await main(["--stack", "prod", "--outputs", file("bad.json", "config-v2")], auth)).to.equal(1);
            expect(await main(["--stack", "prod", "--outputs", file("good.json", "config-v1")], auth)).to.equal(0);
        } finally {
            process.stderr.write = stderr;
            process.stdout.write = stdout;
        }
        expect(written.join("")).to.contain("rolled back: DescribeEndpoint says it runs endpoint config config-v1").and.contain("runs config-v1, as this update asked");
    });

    it("runs in deploy-stack.yml right after pulumi up, before the smoke test", () => {
        const workflow = parseYaml(fs.readFileSync(path.join(REPO_ROOT, ".github/workflows/deploy-stack.yml"), "utf8")) as { jobs: { deploy: { steps: { id?: string; uses?: string; run?: string }[] } } };
        const steps = workflow.jobs.deploy.steps;
        const up = steps.findIndex((step) => step.uses === "pulumi/actions@v7");
        const check = steps.findIndex((step) => step.id === "rollback-check");
        const smoke = steps.findIndex((step) => step.id === "smoke");
        expect(up).to.be.greaterThan(-1);
        expect([up + 1, smoke - 1]).to.deep.equal([check, check]);
        expect(steps[check]!.run).to.equal('node --import tsx test/smoke/rollback-check.ts --stack "$STACK"');
    });
});
