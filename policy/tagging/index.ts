import type { Guardrail } from "../lib/guardrail";
import { requiredTags } from "./required-tags";

// Tagging: every taggable resource says which stage and model it serves and who manages it.
// One file per target or cross-cloud rule; this index lists them for the pack.
export const taggingPolicies: Guardrail[] = [
    requiredTags,
];
