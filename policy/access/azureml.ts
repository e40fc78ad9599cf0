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

export const prodAzureMlWorkspacePrivate = resourceGuardrail({
    name: "prod-azureml-workspace-private",
    description: "A production Azure ML workspace disables public network access; it is reached over private endpoints.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediationSteps: "Set `workspacePublicNetworkAccess: Disabled` on the azureml target and reach the workspace (studio, `az ml`) through a private endpoint. The scoring endpoint's own ingress is separate.",
    configSchema: workspaceSchema,
    metadata: { id: "ACC-042", mirrors: ["CKV_AZURE_144"], reads: [AZURE.mlWorkspace] },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<GuardrailConfig>(args, workspaceSchema);
        if (!isProduction(args, config.productionStages)) return;
        const access = read(args.props, "publicNetworkAccess");
        if (access !== "Disabled") {
            reportViolation(violationMessage(args.name, "publicNetworkAccess", access, `production requires "Disabled" (Azure's default is Enabled)`));
        }
    },
});
