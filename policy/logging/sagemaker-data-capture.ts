import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { read } from "../lib/props";
import { AWS } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// Captured requests and responses are what model-quality monitoring and incident replay work from.

const schema = { properties: { ...productionStagesSchema } } as const;

export const prodSageMakerDataCapture = resourceGuardrail({
    name: "prod-sagemaker-data-capture",
    description: "A production SageMaker endpoint config captures a sample of requests and responses.",
    severity: "low",
    enforcementLevel: "advisory",
    remediationSteps: "Set `dataCapture: { enabled: true, samplingPercent: 20 }` on the sagemaker target.",
    configSchema: schema,
    metadata: { id: "LOG-001", mirrors: ["AWS Well-Architected ML Lens: monitor model quality"], reads: [AWS.sagemakerEndpointConfiguration] },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<GuardrailConfig>(args, schema);
        if (!isProduction(args, config.productionStages)) return;
        const enabled = read(args.props, "dataCaptureConfig", "enableCapture");
        if (enabled !== true) reportViolation(violationMessage(args.name, "dataCaptureConfig.enableCapture", enabled, "production should capture data"));
    },
});
