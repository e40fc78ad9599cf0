import type { Guardrail } from "../lib/guardrail";

// Encryption: model artifacts, images and endpoint storage are encrypted and private.
// One file per target or cross-cloud rule; this index lists them for the pack.
export const encryptionPolicies: Guardrail[] = [
];
