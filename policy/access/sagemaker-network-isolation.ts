import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { read } from "../lib/props";
import { AWS } from "../lib/resource-types";

// The model container needs no network on SageMaker (the model is mounted, the image is pulled for it),
// so with isolation on, a compromised model cannot call out.

export const sageMakerNetworkIsolation = resourceGuardrail({
    name: "sagemaker-model-network-isolation",
    description: "SageMaker models run their container with network isolation.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediationSteps: "Leave `networkIsolation` on (the default) on the sagemaker target.",
    metadata: { id: "ACC-001", mirrors: ["CKV_AWS_370", "AWS Config SAGEMAKER_MODEL_ISOLATION_ENABLED", "Prowler sagemaker_models_network_isolation_enabled"], reads: [AWS.sagemakerModel] },
    validate: (args, reportViolation) => {
        const isolated = read(args.props, "enableNetworkIsolation");
        if (isolated !== true) reportViolation(violationMessage(args.name, "enableNetworkIsolation", isolated, "should be true"));
    },
});
