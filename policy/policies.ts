import type { Policies } from "@pulumi/policy";
import { availabilityPolicies } from "./availability";

/**
 * Every guardrail in the pack. The pack entry (index.ts) and the offline synth both read this list,
 * so the CLI and the synth always judge by the same code. Importing it starts no gRPC server.
 */
export const ALL_POLICIES: Policies = [
    ...availabilityPolicies,
];
