import type { PolicyResource } from "@pulumi/policy";
import { configWithDefaults, MinInstancesConfig, minInstancesSchema } from "../lib/config";
import { stackGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { asCount, parentUrn, read } from "../lib/props";
import { AWS } from "../lib/resource-types";
import { SERVING_TYPES, servingFloors } from "../lib/serving";
import { isProduction } from "../lib/stage";

// The one availability rule that spans clouds: whatever a production stack deploys to, each target keeps
// enough standing instances to lose one. Per-target rules say the same for their own resources; this one
// also catches a target that has no rule of its own yet, and a Lambda target with no provisioned concurrency.

export const prodStackMinServingInstances = stackGuardrail({
    name: "prod-stack-min-serving-instances",
    description: "Every production target in the stack, on any cloud, keeps at least 2 standing serving instances (instances, replicas, or provisioned concurrency).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `scaling.minInstances` to 2 or more on every target of a production stack; on Lambda, keep provisioned concurrency of at least 2 on the serving alias.",
    configSchema: minInstancesSchema,
    metadata: {
        id: "AVL-100",
        mirrors: ["AWS Config SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT", "SecurityHub SageMaker.4", "Azure ML: 3+ instances for production deployments"],
        reads: [...SERVING_TYPES.floors, AWS.lambdaFunction],
    },
    validateStack: (args, reportViolation) => {
        const config = configWithDefaults<MinInstancesConfig>(args, minInstancesSchema);
        const production = args.resources.filter((resource) => isProduction(resource, config.productionStages));
        const required = `production requires at least ${config.minInstances} serving instances on every target`;

        for (const resource of production) {
            for (const floor of servingFloors(resource.type, resource.props)) {
                const count = asCount(floor.value);
                if (count === undefined || count < config.minInstances) {
                    reportViolation(violationMessage(resource.name, floor.property, floor.value, required), resource.urn);
                }
            }
        }

        // A Lambda target serves from cold starts unless its alias has provisioned concurrency.
        const provisionedParents = new Set(args.resources.filter((resource) => resource.type === AWS.lambdaProvisionedConcurrency).map(parentUrn));
        for (const fn of production.filter((resource) => resource.type === AWS.lambdaFunction && isServingFunction(resource))) {
            if (!provisionedParents.has(parentUrn(fn))) {
                reportViolation(violationMessage(fn.name, "provisioned concurrency", undefined, `${required}; add a ProvisionedConcurrencyConfig on its alias`), fn.urn);
            }
        }
    },
});

/** Our Lambda targets run the serving image; other functions (if any) are not endpoints. */
function isServingFunction(fn: PolicyResource): boolean {
    return read(fn.props, "packageType") === "Image";
}
