import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { AWS } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// Availability of the Lambda target: a production function answers without a cold start, and survives
// the loss of one execution environment, because at least 2 are kept initialised. (A production function
// with no provisioned-concurrency config at all is caught stack-wide by prod-stack-min-serving-instances.)

interface ProvisionedConcurrencyConfig extends GuardrailConfig {
    readonly minProvisionedConcurrency: number;
}

const schema = {
    properties: {
        ...productionStagesSchema,
        minProvisionedConcurrency: { type: "integer", minimum: 1, default: 2, description: "The fewest provisioned execution environments a production Lambda target may keep." },
    },
} as const;

const REMEDIATION = "Set `provisionedConcurrency` (or `scaling.minInstances`) to 2 or more on the lambda target of a production stack.";

export const prodLambdaProvisionedConcurrency = resourceGuardrail({
    name: "prod-lambda-provisioned-concurrency",
    description: "A production Lambda target's provisioned concurrency is at least 2.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: REMEDIATION,
    configSchema: schema,
    metadata: { id: "AVL-010", mirrors: [], reads: [AWS.lambdaProvisionedConcurrency] },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<ProvisionedConcurrencyConfig>(args, schema);
        if (!isProduction(args, config.productionStages)) return;
        const provisioned = args.props["provisionedConcurrentExecutions"];
        if (typeof provisioned !== "number" || provisioned < config.minProvisionedConcurrency) {
            reportViolation(violationMessage(args.name, "provisionedConcurrentExecutions", provisioned, `production requires at least ${config.minProvisionedConcurrency}`));
        }
    },
});
