import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { read } from "../lib/props";
import { AZURE } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// Access to Azure ML endpoints and to what serves them: callers authenticate, the image registry takes
// no shared admin password, and in production the workspace is not reachable from the internet.

/** The online endpoint auth modes Azure offers; each requires a key or a token. */
const AUTH_MODES = ["Key", "AADToken", "AMLToken"];

export const azureMlEndpointAuth = resourceGuardrail({
    name: "azureml-endpoint-auth",
    description: "An Azure ML online endpoint sets its auth mode to Key, AADToken or AMLToken: callers always present a key or a token.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `auth` to `key` or `iam` on the azureml target (they become the endpoint's `authMode` Key or AADToken).",
    metadata: { id: "ACC-040", mirrors: [], reads: [AZURE.onlineEndpoint] },
    validate: (args, reportViolation) => {
        const authMode = read(args.props, "properties", "authMode");
        if (typeof authMode !== "string" || !AUTH_MODES.includes(authMode)) {
            reportViolation(violationMessage(args.name, "properties.authMode", authMode, `one of ${AUTH_MODES.join(", ")} is required`));
        }
    },
});

export const acrAdminUserDisabled = resourceGuardrail({
    name: "acr-admin-user-disabled",
    description: "An Azure Container Registry keeps its admin user off: pushes and pulls use Entra ID identities, not a shared password.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Leave `adminUserEnabled` unset or false; push with an Entra ID identity (the azureml target exchanges the deployer's token) and pull with the endpoint's managed identity.",
    metadata: { id: "ACC-041", mirrors: ["CKV_AZURE_137"], reads: [AZURE.containerRegistry] },
    validate: (args, reportViolation) => {
        const adminUserEnabled = read(args.props, "adminUserEnabled");
        if (adminUserEnabled === true) {
            reportViolation(violationMessage(args.name, "adminUserEnabled", adminUserEnabled, "the admin user must be off (false or unset)"));
        }
    },
});

const workspaceSchema = { properties: { ...productionStagesSchema } } as const;

/** The workspace managed network modes that give deployments private outbound (Azure's IsolationMode, less `Disabled`). */
const MANAGED_NETWORK_MODES = ["AllowInternetOutbound", "AllowOnlyApprovedOutbound"];

/** What a private workspace needs besides `publicNetworkAccess: Disabled`, for the advice of both rules. */
const PRIVATE_WORKSPACE_STEPS = "give the workspace a managed network (`managedNetwork.isolationMode` AllowInternetOutbound or AllowOnlyApprovedOutbound), "
    + "provision it before any deployment (`az ml workspace provision-network`), use a Premium container registry (private endpoints need it), "
    + "and reach the workspace through a private endpoint from every client, CI included";

/** `managedNetwork.isolationMode` when it is one that gives deployments private outbound; `undefined` otherwise. */
function privateOutboundMode(props: unknown): string | undefined {
    const mode = read(props, "managedNetwork", "isolationMode");
    return typeof mode === "string" && MANAGED_NETWORK_MODES.includes(mode) ? mode : undefined;
}

// Microsoft Learn, "Network isolation with managed online endpoints": "if you plan on using a managed online
// deployment that uses public outbound, then you must also configure the workspace to allow public access",
// because the deployment talks to the workspace API. Without a workspace managed network, outbound is public.
export const azureMlPrivateWorkspaceHasManagedNetwork = resourceGuardrail({
    name: "azureml-private-workspace-managed-network",
    description: "An Azure ML workspace with public network access disabled has a managed network, so its managed online deployments do not need public access to the workspace API.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: `Either leave public network access Enabled (the azureml target does), or ${PRIVATE_WORKSPACE_STEPS}.`,
    metadata: { id: "ACC-043", mirrors: [], reads: [AZURE.mlWorkspace] },
    validate: (args, reportViolation) => {
        if (read(args.props, "publicNetworkAccess") !== "Disabled" || privateOutboundMode(args.props) !== undefined) return;
        reportViolation(violationMessage(args.name, "managedNetwork.isolationMode", read(args.props, "managedNetwork", "isolationMode"),
            `publicNetworkAccess "Disabled" needs ${MANAGED_NETWORK_MODES.join(" or ")}: managed online deployments with public outbound must reach the workspace API publicly`));
    },
});

export const prodAzureMlWorkspacePrivate = resourceGuardrail({
    name: "prod-azureml-workspace-private",
    description: "A production Azure ML workspace disables public network access and has a managed network; it is reached over private endpoints.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediationSteps: `Disabling public network access alone breaks managed online deployments (ACC-043). To make the workspace private, set publicNetworkAccess Disabled and ${PRIVATE_WORKSPACE_STEPS}. `
        + "The azureml target builds none of this and keeps the workspace public (it refuses workspacePublicNetworkAccess: Disabled); callers and deployers still need Entra ID. The scoring endpoint's own ingress is separate.",
    configSchema: workspaceSchema,
    metadata: { id: "ACC-042", mirrors: ["CKV_AZURE_144"], reads: [AZURE.mlWorkspace] },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<GuardrailConfig>(args, workspaceSchema);
        if (!isProduction(args, config.productionStages)) return;
        const access = read(args.props, "publicNetworkAccess");
        if (access !== "Disabled") {
            reportViolation(violationMessage(args.name, "publicNetworkAccess", access, `production asks for "Disabled" with a workspace managed network (Azure's default is Enabled)`));
        }
    },
});
