import type { Policies } from "@pulumi/policy";
import { accessPolicies } from "./access";
import { availabilityPolicies } from "./availability";
import { costPolicies } from "./cost";
import { encryptionPolicies } from "./encryption";
import { loggingPolicies } from "./logging";
import { taggingPolicies } from "./tagging";

/**
 * Every guardrail in the pack, by concern. The pack entry (index.ts) and the offline synth both read
 * this list, so the CLI and the synth always judge by the same code. Importing it starts no gRPC server.
 */
export const ALL_POLICIES: Policies = [
    ...availabilityPolicies,
    ...accessPolicies,
    ...encryptionPolicies,
    ...loggingPolicies,
    ...costPolicies,
    ...taggingPolicies,
];
