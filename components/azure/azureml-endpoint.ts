import { createHash } from "node:crypto";
import * as path from "node:path";
import * as authorization from "@pulumi/azure-native/authorization";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as monitor from "@pulumi/azure-native/monitor";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import type { AuthMode, InferenceEndpointArgs } from "../args";
import { imageBuildArgs } from "../image-build";
import { artifactPath, readLocalModel } from "../model-artifact";
import { EndpointArgsError, MAX_CONCURRENT_ENV, nameSlug, resolveSettings, ResolvedSettings } from "../settings";
import { AcrImage } from "./acr-image";
import { DeploymentColor, EndpointTraffic, TrafficPlan, trafficSplit } from "./endpoint-traffic";
import { InstanceTypeGuard } from "./instance-type-guard";
import { AZUREML_DEFAULT_INSTANCE_TYPE, managedOnlineSku, quotaCores, unofferedSkuMessage } from "./instance-types";
import { isoDuration } from "./iso-duration";
import { AzureMlWorkspace, PublicNetworkAccess } from "./workspace";

export interface AzureMlEndpointArgs extends InferenceEndpointArgs {
    /** An existing resource group to build in. Default: a new one. */
    readonly resourceGroupName?: pulumi.Input<string>;
    /** The Azure region. Default: the resource group's (a new group takes the `azure-native:location` config). */
    readonly location?: pulumi.Input<string>;
    /**
     * The online endpoint's name: 3–32 letters, digits and dashes. It is the scoring URI's DNS label
     * (`<name>.<region>.inference.ml.azure.com`), so it must be unique in the region across all of Azure.
     * Default: `<model name>-<stage>-<6 hex digits of the Pulumi organization, project, stack and component name>`.
     */
    readonly endpointName?: string;
    /**
     * Instances each deployment starts with (its `sku.capacity`, the autoscale default). Must lie within
     * `scaling`. Default: `scaling.minInstances`.
     */
    readonly instanceCount?: number;
    /**
     * Public network access to the workspace (CKV_AZURE_144). Only `Enabled` is accepted: managed online
     * deployments without a workspace managed network reach the workspace API over public outbound, which
     * a workspace with public access disabled refuses ("Network isolation with managed online endpoints").
     * The private shape (a managed network provisioned before any deployment, a Premium registry, a private
     * endpoint for every client) is not built by this component. Default: `Enabled`.
     */
    readonly workspacePublicNetworkAccess?: PublicNetworkAccess;
    /** Public ingress to the scoring URI; callers still need a key or an Entra ID token. Default: `Enabled`. */
    readonly endpointPublicNetworkAccess?: PublicNetworkAccess;
    /** Seconds a scoring request may take. Default: 5 (Azure's default); at most 180. */
    readonly requestTimeoutSeconds?: number;
    /**
     * Requests one instance serves at once before Azure answers 429. Azure's default of 1 suits a
     * single-threaded Python scorer; our server is event-driven and serves many requests concurrently on
     * one process (thousands a second on 2 cores), so 1 would turn every burst into 429s. Default: 32.
     */
    readonly maxConcurrentRequestsPerInstance?: number;
    /**
     * The deployment serving the released model. During a blue/green or canary rollout the other colour
     * serves `model` with `rollout.canaryPercent` of the traffic; promote by making it the live one.
     * Default: `blue`.
     */
    readonly liveDeployment?: DeploymentColor;
    /**
     * The registered model version the live deployment serves while the candidate serves `model.version`; it
     * must already be registered in the workspace (earlier versions are kept when the model changes). An
     * uploaded model registers as `<model.version>-<8 hex digits of its content hash>`: the
     * `registeredModelVersion` of the earlier `up`. Default: `model.version`.
     */
    readonly liveModelVersion?: string;
    /**
     * The instance type the live deployment keeps while the candidate runs `instanceType`: Azure cannot
     * change a deployment's instance type in place, so a new type goes to the candidate colour of a
     * blue/green or canary rollout and becomes live on promotion. Default: `instanceType`.
     */
    readonly liveInstanceType?: string;
    /** Export the endpoint's primary key as a secret output (`auth: key` only). Default: false — fetch it with `az ml online-endpoint get-credentials`. */
    readonly exposeKeys?: boolean;
    /** The container registry's tier. Default: `Basic`. */
    readonly registrySku?: "Basic" | "Standard" | "Premium";
    /** Days the Log Analytics workspace keeps logs and telemetry. Default: 30. */
    readonly logRetentionDays?: number;
}

