import { configWithDefaults, DEFAULT_MAX_INSTANCES, forStage, PerStage, perStageSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { asCount } from "../lib/props";
import { SERVING_TYPES, servingCeilings } from "../lib/serving";
import { stageOf } from "../lib/stage";

// The cost guard on fleet size: no target may scale (or be pinned) beyond its stage's cap.

interface MaxInstancesConfig {
    readonly maxInstances: PerStage<number>;
}

const schema = {
    properties: {
        maxInstances: perStageSchema({ type: "integer", minimum: 1 }, DEFAULT_MAX_INSTANCES,
            "The most serving instances (autoscaling maximum, replicas, or fixed count) one target may reach, per stage."),
    },
} as const;

export const maxInstancesCap = resourceGuardrail({
    name: "max-instances-cap",
    description: "No target's autoscaling maximum (or fixed instance count) exceeds its stage's cap: by default dev 4, staging 10, prod 20.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: "Lower `scaling.maxInstances` on the target, or have the platform team raise `maxInstances` for that stage in the pack config.",
    configSchema: schema,
    metadata: { id: "CST-101", mirrors: [], reads: SERVING_TYPES.floors },
    appliesTo: (type) => (SERVING_TYPES.floors as readonly string[]).includes(type),
    validate: (args, reportViolation) => {
        const config = configWithDefaults<MaxInstancesConfig>(args, schema);
        const stage = stageOf(args);
        const cap = forStage(config.maxInstances, stage);
        if (cap === undefined) return;
        for (const ceiling of servingCeilings(args.type, args.props)) {
            const count = asCount(ceiling.value);
            if (count === undefined || count > cap) {
                reportViolation(violationMessage(args.name, ceiling.property, ceiling.value, `stage "${stage}" allows at most ${cap}`));
            }
        }
    },
});
