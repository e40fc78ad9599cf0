import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { list, read } from "../lib/props";
import { AWS, CROSS_CLOUD } from "../lib/resource-types";
import { isVertexDeployment } from "../lib/serving";
import { isProduction } from "../lib/stage";

// A production update shifts traffic gradually and rolls itself back on alarm, rather than replacing
// every instance at once. Visible in the plan on SageMaker (the endpoint's deploymentConfig) and on the
// Vertex deployment (its `rollout`, which the dynamic provider carries out and rolls back itself).

const schema = { properties: { ...productionStagesSchema } } as const;

export const prodBlueGreenAutoRollback = resourceGuardrail({
    name: "prod-blue-green-auto-rollback",
    description: "A production SageMaker endpoint updates blue/green and rolls back automatically on its alarms; a production Vertex deployment rolls out canary or blue/green.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediationSteps: "Set `rollout: { strategy: blue-green, autoRollback: true }` on the target (SageMaker: canary or linear traffic shifting with alarms).",
    configSchema: schema,
    metadata: { id: "AVL-101", mirrors: ["AWS Well-Architected REL08-BP04 (immutable, rolled-back deployments)"], reads: [AWS.sagemakerEndpoint, CROSS_CLOUD.dynamicResource] },
    appliesTo: (type, props) => type === AWS.sagemakerEndpoint || isVertexDeployment(type, props),
    validate: (args, reportViolation) => {
        const config = configWithDefaults<GuardrailConfig>(args, schema);
        if (!isProduction(args, config.productionStages)) return;
        if (args.type !== AWS.sagemakerEndpoint) {
            const strategy = read(args.props, "rollout", "strategy");
            if (strategy !== "blue-green" && strategy !== "canary") reportViolation(violationMessage(args.name, "rollout.strategy", strategy, "production should roll out blue-green or canary"));
            return;
        }
        const blueGreen = read(args.props, "deploymentConfig", "blueGreenUpdatePolicy");
        if (blueGreen === undefined) {
            reportViolation(violationMessage(args.name, "deploymentConfig.blueGreenUpdatePolicy", undefined, "production should update blue/green"));
            return;
        }
        const alarms = list(read(args.props, "deploymentConfig", "autoRollbackConfiguration", "alarms"));
        if (alarms.length === 0) {
            reportViolation(violationMessage(args.name, "deploymentConfig.autoRollbackConfiguration.alarms", alarms, "production should roll back on at least one alarm"));
        }
    },
});
