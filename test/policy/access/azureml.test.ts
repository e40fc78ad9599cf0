import { expect } from "chai";
import { acrAdminUserDisabled, azureMlEndpointAuth, azureMlPrivateWorkspaceHasManagedNetwork, prodAzureMlWorkspacePrivate } from "../../../policy/access/azureml";
import { AZURE } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

const PROD_TAGS = { stage: "prod", "managed-by": "ml-endpoints", model: "churn" };

describe("policy azureml-endpoint-auth", () => {
    const compliant = { endpointName: "churn-prod", properties: { authMode: "AADToken", publicNetworkAccess: "Enabled" }, tags: PROD_TAGS };

    it("passes an endpoint with Key or AADToken auth", async () => {
        expect(await violationsOf(azureMlEndpointAuth, resource(AZURE.onlineEndpoint, compliant))).to.deep.equal([]);
        const key = mutate(compliant, (endpoint) => { endpoint.properties.authMode = "Key"; });
        expect(await violationsOf(azureMlEndpointAuth, resource(AZURE.onlineEndpoint, key))).to.deep.equal([]);
    });

    it("denies an endpoint without an auth mode, in every stage", async () => {
        const props = mutate(compliant, (endpoint) => { delete (endpoint.properties as { authMode?: string }).authMode; endpoint.tags.stage = "dev"; });
        const [violation] = await violationsOf(azureMlEndpointAuth, resource(AZURE.onlineEndpoint, props, { name: "azureml-endpoint" }));
        expect(violation).to.include({ level: "mandatory", resource: "azureml-endpoint" });
        expect(violation?.message).to.equal("azureml-endpoint: properties.authMode is not set; one of Key, AADToken, AMLToken is required");
    });

    it("denies an auth mode Azure does not define", async () => {
        const props = mutate(compliant, (endpoint) => { endpoint.properties.authMode = "None"; });
        const [violation] = await violationsOf(azureMlEndpointAuth, resource(AZURE.onlineEndpoint, props));
        expect(violation?.message).to.match(/properties.authMode is "None"/);
    });
});

describe("policy acr-admin-user-disabled", () => {
    const compliant = { sku: { name: "Basic" }, adminUserEnabled: false, anonymousPullEnabled: false, tags: PROD_TAGS };

    it("passes a registry with the admin user off or unset", async () => {
        expect(await violationsOf(acrAdminUserDisabled, resource(AZURE.containerRegistry, compliant))).to.deep.equal([]);
        const unset = mutate(compliant, (registry) => { delete (registry as { adminUserEnabled?: boolean }).adminUserEnabled; });
        expect(await violationsOf(acrAdminUserDisabled, resource(AZURE.containerRegistry, unset))).to.deep.equal([]);
    });

    it("denies the admin user, naming the property", async () => {
        const props = mutate(compliant, (registry) => { registry.adminUserEnabled = true; });
        const [violation] = await violationsOf(acrAdminUserDisabled, resource(AZURE.containerRegistry, props, { name: "azuremlwsacr" }));
        expect(violation).to.include({ policy: "acr-admin-user-disabled", level: "mandatory" });
        expect(violation?.message).to.equal("azuremlwsacr: adminUserEnabled is true; the admin user must be off (false or unset)");
    });
});

describe("policy prod-azureml-workspace-private", () => {
    const compliant = { publicNetworkAccess: "Disabled", managedNetwork: { isolationMode: "AllowInternetOutbound" }, sku: { name: "Basic" }, tags: PROD_TAGS };

    it("passes a prod workspace with public network access disabled", async () => {
        expect(await violationsOf(prodAzureMlWorkspacePrivate, resource(AZURE.mlWorkspace, compliant))).to.deep.equal([]);
    });

    it("advises against public network access in prod, and says nothing in dev", async () => {
        const props = mutate(compliant, (workspace) => { workspace.publicNetworkAccess = "Enabled"; });
        const [violation] = await violationsOf(prodAzureMlWorkspacePrivate, resource(AZURE.mlWorkspace, props, { name: "ws" }));
        expect(violation).to.include({ level: "advisory" });
        expect(violation?.message).to.equal('ws: publicNetworkAccess is "Enabled"; production asks for "Disabled" with a workspace managed network (Azure\'s default is Enabled)');
        const dev = mutate(props, (workspace) => { workspace.tags.stage = "dev"; });
        expect(await violationsOf(prodAzureMlWorkspacePrivate, resource(AZURE.mlWorkspace, dev))).to.deep.equal([]);
    });

    it("treats an unset value as Azure's default, Enabled", async () => {
        const props = mutate(compliant, (workspace) => { delete (workspace as { publicNetworkAccess?: string }).publicNetworkAccess; });
        expect(await violationsOf(prodAzureMlWorkspacePrivate, resource(AZURE.mlWorkspace, props))).to.have.length(1);
    });
});

// Microsoft Learn, "Network isolation with managed online endpoints": "if you plan on using a managed online
// deployment that uses public outbound, then you must also configure the workspace to allow public access".
describe("policy azureml-private-workspace-managed-network", () => {
    const privateWorkspace = { publicNetworkAccess: "Disabled", managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" }, tags: PROD_TAGS };

    it("passes a public workspace, and a private one with a managed network", async () => {
        expect(await violationsOf(azureMlPrivateWorkspaceHasManagedNetwork, resource(AZURE.mlWorkspace, { publicNetworkAccess: "Enabled", tags: PROD_TAGS }))).to.deep.equal([]);
        expect(await violationsOf(azureMlPrivateWorkspaceHasManagedNetwork, resource(AZURE.mlWorkspace, privateWorkspace))).to.deep.equal([]);
    });

    it("denies, in every stage, a private workspace without a managed network or with isolationMode Disabled", async () => {
        const dev = { ...PROD_TAGS, stage: "dev" };
        const bare = { publicNetworkAccess: "Disabled", tags: dev };
        const [violation] = await violationsOf(azureMlPrivateWorkspaceHasManagedNetwork, resource(AZURE.mlWorkspace, bare, { name: "ws" }));
        expect(violation).to.include({ policy: "azureml-private-workspace-managed-network", level: "mandatory" });
        expect(violation?.message).to.equal('ws: managedNetwork.isolationMode is not set; publicNetworkAccess "Disabled" needs AllowInternetOutbound or AllowOnlyApprovedOutbound: managed online deployments with public outbound must reach the workspace API publicly');
        const modeDisabled = mutate(privateWorkspace, (workspace) => { workspace.managedNetwork.isolationMode = "Disabled"; });
        expect(await violationsOf(azureMlPrivateWorkspaceHasManagedNetwork, resource(AZURE.mlWorkspace, modeDisabled))).to.have.length(1);
    });
});
