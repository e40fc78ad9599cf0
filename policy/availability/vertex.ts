import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { peek, read } from "../lib/props";
import { GCP } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// Availability of Vertex AI deployments: a production model keeps at least two replicas, so losing one
// (a node upgrade, a zone) does not take the endpoint down. The deployment is our dynamic provider resource
// (type `pulumi-nodejs:dynamic:Resource`), recognised by its `kind` prop; `minReplicaCount` comes from the
// stack config, so it is known at preview.

interface MinReplicasConfig extends GuardrailConfig {
    readonly minReplicas: number;
}

const schema = {
    properties: {
        ...productionStagesSchema,
        minReplicas: { type: "integer", minimum: 1, default: 2, description: "The fewest replicas a production Vertex AI deployment may keep." },
    },
} as const;

/** True for a VertexModelDeployment (its `kind` is known at preview; other dynamic resources lack it). */
export function isVertexModelDeployment(type: string, props: unknown): boolean {
    return type === GCP.vertexModelDeployment && peek(props, "kind") === GCP.vertexModelDeploymentKind;
}

export const prodVertexMinReplicas = resourceGuardrail({
    name: "prod-vertex-min-replicas",
    description: "A production Vertex AI deployment keeps at least 2 replicas (`dedicatedResources.minReplicaCount`).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `scaling.minInstances` to 2 or more on the vertex target (it becomes the deployed model's minReplicaCount).",
    configSchema: schema,
    metadata: { id: "AVL-020", mirrors: [], reads: [GCP.vertexModelDeployment] },
    appliesTo: isVertexModelDeployment,
    validate: (args, reportViolation) => {
        const config = configWithDefaults<MinReplicasConfig>(args, schema);
        if (!isProduction(args, config.productionStages)) return;
        const minReplicaCount = read(args.props, "minReplicaCount");
        if (typeof minReplicaCount !== "number" || minReplicaCount < config.minReplicas) {
            reportViolation(violationMessage(args.name, "minReplicaCount", minReplicaCount, `production requires at least ${config.minReplicas}`));
        }
    },
});
