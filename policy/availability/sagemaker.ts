import { configWithDefaults, MinInstancesConfig, minInstancesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { AWS } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// Availability of SageMaker endpoints: a production endpoint survives the loss of one instance or zone.

interface SageMakerVariantProps {
    readonly variantName?: string;
    readonly initialInstanceCount?: number;
    readonly serverlessConfig?: object;
}

export const prodSageMakerMinInstances = resourceGuardrail({
    name: "prod-sagemaker-min-instances",
    description: "A production SageMaker endpoint keeps at least 2 instances: in its endpoint config's variants and in its autoscaling minimum.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `scaling.minInstances` to 2 or more on the sagemaker target, and use instances rather than serverless inference in production.",
    configSchema: minInstancesSchema,
    metadata: {
        id: "AVL-001",
        mirrors: ["AWS Config SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT", "SecurityHub SageMaker.4", "Prowler sagemaker_endpoint_config_prod_variant_instances"],
        reads: [AWS.sagemakerEndpointConfiguration, AWS.appautoscalingTarget],
    },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<MinInstancesConfig>(args, minInstancesSchema);
        if (!isProduction(args, config.productionStages)) return;
        const required = `production requires at least ${config.minInstances}`;

        if (args.type === AWS.appautoscalingTarget) {
            if (args.props["serviceNamespace"] !== "sagemaker") return;
            const minCapacity = args.props["minCapacity"];
            if (typeof minCapacity !== "number" || minCapacity < config.minInstances) {
                reportViolation(violationMessage(args.name, "minCapacity", minCapacity, required));
            }
            return;
        }
        const variants = (args.props["productionVariants"] ?? []) as SageMakerVariantProps[];
        variants.forEach((variant, index) => {
            const property = `productionVariants[${index}]`;
            if (variant.serverlessConfig !== undefined) {
                reportViolation(violationMessage(args.name, `${property}.serverlessConfig`, "serverless", `${required} standing instances; serverless inference has none`));
            } else if ((variant.initialInstanceCount ?? 0) < config.minInstances) {
                reportViolation(violationMessage(args.name, `${property}.initialInstanceCount`, variant.initialInstanceCount, required));
            }
        });
    },
});
