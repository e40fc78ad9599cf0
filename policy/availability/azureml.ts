import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { asCount, list, peek, read } from "../lib/props";
import { AZURE } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// Availability of Azure ML managed online deployments: a production deployment survives the loss of an
// instance, and its autoscale setting never scales it below that. (Microsoft advises 3 or more.)

interface MinInstancesConfig extends GuardrailConfig {
    readonly minInstances: number;
}

const schema = {
    properties: {
        ...productionStagesSchema,
        minInstances: { type: "integer", minimum: 1, default: 2, description: "The fewest instances a production Azure ML deployment may run, and its autoscale minimum." },
    },
} as const;

/**
 * True unless the autoscale setting is known to aim at something other than an online deployment. Its
 * target is the deployment's id, unknown at preview; an unknown target is assumed to be ours, so the
 * rule still runs (and stays mandatory) on the capacity, which comes from config and is known.
 */
function targetsOnlineDeployment(props: Record<string, unknown>): boolean {
    const target = peek(props, "targetResourceUri");
    return typeof target !== "string" || /\/onlineEndpoints\/[^/]+\/deployments\//i.test(target);
}

export const prodAzureMlMinInstances = resourceGuardrail({
    name: "prod-azureml-min-instances",
    description: "A production Azure ML online deployment runs at least 2 instances (`sku.capacity`), and its autoscale minimum is at least 2.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `scaling.minInstances` and `instanceCount` to 2 or more (Microsoft advises 3) on the azureml target.",
    configSchema: schema,
    metadata: {
        id: "AVL-040",
        mirrors: ["Azure ML: 3+ instances for production deployments (managed online endpoints SKU list)"],
        reads: [AZURE.onlineDeployment, AZURE.autoscaleSetting],
    },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<MinInstancesConfig>(args, schema);
        if (!isProduction(args, config.productionStages)) return;
        const required = `production requires at least ${config.minInstances}`;
        const tooFew = (value: unknown) => (asCount(value) ?? 0) < config.minInstances;

        if (args.type === AZURE.onlineDeployment) {
            const capacity = read(args.props, "sku", "capacity");
            if (tooFew(capacity)) reportViolation(violationMessage(args.name, "sku.capacity", capacity, required));
            return;
        }
        if (!targetsOnlineDeployment(args.props)) return;
        list(read(args.props, "profiles")).forEach((profile, index) => {
            const minimum = read(profile, "capacity", "minimum");
            if (tooFew(minimum)) reportViolation(violationMessage(args.name, `profiles[${index}].capacity.minimum`, minimum, required));
        });
    },
});
