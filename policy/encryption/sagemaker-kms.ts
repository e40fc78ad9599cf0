import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { isUnknown, read } from "../lib/props";
import { AWS } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// SageMaker endpoint config encryption (CKV_AWS_98): a customer-managed KMS key for the ML storage volumes.
// Mandatory in production and advisory elsewhere, as two policies, so each level stays configurable.

const schema = { properties: { ...productionStagesSchema } } as const;

function sagemakerKmsGuardrail(production: boolean) {
    return resourceGuardrail({
        name: production ? "prod-sagemaker-endpoint-kms" : "sagemaker-endpoint-kms",
        description: production
            ? "A production SageMaker endpoint config encrypts its ML storage volumes with a customer-managed KMS key."
            : "Outside production, a SageMaker endpoint config should still encrypt its ML storage volumes with a KMS key.",
        severity: production ? "high" : "medium",
        enforcementLevel: production ? "mandatory" : "advisory",
        remediationSteps: "Leave `createKmsKey` on (the default in prod) or give `kmsKeyArn` on the sagemaker target.",
        configSchema: schema,
        metadata: { id: production ? "ENC-001" : "ENC-002", mirrors: ["CKV_AWS_98", "AWS Config SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED"], reads: [AWS.sagemakerEndpointConfiguration] },
        validate: (args, reportViolation) => {
            const config = configWithDefaults<GuardrailConfig>(args, schema);
            if (isProduction(args, config.productionStages) !== production) return;
            // An ARN unknown at preview comes from a key the stack creates: it will be set.
            if (isUnknown(args.props, "kmsKeyArn")) return;
            const kmsKeyArn = read(args.props, "kmsKeyArn");
            if (typeof kmsKeyArn !== "string" || kmsKeyArn === "") {
                reportViolation(violationMessage(args.name, "kmsKeyArn", kmsKeyArn, "a KMS key ARN is required"));
            }
        },
    });
}

export const prodSageMakerEndpointKms = sagemakerKmsGuardrail(true);
export const sageMakerEndpointKms = sagemakerKmsGuardrail(false);