/** CPU utilisation (%) each instance should run at; autoscale adds an instance above it and removes one below half of it. */
const DEFAULT_TARGET_CPU_PERCENT = 70;
const SERVING_PORT = 8080;
/** Azure's own names for our auth modes: keys, or Microsoft Entra ID tokens. Never no auth: Azure ML has none. */
export const AZURE_AUTH_MODES: Readonly<Partial<Record<AuthMode, string>>> = { key: "Key", iam: "AADToken" };
/** The built-in role "Storage Blob Data Reader" (Azure built-in roles: Storage). */
const STORAGE_BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
/** Azure autoscale cooldowns run from one minute to one week. */
const COOLDOWN_BOUNDS_SECONDS = [60, 7 * 24 * 3600] as const;

/** The Pulumi organization; empty where the engine does not say (older CLIs, mocks without one). */
function organization(): string {
    try {
        return pulumi.getOrganization();
    } catch {
        return "";
    }
}

/** `<model>-<stage>-<hash>`: readable, and stable for this stack, yet unlikely to be taken by anyone else in the region. */
function defaultEndpointName(name: string, args: Pick<InferenceEndpointArgs, "model" | "stage">): string {
    const owner = `${organization()}/${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
    const suffix = createHash("sha256").update(owner).digest("hex").slice(0, 6);
    return `${nameSlug(`${args.model.name}-${args.stage}`, 25).replace(/^[^a-z]+/, "").replace(/-+$/, "")}-${suffix}`;
}

/** `trafficSplit`, its range error reported as this component's. */
function planTraffic(component: string, rollout: ResolvedSettings["rollout"], live: DeploymentColor): TrafficPlan {
    try {
        return trafficSplit(rollout.strategy, rollout.canaryPercent, live);
    } catch (error) {
        throw new EndpointArgsError(`${component}: ${(error as Error).message}`);
    }
}

/**
 * An Azure ML managed online endpoint serving an ONNX model with the `app/` server: a workspace (storage,
 * Key Vault, Application Insights, registry), the model uploaded and registered, the image pushed by
 * digest and registered as an environment with our routes, the endpoint (key or Entra ID auth), one
 * deployment — or blue and green during a rollout — with probes and request limits, the traffic map,
 * and CPU autoscale per deployment.
 */
export class AzureMlEndpoint extends pulumi.ComponentResource {
    /** The URI to POST scoring requests to. */
    public readonly scoringUri: pulumi.Output<string>;
    /** The online endpoint's name. */
    public readonly endpointName: pulumi.Output<string>;
    /** The live deployment's name (`blue` or `green`). */
    public readonly deploymentName: pulumi.Output<string>;
    /** The Azure ML workspace's name. */
    public readonly workspaceName: pulumi.Output<string>;
    /** The resource group everything lives in. */
    public readonly resourceGroupName: pulumi.Output<string>;
    /** The endpoint's auth mode in our vocabulary: `key` or `iam` (Entra ID tokens). */
    public readonly authMode: AuthMode;
    /** Deployment name → percent of traffic. */
    public readonly traffic: Readonly<Record<string, number>>;
    /** The serving image, pinned by digest. */
    public readonly imageUri: pulumi.Output<string>;
    /** The model version registered in the workspace: `<model.version>-<content hash>` for an uploaded model, else `model.version`. */
    public readonly registeredModelVersion: string;
    /** The endpoint's primary key, as a secret; only with `exposeKeys` and `auth: key`. */
    public readonly primaryKey?: pulumi.Output<string>;
    /**
     * Cores of the instance type's VM family quota the deployments need: `ceil(1.2 × instances) × cores`
     * per deployment, both colours during a rollout.
     */
    public readonly quotaCores: number;
    /** The settings this endpoint was built with, defaults applied. */
    public readonly settings: ResolvedSettings;

    constructor(name: string, args: AzureMlEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:azure:AzureMlEndpoint", name, {}, opts);
        const component = `AzureMlEndpoint "${name}"`;
        const fail = (message: string): never => {
            throw new EndpointArgsError(`${component}: ${message}`);
        };
        if (args.auth === "none" || args.auth === "jwt") {
            fail(`auth "${args.auth}" is not offered by Azure ML managed online endpoints, which always require a key or a Microsoft Entra ID token; allowed: key (default), iam`);
        }
        const settings = resolveSettings(component, args, {
            targetLoadPerInstance: DEFAULT_TARGET_CPU_PERCENT,
            auth: "key",
            supportedAuth: ["key", "iam"],
        });
        this.settings = settings;
        const { tags, scaling, rollout } = settings;
        this.authMode = settings.auth;
        const azureAuthMode = AZURE_AUTH_MODES[settings.auth]!;

        const instanceCount = args.instanceCount ?? scaling.minInstances;
        if (scaling.minInstances < 1) fail(`scaling.minInstances ${scaling.minInstances} must be ≥ 1: managed online deployments do not scale to zero`);
        if (!Number.isInteger(instanceCount) || instanceCount < scaling.minInstances || instanceCount > scaling.maxInstances) {
            fail(`instanceCount ${instanceCount} is outside the autoscale bounds ${scaling.minInstances}–${scaling.maxInstances} (scaling.minInstances–maxInstances)`);
        }
        if (args.instanceType !== undefined && typeof args.instanceType !== "string") {
            fail("instanceType must be a plain string on Azure ML, not an output: its quota and the in-place change guard are worked out before anything is deployed");
        }
        const instanceType = (args.instanceType as string | undefined) ?? AZUREML_DEFAULT_INSTANCE_TYPE;
        const liveInstanceType = args.liveInstanceType ?? instanceType;
        for (const [key, value] of [["instanceType", instanceType], ["liveInstanceType", liveInstanceType]] as const) {
            if (managedOnlineSku(value) === undefined) fail(unofferedSkuMessage(value).replace(/^instanceType/, key));
        }
        if (liveInstanceType.toLowerCase() !== instanceType.toLowerCase() && rollout.strategy === "all-at-once") {
            fail(`liveInstanceType "${liveInstanceType}" differs from instanceType "${instanceType}", but rollout.strategy "all-at-once" runs no candidate deployment to put the new type on; `
                + `Azure cannot change a deployment's instance type in place (Azure/AML-Kubernetes#247). Set rollout.strategy blue-green or canary`);
        }
        if (args.workspacePublicNetworkAccess === "Disabled") {
            fail(`workspacePublicNetworkAccess "Disabled" would break every deployment: managed online deployments reach the workspace API over public outbound, `
                + `and "if you plan on using a managed online deployment that uses public outbound, then you must also configure the workspace to allow public access" `
                + `(Microsoft Learn, "Network isolation with managed online endpoints"). This target builds no workspace managed network (isolationMode AllowInternetOutbound or AllowOnlyApprovedOutbound, `
                + `provisioned before any deployment, with a Premium registry); allowed: Enabled`);
        }
        if (scaling.targetLoadPerInstance <= 0 || scaling.targetLoadPerInstance >= 100) {
            fail(`scaling.targetLoadPerInstance ${scaling.targetLoadPerInstance} is a CPU percentage on Azure ML and must lie between 1 and 99`);
        }
        for (const key of ["scaleOutCooldownSeconds", "scaleInCooldownSeconds"] as const) {
            const seconds = scaling[key];
            if (seconds < COOLDOWN_BOUNDS_SECONDS[0] || seconds > COOLDOWN_BOUNDS_SECONDS[1]) {
                fail(`scaling.${key} ${seconds} is outside Azure autoscale's cooldown range, ${COOLDOWN_BOUNDS_SECONDS[0]} s (1 minute) to ${COOLDOWN_BOUNDS_SECONDS[1]} s (1 week)`);
            }
        }
        const requestTimeoutSeconds = args.requestTimeoutSeconds ?? 5;
        if (!Number.isInteger(requestTimeoutSeconds) || requestTimeoutSeconds < 1 || requestTimeoutSeconds > 180) {
            fail(`requestTimeoutSeconds ${requestTimeoutSeconds} must be a whole number from 1 to 180`);
        }
        const maxConcurrent = args.maxConcurrentRequestsPerInstance ?? 32;
        if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) fail(`maxConcurrentRequestsPerInstance ${maxConcurrent} must be a whole number ≥ 1`);
        // The server's in-flight bound has one owner, maxConcurrentRequestsPerInstance (checked again below for an Output).
        const maxConcurrentEnvProblem = (value: unknown) =>
            `environment.${MAX_CONCURRENT_ENV} "${String(value)}" is set from maxConcurrentRequestsPerInstance (${maxConcurrent}); change maxConcurrentRequestsPerInstance (a whole number ≥ 1) instead`;
        const plainEnvironment = args.environment !== null && typeof args.environment === "object" && !pulumi.Output.isInstance(args.environment) ? (args.environment as Record<string, unknown>) : {};
        if (plainEnvironment[MAX_CONCURRENT_ENV] !== undefined) fail(maxConcurrentEnvProblem(plainEnvironment[MAX_CONCURRENT_ENV]));
        const endpointName = args.endpointName ?? defaultEndpointName(name, args);
        if (!/^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/.test(endpointName)) {
            fail(`endpointName "${endpointName}" must be 3–32 letters, digits and dashes, starting with a letter and not ending with a dash`);
        }
        const artifactUri = args.model.artifactUri;
        if (typeof artifactUri === "string" && !artifactUri.startsWith("azureml://")) {
            fail(`model.artifactUri "${artifactUri}" must be an Azure ML datastore path (azureml://…/datastores/<name>/paths/<path>)`);
        }
        const plan = planTraffic(component, rollout, args.liveDeployment ?? "blue");
        this.traffic = plan.traffic;

        const workspace = new AzureMlWorkspace(`${name}-ws`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            publicNetworkAccess: args.workspacePublicNetworkAccess,
            purgeProtection: args.stage === "prod",
            registrySku: args.registrySku,
            logRetentionDays: args.logRetentionDays,
            tags,
        }, { parent: this });
        const inWorkspace = { resourceGroupName: workspace.resourceGroupName, workspaceName: workspace.workspaceName };
        const located = { ...inWorkspace, location: workspace.location, tags };

        // The model: its files uploaded to the workspace's storage, registered behind a datastore.
        const uploaded = args.model.path !== undefined ? this.uploadModel(name, args.model.path, component, workspace, args.model) : undefined;
        const modelUri = uploaded?.uri ?? pulumi.output(artifactUri as pulumi.Input<string>);
        // A registered version is immutable, so changed bytes under the same model.version roll out as a new
        // registered version, `<version>-<8 hex digits of the content hash>`, never a rewrite of the old one.
        const registeredVersion = uploaded === undefined ? args.model.version : `${args.model.version}-${uploaded.contentHash.slice(0, 8)}`;
        this.registeredModelVersion = registeredVersion;
        const modelContainer = new machinelearningservices.ModelContainer(`${name}-model`, {
            ...inWorkspace,
            name: args.model.name,
            properties: { description: `ml-endpoints: ${args.model.name}`, tags },
        }, { parent: this });
        // Versions are immutable and kept when the model moves on, so a live deployment can keep serving one.
        const modelVersion = new machinelearningservices.ModelVersion(`${name}-model-${nameSlug(registeredVersion, 50)}`, {
            ...inWorkspace,
            name: modelContainer.name,
            version: registeredVersion,
            properties: { modelType: "custom_model", modelUri, description: `ml-endpoints: ${args.model.name} ${args.model.version}`, tags },
        }, { parent: this, retainOnDelete: true });

        // The environment: our image by digest, with the routes our server answers.
        this.imageUri = args.image?.uri !== undefined
            ? pulumi.output(args.image.uri)
            : new AcrImage(`${name}-image`, { loginServer: workspace.registry.loginServer, ...imageBuildArgs(args.image) }, { parent: this }).imageUri;
        const environmentContainer = new machinelearningservices.EnvironmentContainer(`${name}-environment`, {
            ...inWorkspace,
            name: `${nameSlug(args.model.name, 200)}-serving`,
            properties: { description: "ml-endpoints: the app/ inference server (node + onnxruntime-node)", tags },
        }, { parent: this });
        const route = (routePath: string) => ({ path: routePath, port: SERVING_PORT });
        const environmentVersion = new machinelearningservices.EnvironmentVersion(`${name}-environment-version`, {
            ...inWorkspace,
            name: environmentContainer.name,
            // One version per image: the digest's hash names it, so a new image registers a new version.
            version: this.imageUri.apply((uri) => createHash("sha256").update(uri).digest("hex").slice(0, 16)),
            properties: {
                image: this.imageUri,
                osType: "Linux",
                inferenceConfig: { livenessRoute: route("/health/live"), readinessRoute: route("/health/ready"), scoringRoute: route("/score") },
                tags,
            },
        }, { parent: this, retainOnDelete: true });

        const endpointPublicNetworkAccess = args.endpointPublicNetworkAccess ?? "Enabled";
        const endpointArgs: machinelearningservices.OnlineEndpointArgs = {
            ...located,
            endpointName,
            identity: { type: "SystemAssigned" },
            properties: {
                authMode: azureAuthMode,
                publicNetworkAccess: endpointPublicNetworkAccess,
                description: `ml-endpoints: ${args.model.name} (${args.stage})`,
            },
        };
        // EndpointTraffic owns the traffic map. azure-native PUTs the whole endpoint from its inputs, and a
        // refresh copies the live map into them; ignoring both maps keeps whatever the state holds, so an
        // endpoint update never sends a map of its own.
        const endpoint = new machinelearningservices.OnlineEndpoint(`${name}-endpoint`, endpointArgs, {
            parent: this,
            ignoreChanges: ["properties.traffic", "properties.mirrorTraffic"],
        });

        const modelReadGrant = uploaded !== undefined ? [this.grantModelRead(name, endpoint, workspace, modelVersion, uploaded.subscriptionId)] : [];

        const liveModelId = args.liveModelVersion === undefined || args.liveModelVersion === args.model.version || args.liveModelVersion === registeredVersion
            ? modelVersion.id
            : pulumi.interpolate`${workspace.workspace.id}/models/${args.model.name}/versions/${args.liveModelVersion}`;
        const autoscaled = scaling.maxInstances > scaling.minInstances;
        if (autoscaled) {
            // azure-native always PUTs the whole deployment, and `ignoreChanges` re-sends the capacity in the
            // state (the starting one), so any update of a deployment resets its running instances.
            pulumi.log.warn(`${component}: an update to a deployment (model, image, environment, probes) sets its capacity back to instanceCount ${instanceCount} `
                + `until autoscale adds instances again (one per ${scaling.scaleOutCooldownSeconds} s cooldown above ${scaling.targetLoadPerInstance}% CPU). `
                + `Under load, roll out through the candidate colour (rollout.strategy blue-green or canary) instead.`, this);
        }
        const sku = managedOnlineSku(instanceType)!;
        this.quotaCores = quotaCores(sku, instanceCount) + (plan.candidate ? quotaCores(managedOnlineSku(liveInstanceType)!, instanceCount) : 0);
        const deployments: machinelearningservices.OnlineDeployment[] = [];
        for (const color of [plan.live, ...(plan.candidate ? [plan.candidate] : [])]) {
            const colorInstanceType = color === plan.live ? liveInstanceType : instanceType;
            const guard = new InstanceTypeGuard(`${name}-${color}-instance-type`, {
                component,
                deployment: color,
                instanceType: colorInstanceType,
                configKey: color === plan.live && args.liveInstanceType !== undefined ? "liveInstanceType" : "instanceType",
            }, { parent: this });
            const deployment = new machinelearningservices.OnlineDeployment(`${name}-${color}`, {
                ...located,
                endpointName: endpoint.name,
                deploymentName: color,
                sku: { name: "Default", capacity: instanceCount },
                properties: {
                    endpointComputeType: "Managed",
                    instanceType: colorInstanceType,
                    model: color === plan.live ? liveModelId : modelVersion.id,
                    environmentId: environmentVersion.id,
                    environmentVariables: pulumi.output(args.environment).apply((environment) => {
                        // Azure's front end enforces request_settings.max_concurrent_requests_per_instance and does not
                        // tell the container; the server's admission bound must be the same number (one owner: the arg).
                        const own = environment?.[MAX_CONCURRENT_ENV];
                        if (own !== undefined) fail(maxConcurrentEnvProblem(own));
                        return {
                            MODEL_NAME: args.model.name,
                            MODEL_VERSION: color === plan.live ? (args.liveModelVersion ?? args.model.version) : args.model.version,
                            ...environment,
                            [MAX_CONCURRENT_ENV]: String(maxConcurrent),
                        };
                    }),
                    appInsightsEnabled: true,
                    scaleSettings: { scaleType: "Default" },
                    livenessProbe: { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", failureThreshold: 3, successThreshold: 1 },
                    readinessProbe: { initialDelay: "PT5S", period: "PT5S", timeout: "PT2S", failureThreshold: 3, successThreshold: 1 },
                    requestSettings: {
                        requestTimeout: isoDuration(requestTimeoutSeconds),
                        maxConcurrentRequestsPerInstance: maxConcurrent,
                    },
                },
            // Autoscale owns the running capacity once it is on; Pulumi sets the starting point.
            // The candidate waits for the live deployment: Azure refuses a deployment operation while the
            // endpoint is Updating with another ("… because it is in Updating provisioning state", azure-sdk-for-net#36961).
            }, { parent: this, dependsOn: [guard, ...modelReadGrant, ...deployments], ignoreChanges: autoscaled ? ["sku.capacity"] : [] });
            if (autoscaled) this.autoscale(`${name}-${color}-autoscale`, deployment, instanceCount, settings, located);
            deployments.push(deployment);
        }

        new EndpointTraffic(`${name}-traffic`, {
            endpointId: endpoint.id,
            traffic: plan.traffic,
            // Every input of the endpoint: any change is a full PUT of it, after which the map is PUT again.
            endpointRevision: pulumi.output(endpointArgs).apply((inputs) => createHash("sha256").update(JSON.stringify(inputs)).digest("hex")),
        }, { parent: this, dependsOn: [endpoint, ...deployments] });

        this.scoringUri = endpoint.properties.scoringUri;
        this.endpointName = endpoint.name;
        this.deploymentName = pulumi.output(plan.live);
        this.workspaceName = workspace.workspaceName;
        this.resourceGroupName = workspace.resourceGroupName;
        if (args.exposeKeys) {
            if (settings.auth !== "key") fail(`exposeKeys needs auth "key"; auth "${settings.auth}" uses Entra ID tokens, which have no endpoint keys`);
            const keys = machinelearningservices.listOnlineEndpointKeysOutput({ ...inWorkspace, endpointName: endpoint.name }, { parent: this });
            this.primaryKey = pulumi.secret(keys.apply((found) => found.primaryKey ?? ""));
        }
        this.registerOutputs({
            scoringUri: this.scoringUri,
            endpointName: this.endpointName,
            deploymentName: this.deploymentName,
            workspaceName: this.workspaceName,
            authMode: this.authMode,
        });
    }

    /**
     * Uploads the model directory's files under `<name>/<version>/<content hash>/` of a private container and
     * returns its datastore URI, which depends on every blob, so nothing registers the model before it is there,
     * and the subscription it looked up for the URI (the model-read grant names it too).
     */
    private uploadModel(name: string, modelPath: string, component: string, workspace: AzureMlWorkspace, model: { name: string; version: string }): { uri: pulumi.Output<string>; contentHash: string; subscriptionId: pulumi.Output<string> } {
        const local = readLocalModel(component, modelPath);
        const account = { resourceGroupName: workspace.resourceGroupName, accountName: workspace.storageAccount.name };
        const container = new storage.BlobContainer(`${name}-models`, { ...account, containerName: "models", publicAccess: "None" }, { parent: this });
        const prefix = artifactPath(model, local.contentHash);
        const blobs = local.files.map((file) => new storage.Blob(`${name}-model-${nameSlug(file, 60)}`, {
            ...account,
            containerName: container.name,
            blobName: `${prefix}/${file}`,
            source: new pulumi.asset.FileAsset(path.join(local.dir, file)),
            contentType: "application/octet-stream",
            metadata: { contentHash: local.contentHash },
        // Kept when the model moves on, like the version registered over them: a live deployment may still serve it.
        }, { parent: this, retainOnDelete: true }));
        // Identity-based access: the endpoint's identity reads the workspace's storage; no keys in the datastore.
        const datastore = new machinelearningservices.Datastore(`${name}-models-datastore`, {
            resourceGroupName: workspace.resourceGroupName,
            workspaceName: workspace.workspaceName,
            name: "ml_endpoints_models",
            properties: {
                datastoreType: "AzureBlob",
                accountName: workspace.storageAccount.name,
                containerName: container.name,
                credentials: { credentialsType: "None" },
                description: "ml-endpoints: uploaded model artifacts",
            },
        }, { parent: this, dependsOn: blobs });
        const client = authorization.getClientConfigOutput({ parent: this });
        const uploaded = pulumi.all(blobs.map((blob) => blob.name));
        const uri = pulumi.all([client.subscriptionId, workspace.resourceGroupName, workspace.workspaceName, datastore.name, uploaded])
            .apply(([subscription, group, workspaceName, datastoreName]) =>
                `azureml://subscriptions/${subscription}/resourcegroups/${group}/workspaces/${workspaceName}/datastores/${datastoreName}/paths/${prefix}/`);
        return { uri, contentHash: local.contentHash, subscriptionId: client.subscriptionId };
    }

    /**
     * Storage Blob Data Reader on the `models` container for the endpoint's identity. Azure grants a
     * system-assigned endpoint identity that role only for "the default datastore of the workspace"
     * (Microsoft Learn, "Authentication for managed online endpoints", automatic role assignment), and our
     * models live in a container of their own. Scoped to the container, so it cannot collide with Azure's own
     * assignment (same role, principal and scope is a RoleAssignmentExists conflict). The model version
     * waits for the blobs and their container, so this waits for the version.
     */
    private grantModelRead(name: string, endpoint: machinelearningservices.OnlineEndpoint, workspace: AzureMlWorkspace, modelVersion: machinelearningservices.ModelVersion, subscriptionId: pulumi.Output<string>): authorization.RoleAssignment {
        return new authorization.RoleAssignment(`${name}-endpoint-reads-models`, {
            principalId: endpoint.identity.apply((identity) => identity?.principalId ?? ""),
            principalType: "ServicePrincipal",
            roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_BLOB_DATA_READER}`,
            scope: pulumi.interpolate`${workspace.storageAccount.id}/blobServices/default/containers/models`,
        }, { parent: this, dependsOn: [modelVersion] });
    }

    /** CPU autoscale for one deployment: out above the target, in below half of it, each with its cooldown. */
    private autoscale(
        resourceName: string,
        deployment: machinelearningservices.OnlineDeployment,
        instanceCount: number,
        settings: ResolvedSettings,
        located: { resourceGroupName: pulumi.Input<string>; location: pulumi.Input<string>; tags: Record<string, string> },
    ): monitor.AutoscaleSetting {
        const { scaling } = settings;
        const cpuRule = (operator: "GreaterThan" | "LessThan", threshold: number, direction: "Increase" | "Decrease", cooldownSeconds: number) => ({
            metricTrigger: {
                metricName: "CpuUtilizationPercentage",
                metricResourceUri: deployment.id,
                timeGrain: "PT1M",
                timeWindow: "PT5M",
                statistic: "Average" as const,
                timeAggregation: "Average" as const,
                operator,
                threshold,
            },
            scaleAction: { direction, type: "ChangeCount" as const, value: "1", cooldown: isoDuration(cooldownSeconds) },
        });
        return new monitor.AutoscaleSetting(resourceName, {
            resourceGroupName: located.resourceGroupName,
            location: located.location,
            tags: located.tags,
            targetResourceUri: deployment.id,
            enabled: true,
            profiles: [{
                name: "cpu",
                capacity: { minimum: String(scaling.minInstances), maximum: String(scaling.maxInstances), default: String(instanceCount) },
                rules: [
                    cpuRule("GreaterThan", scaling.targetLoadPerInstance, "Increase", scaling.scaleOutCooldownSeconds),
                    cpuRule("LessThan", Math.max(1, Math.round(scaling.targetLoadPerInstance / 2)), "Decrease", scaling.scaleInCooldownSeconds),
                ],
            }],
        }, { parent: this });
    }
}
