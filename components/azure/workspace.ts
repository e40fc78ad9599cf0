import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { nameSlug } from "../settings";

/** Whether a resource answers requests from the public internet; Azure's own two values. */
export type PublicNetworkAccess = "Enabled" | "Disabled";

export interface AzureMlWorkspaceArgs {
    /** An existing resource group to build in. Default: a new one, named after the component. */
    readonly resourceGroupName?: pulumi.Input<string>;
    /** The Azure region. Default: the resource group's (a new group takes the `azure-native:location` config). */
    readonly location?: pulumi.Input<string>;
    /**
     * Public network access to the workspace (CKV_AZURE_144 asks for Disabled). `Disabled` alone breaks
     * managed online deployments, which reach the workspace API over public outbound unless the workspace
     * has a managed network provisioned before them (policy ACC-043); studio, the `az ml` CLI and CI then
     * need a private endpoint too. This component builds no managed network. The scoring endpoint's own
     * ingress is set on the endpoint. Default: `Enabled`.
     */
    readonly publicNetworkAccess?: PublicNetworkAccess;
    /** Key Vault purge protection: a deleted vault cannot be purged for its retention period. Default: false (true in prod, set by the endpoint). */
    readonly purgeProtection?: boolean;
    /** The container registry's tier. Default: `Basic` (Premium is needed for private endpoints). */
    readonly registrySku?: "Basic" | "Standard" | "Premium";
    /** Days the Log Analytics workspace keeps logs and Application Insights telemetry. Default: 30. */
    readonly logRetentionDays?: number;
    /** Tags for every resource. Default: none. */
    readonly tags?: Record<string, string>;
}

// Logical names double as the prefix of the Azure name, to which azure-native adds 8 random characters:
// they are cut so the whole stays within Azure's limits (storage and Key Vault 24, workspace 33).

/** A name of lowercase letters and digits only (storage accounts, registries), cut to leave room for the random suffix. */
function alphanumericName(name: string, suffix: string, maxLength: number): string {
    return `${name.toLowerCase().replace(/[^a-z0-9]/g, "")}`.slice(0, maxLength - suffix.length) + suffix;
}

/**
 * An Azure ML workspace and what it needs: a storage account (no public blob access, TLS 1.2, HTTPS only),
 * a Key Vault (RBAC authorization, soft delete), Application Insights on a Log Analytics workspace, and a
 * container registry with the admin user off.
 */
export class AzureMlWorkspace extends pulumi.ComponentResource {
    public readonly resourceGroupName: pulumi.Output<string>;
    public readonly location: pulumi.Output<string>;
    public readonly workspace: machinelearningservices.Workspace;
    public readonly workspaceName: pulumi.Output<string>;
    public readonly storageAccount: storage.StorageAccount;
    public readonly registry: containerregistry.Registry;
    public readonly logAnalytics: operationalinsights.Workspace;

    constructor(name: string, args: AzureMlWorkspaceArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:azure:AzureMlWorkspace", name, {}, opts);
        const tags = args.tags;
        const child = { parent: this };

        if (args.resourceGroupName === undefined) {
            const group = new resources.ResourceGroup(`${name}-rg`, { location: args.location, tags }, child);
            this.resourceGroupName = group.name;
            this.location = group.location;
        } else {
            this.resourceGroupName = pulumi.output(args.resourceGroupName);
            this.location = args.location !== undefined
                ? pulumi.output(args.location)
                : resources.getResourceGroupOutput({ resourceGroupName: args.resourceGroupName }, child).location;
        }
        const placement = { resourceGroupName: this.resourceGroupName, location: this.location, tags };

        // Shared-key access stays on: azure-native's storage.Blob uploads with the account key
        // (pulumi-azure-native#2015), and the workspace's default datastores use it too.
        this.storageAccount = new storage.StorageAccount(alphanumericName(name, "st", 16), {
            ...placement,
            kind: "StorageV2",
            sku: { name: "Standard_LRS" },
            allowBlobPublicAccess: false,
            minimumTlsVersion: "TLS1_2",
            enableHttpsTrafficOnly: true,
            encryption: {
                keySource: "Microsoft.Storage",
                services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
            },
        }, child);

        const client = authorization.getClientConfigOutput(child);
        const vault = new keyvault.Vault(alphanumericName(name, "kv", 16), {
            ...placement,
            properties: {
                tenantId: client.tenantId,
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                enableSoftDelete: true,
                softDeleteRetentionInDays: 90,
                // Purge protection cannot be turned off again once on: only where it is asked for.
                enablePurgeProtection: args.purgeProtection ? true : undefined,
            },
        }, child);

        this.logAnalytics = new operationalinsights.Workspace(`${name}-logs`, {
            ...placement,
            sku: { name: "PerGB2018" },
            retentionInDays: args.logRetentionDays ?? 30,
        }, child);
        const insights = new applicationinsights.Component(`${name}-insights`, {
            ...placement,
            kind: "web",
            applicationType: "web",
            ingestionMode: "LogAnalytics",
            workspaceResourceId: this.logAnalytics.id,
        }, child);

        this.registry = new containerregistry.Registry(alphanumericName(name, "acr", 42), {
            ...placement,
            sku: { name: args.registrySku ?? "Basic" },
            adminUserEnabled: false,
            anonymousPullEnabled: false,
            publicNetworkAccess: "Enabled", // the deployer pushes from outside Azure
        }, child);

        this.workspace = new machinelearningservices.Workspace(`${nameSlug(name, 15)}-workspace`, {
            ...placement,
            identity: { type: "SystemAssigned" },
            sku: { name: "Basic", tier: "Basic" },
            friendlyName: name,
            storageAccount: this.storageAccount.id,
            keyVault: vault.id,
            applicationInsights: insights.id,
            containerRegistry: this.registry.id,
            publicNetworkAccess: args.publicNetworkAccess ?? "Enabled",
        }, child);
        this.workspaceName = this.workspace.name;

        this.registerOutputs({ resourceGroupName: this.resourceGroupName, workspaceName: this.workspaceName });
    }
}
