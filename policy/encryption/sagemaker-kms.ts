import { stageSplitGuardrails } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { isUnknown, read } from "../lib/props";
import { AWS } from "../lib/resource-types";

// SageMaker endpoint config encryption (CKV_AWS_98): a customer-managed KMS key for the ML storage volumes.
// Mandatory in production and advisory elsewhere, as two policies, so each level stays configurable.

export const [prodSageMakerEndpointKms, sageMakerEndpointKms] = stageSplitGuardrails({
    production: {
        name: "prod-sagemaker-endpoint-kms",
        id: "ENC-001",
        description: "A production SageMaker endpoint config encrypts its ML storage volumes with a customer-managed KMS key.",
        severity: "high",
    },
    elsewhere: {
        name: "sagemaker-endpoint-kms",
        id: "ENC-002",
        description: "Outside production, a SageMaker endpoint config should still encrypt its ML storage volumes with a KMS key.",
        severity: "medium",
    },
    remediationSteps: "Leave `createKmsKey` on (the default in prod) or give `kmsKeyArn` on the sagemaker target.",
    mirrors: ["CKV_AWS_98", "AWS Config SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED"],
    reads: [AWS.sagemakerEndpointConfiguration],
    validate: (args, reportViolation) => {
        // An ARN unknown at preview comes from a key the stack creates: it will be set.
        if (isUnknown(args.props, "kmsKeyArn")) return;
        const kmsKeyArn = read(args.props, "kmsKeyArn");
        if (typeof kmsKeyArn !== "string" || kmsKeyArn === "") {
            reportViolation(violationMessage(args.name, "kmsKeyArn", kmsKeyArn, "a KMS key ARN is required"));
        }
    },
});
