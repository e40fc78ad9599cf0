import type { Guardrail } from "../lib/guardrail";
import { s3BucketsEncryptedAndPrivate } from "./artifact-buckets";
import { gcsBucketsNotPublic, gcsBucketsPrivate } from "./gcs-buckets";
import { prodSageMakerEndpointKms, sageMakerEndpointKms } from "./sagemaker-kms";
import { prodArtifactRegistryCmek, prodVertexEndpointCmek } from "./vertex";

// Encryption: model artifacts, images and endpoint storage are encrypted and private.
// One file per target or cross-cloud rule; this index lists them for the pack.
export const encryptionPolicies: Guardrail[] = [
    prodSageMakerEndpointKms,
    sageMakerEndpointKms,
    s3BucketsEncryptedAndPrivate,
    gcsBucketsPrivate,
    gcsBucketsNotPublic,
    prodVertexEndpointCmek,
    prodArtifactRegistryCmek,
];
