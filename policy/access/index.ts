import type { Guardrail } from "../lib/guardrail";
import { acrAdminUserDisabled, azureMlEndpointAuth, azureMlPrivateWorkspaceHasManagedNetwork, prodAzureMlWorkspacePrivate } from "./azureml";
import { prodCloudRunNotPublic } from "./cloudrun";
import { ecrImmutableTags, ecrScanOnPush } from "./ecr";
import { gcpNoPrimitiveRoles } from "./gcp-primitive-roles";
import { iamLeastPrivilege } from "./iam-least-privilege";
import { imagesPinnedByDigest } from "./images-pinned";
import { sageMakerNetworkIsolation } from "./sagemaker-network-isolation";
import { apiRoutesRequireAuth, apiRoutesRequireAuthOutsideProd, lambdaPermissionScoped } from "./lambda";

// Access: who may call an endpoint, and what our roles may do.
// One file per target or cross-cloud rule; this index lists them for the pack.
export const accessPolicies: Guardrail[] = [
    apiRoutesRequireAuth,
    apiRoutesRequireAuthOutsideProd,
    lambdaPermissionScoped,
    prodCloudRunNotPublic,
    sageMakerNetworkIsolation,
    ecrScanOnPush,
    ecrImmutableTags,
    iamLeastPrivilege,
    gcpNoPrimitiveRoles,
    imagesPinnedByDigest,
    azureMlEndpointAuth,
    acrAdminUserDisabled,
    prodAzureMlWorkspacePrivate,
    azureMlPrivateWorkspaceHasManagedNetwork,
];
