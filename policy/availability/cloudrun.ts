import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { GCP } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// Availability of Cloud Run services: a production service keeps warm instances, so losing one (or a
// cold start after scaling to zero) does not become a user-facing outage.

interface MinInstancesConfig extends GuardrailConfig {
    readonly minInstances: number;
}

const schema = {
    properties: {
        ...productionStagesSchema,
        minInstances: { type: "integer", minimum: 1, default: 2, description: "The fewest warm instances a production Cloud Run service may keep." },
    },
} as const;

type Props = Record<string, unknown>;
const objectAt = (props: Props, key: string): Props => {
    const value = props[key];
    return value !== null && typeof value === "object" ? (value as Props) : {};
};

/** The floor the service declares: the manual count, else the larger of the service-level and revision-level minimums. */
function declaredFloor(props: Props): { property: string; value: unknown } {
    const scaling = objectAt(props, "scaling");
    if (scaling["scalingMode"] === "MANUAL") return { property: "scaling.manualInstanceCount", value: scaling["manualInstanceCount"] };
    const service = { property: "scaling.minInstanceCount", value: scaling["minInstanceCount"] };
    const revision = { property: "template.scaling.minInstanceCount", value: objectAt(objectAt(props, "template"), "scaling")["minInstanceCount"] };
    const count = (found: { value: unknown }) => (typeof found.value === "number" ? found.value : -1);
    return count(revision) > count(service) ? revision : service;
}

export const prodCloudRunMinInstances = resourceGuardrail({
    name: "prod-cloudrun-min-instances",
    description: "A production Cloud Run service keeps at least 2 warm instances (service-level or revision-level minimum, or a manual count).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `scaling.minInstances` to 2 or more on the cloudrun target (it becomes the service's `scaling.minInstanceCount`).",
    configSchema: schema,
    metadata: { id: "AVL-030", mirrors: [], reads: [GCP.cloudRunService] },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<MinInstancesConfig>(args, schema);
        if (!isProduction(args, config.productionStages)) return;
        const floor = declaredFloor(args.props);
        if (typeof floor.value !== "number" || floor.value < config.minInstances) {
            reportViolation(violationMessage(args.name, floor.property, floor.value, `production requires at least ${config.minInstances}`));
        }
    },
});
