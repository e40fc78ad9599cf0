import type { Guardrail } from "../lib/guardrail";
import { prodCloudRunNotPublic } from "./cloudrun";
import { apiRoutesRequireAuth, apiRoutesRequireAuthOutsideProd, lambdaPermissionScoped } from "./lambda";

// Access: who may call an endpoint, and what our roles may do.
// One file per target or cross-cloud rule; this index lists them for the pack.
export const accessPolicies: Guardrail[] = [
    apiRoutesRequireAuth,
    apiRoutesRequireAuthOutsideProd,
    lambdaPermissionScoped,
    prodCloudRunNotPublic,
];
