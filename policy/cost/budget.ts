import type { PolicyResource } from "@pulumi/policy";
import { formatAmount, isExact } from "../lib/cost/amount";
import { estimateCost, PlannedResource, PRICED_TYPES } from "../lib/cost/estimate";
import { DEFAULT_TRAFFIC } from "../lib/cost/traffic";
import { configWithDefaults, forStage, PerStage, perStageSchema } from "../lib/config";
import { stackGuardrail } from "../lib/guardrail";
import { stageOf } from "../lib/stage";

// The budget guard: what a stage costs with no traffic at all (its floor: minimum instances, provisioned
// concurrency, always-on CPU, fixed fees, priced from the pack's price book in lib/cost/) must fit the stage's
// monthly budget. Advisory by default; an organisation that wants it to block sets `enforcementLevel: mandatory`.

interface BudgetConfig {
    readonly monthlyBudgetUsd: PerStage<number>;
    readonly awsRegion: string;
    readonly gcpRegion: string;
    readonly azureLocation: string;
}

const schema = {
    properties: {
        monthlyBudgetUsd: perStageSchema({ type: "number", exclusiveMinimum: 0 }, {},
            "The most a stage may cost a month with no traffic (its floor, in USD at list prices, see `npm run cost`). No entry for a stage: no budget."),
        awsRegion: { type: "string", default: "us-east-1", description: "The AWS region to price AWS resources in when a resource does not say (AWS resources carry no region unless set per resource)." },
        gcpRegion: { type: "string", default: "us-central1", description: "The GCP region to price in when a target's resources do not say." },
        azureLocation: { type: "string", default: "eastus", description: "The Azure location to price in when a target's resources do not say (a location taken from a resource group is unknown at preview)." },
    },
} as const;

export const stageMonthlyBudget = stackGuardrail({
    name: "stage-monthly-budget",
    description: "A stage's monthly floor (minimum instances, provisioned concurrency, always-on CPU and fixed fees at list prices) stays within its configured budget; a floor that cannot be priced counts as over.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediationSteps: "Lower the stage's minimum instances or provisioned concurrency (scale to zero in dev), pick a smaller instance type, or have the platform team raise `monthlyBudgetUsd` for that stage. `npm run cost -- --stack <stage> --lines` shows what the floor is made of.",
    configSchema: schema,
    metadata: { id: "CST-102", mirrors: ["AWS Budgets", "Azure Cost Management budgets", "GCP Cloud Billing budgets (after the fact; this one is before deployment)"], reads: PRICED_TYPES },
    validateStack: (args, reportViolation) => {
        const config = configWithDefaults<BudgetConfig>(args, schema);
        const byStage = new Map<string, PolicyResource[]>();
        for (const resource of args.resources) {
            const stage = stageOf(resource);
            byStage.set(stage, [...(byStage.get(stage) ?? []), resource]);
        }
        for (const [stage, resources] of byStage) {
            const budget = forStage(config.monthlyBudgetUsd, stage);
            if (budget === undefined) continue;
            const estimate = estimateCost(resources.map(planned), { traffic: DEFAULT_TRAFFIC, awsRegion: config.awsRegion, gcpRegion: config.gcpRegion, azureLocation: config.azureLocation });
            const floor = estimate.floor;
            const parts = estimate.targets.filter((target) => target.floor.usd > 0 || !isExact(target.floor)).map((target) => `${target.target} ${formatAmount(target.floor)}`).join(", ");
            const limit = formatAmount({ usd: budget, unknown: [], unbounded: [] });
            if (floor.usd > budget) {
                reportViolation(`stage "${stage}": monthly floor ${formatAmount(floor)} is above its budget of ${limit} (${parts})`);
            } else if (!isExact(floor)) {
                reportViolation(`stage "${stage}": monthly floor ${formatAmount(floor)} cannot be shown to fit its budget of ${limit}; add the missing prices to policy/lib/cost/prices/ (${parts})`);
            }
        }
    },
});

/** A pack resource as the estimator reads the synth's plan: its parent by name, its props as inputs. */
function planned(resource: PolicyResource): PlannedResource {
    return { type: resource.type, name: resource.name, parent: resource.parent?.name ?? null, inputs: resource.props };
}
