import type { MockOutputs } from "../recorder";

// Plausible provider outputs for the Azure resources and invokes the components use: ARM ids built the
// way Azure builds them, so ids that feed other resources (autoscale targets, role scopes, model ids)
// look like the real thing under mocks.

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const TENANT = "11111111-1111-1111-1111-111111111111";
export const LOCATION = "eastus";
/** The online endpoint's system-assigned identity. */
export const ENDPOINT_PRINCIPAL = "66666666-6666-6666-6666-666666666666";

type Inputs = Record<string, unknown>;
const text = (value: unknown, fallback: string) => (typeof value === "string" && value !== "" ? value : fallback);
const group = (inputs: Inputs) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${text(inputs["resourceGroupName"], "rg")}`;
const provider = (inputs: Inputs, path: string) => `${group(inputs)}/providers/${path}`;
const workspace = (inputs: Inputs) => provider(inputs, `Microsoft.MachineLearningServices/workspaces/${text(inputs["workspaceName"], "ws")}`);

/** An ARM resource named by `nameKey` (or its logical name), with its id under `idOf`. */
function armResource(nameKey: string, idOf: (inputs: Inputs, name: string) => string, extra: (inputs: Inputs, name: string) => Inputs = () => ({})) {
    return (logicalName: string, inputs: Inputs) => {
        const name = text(inputs[nameKey], logicalName);
        return { name, id: idOf(inputs, name), ...extra(inputs, name) };
    };
}

export const azureMockOutputs: MockOutputs = {
    resources: {
        "azure-native:resources:ResourceGroup": armResource("resourceGroupName", (_inputs, name) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${name}`,
            (inputs) => ({ location: text(inputs["location"], LOCATION) })),
        "azure-native:storage:StorageAccount": armResource("accountName", (inputs, name) => provider(inputs, `Microsoft.Storage/storageAccounts/${name}`),
            (_inputs, name) => ({ primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` } })),
        "azure-native:storage:BlobContainer": armResource("containerName",
            (inputs, name) => provider(inputs, `Microsoft.Storage/storageAccounts/${text(inputs["accountName"], "account")}/blobServices/default/containers/${name}`)),
        "azure-native:storage:Blob": armResource("blobName", (inputs, name) => `https://${text(inputs["accountName"], "account")}.blob.core.windows.net/${text(inputs["containerName"], "container")}/${name}`,
            (inputs, name) => ({ url: `https://${text(inputs["accountName"], "account")}.blob.core.windows.net/${text(inputs["containerName"], "container")}/${name}` })),
        "azure-native:keyvault:Vault": armResource("vaultName", (inputs, name) => provider(inputs, `Microsoft.KeyVault/vaults/${name}`)),
        "azure-native:operationalinsights:Workspace": armResource("workspaceName", (inputs, name) => provider(inputs, `Microsoft.OperationalInsights/workspaces/${name}`),
            () => ({ customerId: "22222222-2222-2222-2222-222222222222" })),
        "azure-native:applicationinsights:Component": armResource("resourceName", (inputs, name) => provider(inputs, `Microsoft.Insights/components/${name}`)),
        "azure-native:containerregistry:Registry": armResource("registryName", (inputs, name) => provider(inputs, `Microsoft.ContainerRegistry/registries/${name}`),
            (_inputs, name) => ({ loginServer: `${name.toLowerCase()}.azurecr.io` })),
        "azure-native:machinelearningservices:Workspace": armResource("workspaceName", (inputs, name) => provider(inputs, `Microsoft.MachineLearningServices/workspaces/${name}`)),
        "azure-native:machinelearningservices:Datastore": armResource("name", (inputs, name) => `${workspace(inputs)}/datastores/${name}`),
        "azure-native:machinelearningservices:ModelContainer": armResource("name", (inputs, name) => `${workspace(inputs)}/models/${name}`),
        // A version's own name is its version; `name` in its inputs is its container's.
        "azure-native:machinelearningservices:ModelVersion": armResource("version", (inputs, name) => `${workspace(inputs)}/models/${text(inputs["name"], "model")}/versions/${name}`),
        "azure-native:machinelearningservices:EnvironmentContainer": armResource("name", (inputs, name) => `${workspace(inputs)}/environments/${name}`),
        "azure-native:machinelearningservices:EnvironmentVersion": armResource("version", (inputs, name) => `${workspace(inputs)}/environments/${text(inputs["name"], "env")}/versions/${name}`),
        "azure-native:machinelearningservices:OnlineEndpoint": armResource("endpointName", (inputs, name) => `${workspace(inputs)}/onlineEndpoints/${name}`,
            (inputs, name) => ({
                identity: { ...(inputs["identity"] as Inputs), principalId: ENDPOINT_PRINCIPAL, tenantId: TENANT },
                properties: {
                    ...(inputs["properties"] as Inputs),
                    scoringUri: `https://${name}.${text(inputs["location"], LOCATION)}.inference.ml.azure.com/score`,
                    swaggerUri: `https://${name}.${text(inputs["location"], LOCATION)}.inference.ml.azure.com/swagger.json`,
                    provisioningState: "Succeeded",
                },
            })),
        "azure-native:machinelearningservices:OnlineDeployment": armResource("deploymentName",
            (inputs, name) => `${workspace(inputs)}/onlineEndpoints/${text(inputs["endpointName"], "endpoint")}/deployments/${name}`),
        "azure-native:monitor:AutoscaleSetting": armResource("autoscaleSettingName", (inputs, name) => provider(inputs, `Microsoft.Insights/autoscalesettings/${name}`)),
        "azure-native:authorization:RoleAssignment": armResource("roleAssignmentName",
            (inputs) => `${text(inputs["scope"], "/")}/providers/Microsoft.Authorization/roleAssignments/33333333-3333-3333-3333-333333333333`),
        "pulumi-nodejs:dynamic/ml-endpoints:AcrLogin": () => ({ username: "00000000-0000-0000-0000-000000000000", password: "mock-acr-refresh-token" }),
    },
    calls: {
        "azure-native:authorization:getClientConfig": () => ({
            clientId: "44444444-4444-4444-4444-444444444444",
            objectId: "55555555-5555-5555-5555-555555555555",
            subscriptionId: SUBSCRIPTION,
            tenantId: TENANT,
        }),
        "azure-native:resources:getResourceGroup": (inputs) => ({
            name: inputs["resourceGroupName"],
            id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${String(inputs["resourceGroupName"])}`,
            location: LOCATION,
        }),
        "azure-native:machinelearningservices:listOnlineEndpointKeys": () => ({ primaryKey: "mock-primary-key", secondaryKey: "mock-secondary-key" }),
    },
};
