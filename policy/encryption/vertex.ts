import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { read } from "../lib/props";
import { GCP } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// Customer-managed encryption keys for what a Vertex AI target stores: the endpoint (and the models
// deployed to it) and the Artifact Registry repository holding the serving image. Advisory: Google
// encrypts everything at rest anyway; a CMEK adds control over the key (rotation, revocation, audit).

const schema = { properties: { ...productionStagesSchema } } as const;
const remediation = "Set `kmsKeyName` on the vertex target (a Cloud KMS key in the endpoint's region); the component grants the services' agents use of the key.";

export const prodVertexEndpointCmek = resourceGuardrail({
    name: "prod-vertex-endpoint-cmek",
    description: "A production Vertex AI endpoint is encrypted with a customer-managed key (`encryptionSpec.kmsKeyName`).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediationSteps: remediation,
    configSchema: schema,
    metadata: { id: "ENC-020", mirrors: ["CKV2_GCP_24"], reads: [GCP.vertexEndpoint] },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<GuardrailConfig>(args, schema);
        if (!isProduction(args, config.productionStages)) return;
        const key = read(args.props, "encryptionSpec", "kmsKeyName");
        if (typeof key !== "string" || key === "") {
            reportViolation(violationMessage(args.name, "encryptionSpec.kmsKeyName", key, "production should use a customer-managed Cloud KMS key"));
        }
    },
});

export const prodArtifactRegistryCmek = resourceGuardrail({
    name: "prod-artifact-registry-cmek",
    description: "A production Artifact Registry repository (the serving image) is encrypted with a customer-managed key (`kmsKeyName`).",
    severity: "low",
    enforcementLevel: "advisory",
    remediationSteps: `${remediation} The stack's shared image repository takes its key from the image settings of whoever builds it.`,
    configSchema: schema,
    metadata: { id: "ENC-021", mirrors: ["CKV_GCP_84"], reads: [GCP.artifactRegistryRepository] },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<GuardrailConfig>(args, schema);
        if (!isProduction(args, config.productionStages)) return;
        const key = read(args.props, "kmsKeyName");
        if (typeof key !== "string" || key === "") {
            reportViolation(violationMessage(args.name, "kmsKeyName", key, "production should use a customer-managed Cloud KMS key"));
        }
    },
});
