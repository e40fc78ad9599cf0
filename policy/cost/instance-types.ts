import { configWithDefaults, DEFAULT_ACCELERATOR_TYPES, DEFAULT_INSTANCE_TYPES, forStage, matchesAny, PerStage, perStageSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { SERVING_TYPES, machineTypes } from "../lib/serving";
import { stageOf } from "../lib/stage";

// The cost guard on machines: each stage may run only the instance and machine types on its allow-list,
// so a dev stack cannot start GPUs or large instances by accident. Lists are glob patterns per stage.

interface InstanceTypesConfig {
    readonly instanceTypes: PerStage<string[]>;
    readonly acceleratorTypes: PerStage<string[]>;
}

const patternList = { type: "array", items: { type: "string", minLength: 1 } };
const schema = {
    properties: {
        instanceTypes: perStageSchema(patternList, DEFAULT_INSTANCE_TYPES,
            "Allowed instance and machine types per stage, as glob patterns (`*` matches anything), across SageMaker (ml.*), Vertex AI (n1-standard-4…) and Azure ML (Standard_DS3_v2…)."),
        acceleratorTypes: perStageSchema(patternList, DEFAULT_ACCELERATOR_TYPES, "Allowed GPU accelerators (Vertex AI acceleratorType) per stage; an empty list allows none."),
    },
} as const;

export const instanceTypeAllowList = resourceGuardrail({
    name: "instance-type-allow-list",
    description: "Serving instances and machine types are on the stage's allow-list: dev runs small CPU machines only; GPU families only where the stage allows them.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Pick an instance type from the stage's list (see policy/README.md), or have the platform team widen `instanceTypes` for that stage in the pack config.",
    configSchema: schema,
    metadata: { id: "CST-100", mirrors: ["AWS Config DESIRED_INSTANCE_TYPE", "Azure Policy: Allowed virtual machine size SKUs", "GCP Org Policy: restrict machine types (custom constraint)"], reads: SERVING_TYPES.machines },
    appliesTo: (type) => (SERVING_TYPES.machines as readonly string[]).includes(type),
    validate: (args, reportViolation) => {
        const config = configWithDefaults<InstanceTypesConfig>(args, schema);
        const stage = stageOf(args);
        const { instances, accelerators } = machineTypes(args.type, args.props);
        const check = (found: { property: string; value: unknown }, allowed: readonly string[] | undefined, what: string) => {
            if (allowed === undefined) return; // no list for this stage: no limit
            if (typeof found.value !== "string" || !matchesAny(found.value, allowed)) {
                reportViolation(violationMessage(args.name, found.property, found.value,
                    allowed.length === 0 ? `stage "${stage}" allows no ${what}` : `stage "${stage}" allows ${what} ${allowed.join(", ")}`));
            }
        };
        instances.forEach((found) => check(found, forStage(config.instanceTypes, stage), "instance types"));
        accelerators.forEach((found) => check(found, forStage(config.acceleratorTypes, stage), "accelerators"));
    },
});
