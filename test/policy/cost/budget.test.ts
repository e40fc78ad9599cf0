import { expect } from "chai";
import { stageMonthlyBudget } from "../../../policy/cost/budget";
import { AWS, CROSS_CLOUD } from "../../../policy/lib/resource-types";
import type { OfflineResource } from "../../../policy/offline";
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

    it("has no budget by default, and is advisory unless configured mandatory", async () => {
        const over = stackOf(mutate(baseline, (s) => { s.config.productionVariants[0]!.initialInstanceCount = 10; }));
        expect(await violationsOf(stageMonthlyBudget, over, {})).to.deep.equal([]);
        expect((await violationsOf(stageMonthlyBudget, over, budgets)).map((v) => v.level)).to.deep.equal(["advisory"]);
        expect((await violationsOf(stageMonthlyBudget, over, { ...budgets, enforcementLevel: "mandatory" })).map((v) => v.level)).to.deep.equal(["mandatory"]);
    });
});
