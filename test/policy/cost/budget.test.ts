import { expect } from "chai";
import { stageMonthlyBudget } from "../../../policy/cost/budget";
import { AWS, CROSS_CLOUD } from "../../../policy/lib/resource-types";
import type { OfflineResource } from "../../../policy/offline";
import { synthesize } from "../../harness/synth";
import { stackFilePath } from "../../harness/run-program";
import { messagesOf, mutate, resource, violationsOf } from "../harness";

// A compliant baseline (a prod SageMaker variant and a dev Cloud Run service), then one mutation per test.
// Floors by hand, at the price book's us-east-1 / us-central1 list prices (policy/lib/cost/prices/):
//   SageMaker ml.m5.large $0.115/h × 2 instances × 730 h                                  = $167.90
//   Cloud Run instance-based, 1 vCPU 0.5 GiB, 1 min instance × 2,628,000 s
//     × (1 × $0.000018 + 0.5 × $0.000002)                                                 = $49.932
const baseline = {
    config: { productionVariants: [{ variantName: "AllTraffic", instanceType: "ml.m5.large", initialInstanceCount: 2 }], tags: { stage: "prod" } },
    run: {
        location: "us-central1",
        scaling: { minInstanceCount: 1, maxInstanceCount: 2 },
        template: { containers: [{ image: "img@sha256:abc", resources: { cpuIdle: false, limits: { cpu: "1", memory: "512Mi" } } }] },
        labels: { stage: "dev" },
    },
};
type Baseline = typeof baseline;
const budgets = { monthlyBudgetUsd: { prod: 200, dev: 60 } };

function stackOf(props: Baseline): OfflineResource[] {
    return [
        resource(AWS.sagemakerEndpointConfiguration, props.config, { name: "sm-config", stack: "prod" }),
        resource(CROSS_CLOUD.gcpCloudRunService, props.run, { name: "run", stack: "prod" }),
    ];
}

async function messagesFor(change: (copy: Baseline) => void, config: Record<string, unknown> = budgets) {
    return messagesOf(await violationsOf(stageMonthlyBudget, stackOf(mutate(baseline, change)), config));
}

