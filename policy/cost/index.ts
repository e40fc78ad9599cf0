import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

// Cost: instance types and fleet sizes stay within what each stage may spend.
// One file per target or cross-cloud rule; this index lists them for the pack.
export const costPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
];