describe("policy stage-monthly-budget", () => {
    it("passes stages whose floor fits their budget (prod $167.90 of $200, dev $49.93 of $60)", async () => {
        expect(await messagesFor(() => undefined)).to.deep.equal([]);
    });

    it("denies a prod floor above the budget: a third instance makes it 3 × $0.115 × 730 = $251.85", async () => {
        expect(await messagesFor((s) => { s.config.productionVariants[0]!.initialInstanceCount = 3; }))
            .to.deep.equal(['stage "prod": monthly floor $251.85 is above its budget of $200.00 (sm-config $251.85)']);
    });

    it("denies a dev floor above the budget: always-on CPU on 2 minimum instances is $99.86", async () => {
        expect(await messagesFor((s) => { s.run.scaling.minInstanceCount = 2; }))
            .to.deep.equal(['stage "dev": monthly floor $99.86 is above its budget of $60.00 (run $99.86)']);
    });

    it("passes the same dev service scaled to zero with CPU only during requests (its floor is $0)", async () => {
        expect(await messagesFor((s) => { s.run.scaling.minInstanceCount = 0; s.run.template.containers[0]!.resources.cpuIdle = true; }, { monthlyBudgetUsd: { dev: 0.01, prod: 200 } })).to.deep.equal([]);
    });

    it("counts an instance type with no known price as over: the floor cannot be shown to fit", async () => {
        expect(await messagesFor((s) => { s.config.productionVariants[0]!.instanceType = "ml.p5.48xlarge"; }))
            .to.deep.equal(['stage "prod": monthly floor $0.00 + unknown (ml.p5.48xlarge: no price in aws us-east-1) cannot be shown to fit its budget of $200.00; add the missing prices to policy/lib/cost/prices/ (sm-config $0.00 + unknown (ml.p5.48xlarge: no price in aws us-east-1))']);
    });

    it("prices AWS resources in the configured region: none of its SageMaker prices are known in eu-west-1", async () => {
        const messages = await messagesFor(() => undefined, { ...budgets, awsRegion: "eu-west-1" });
        expect(messages).to.deep.equal(['stage "prod": monthly floor $0.00 + unknown (ml.m5.large: no price in aws eu-west-1) cannot be shown to fit its budget of $200.00; add the missing prices to policy/lib/cost/prices/ (sm-config $0.00 + unknown (ml.m5.large: no price in aws eu-west-1))']);
    });

    it("prices an Azure deployment whose location is unknown (from its resource group) in the configured location", async () => {
        const deployment = resource(CROSS_CLOUD.azureOnlineDeployment, { sku: { capacity: 1 }, properties: { instanceType: "Standard_DS2_v2" }, tags: { stage: "prod" } }, { name: "aml", stack: "prod" });
        // 1 × 730 h × $0.146 = $106.58 in eastus (the default); westeurope has no VM prices in the book.
        expect(messagesOf(await violationsOf(stageMonthlyBudget, [deployment], { monthlyBudgetUsd: { prod: 100 } }))).to.deep.equal(['stage "prod": monthly floor $106.58 is above its budget of $100.00 (aml $106.58)']);
        expect(messagesOf(await violationsOf(stageMonthlyBudget, [deployment], { monthlyBudgetUsd: { prod: 100 }, azureLocation: "westeurope" })))
            .to.deep.equal(['stage "prod": monthly floor $0.00 + unknown (Standard_DS2_v2: no price in azure westeurope) cannot be shown to fit its budget of $100.00; add the missing prices to policy/lib/cost/prices/ (aml $0.00 + unknown (Standard_DS2_v2: no price in azure westeurope))']);
    });

    it("has no budget by default, and is advisory unless configured mandatory", async () => {
        const over = stackOf(mutate(baseline, (s) => { s.config.productionVariants[0]!.initialInstanceCount = 10; }));
        expect(await violationsOf(stageMonthlyBudget, over, {})).to.deep.equal([]);
        expect((await violationsOf(stageMonthlyBudget, over, budgets)).map((v) => v.level)).to.deep.equal(["advisory"]);
        expect((await violationsOf(stageMonthlyBudget, over, { ...budgets, enforcementLevel: "mandatory" })).map((v) => v.level)).to.deep.equal(["mandatory"]);
    });

    it("judges the whole prod program the same at preview (regions from config, not from unknown outputs), mandatory when configured", async function () {
        this.timeout(60_000);
        // Prod's floor by hand: SageMaker 2 × 730 h × $0.23 + KMS $1 = $336.80; Lambda PC 2 × 2 GB × 2,628,000 s × $0.0000041667
        // = $43.80; Vertex 2 × 730 × $0.219 = $319.74; Cloud Run 2 × 2,628,000 × (2 × $0.000018 + 2 × $0.000002) = $210.24;
        // Azure ML 3 × 730 × $0.293 + ACR Standard $0.6666 × 30.41667 = $661.95. Total $1,572.53.
        const policyConfig = { "stage-monthly-budget": { enforcementLevel: "mandatory" as const, monthlyBudgetUsd: { prod: 1000 } } };
        const budgetOf = async (preview: boolean) => (await synthesize("prod", stackFilePath("prod"), { preview, policyConfig })).report.violations.filter((v) => v.policy === "stage-monthly-budget");
        const [deployed, previewed] = [await budgetOf(false), await budgetOf(true)];
        expect(previewed).to.deep.equal(deployed);
        expect(deployed.map((v) => [v.level, v.message.split(" (")[0]])).to.deep.equal([["mandatory", 'stage "prod": monthly floor $1,572.53 is above its budget of $1,000.00']]);
    });
});
