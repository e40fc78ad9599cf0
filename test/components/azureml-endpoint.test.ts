import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { AzureMlEndpoint, AzureMlEndpointArgs } from "../../components/azure/azureml-endpoint";
import { trafficSplit } from "../../components/azure/endpoint-traffic";
import { managedOnlineSku, quotaCores } from "../../components/azure/instance-types";
import { ROLLOUT_STRATEGIES } from "../../components/args";
import { ENDPOINT_PRINCIPAL } from "../harness/clouds/azure";
import type { RecordedResource } from "../harness/recorder";
import { input, ofType, single } from "../harness/query";
import { recordResources, resolve } from "../harness/run-program";

const MODEL = { name: "churn-classifier", version: "2.0.0", path: "app/model" };
const IMAGE_URI = "mlacr.azurecr.io/serving@sha256:" + "a".repeat(64);
const PROD_ARGS: AzureMlEndpointArgs = {
    stage: "prod",
    model: MODEL,
    image: { uri: IMAGE_URI },
    instanceType: "Standard_DS3_v2",
    instanceCount: 3,
    scaling: { minInstances: 3, maxInstances: 10, targetLoadPerInstance: 70, scaleOutCooldownSeconds: 300, scaleInCooldownSeconds: 600 },
    auth: "iam",
};

const T = {
    deployment: "azure-native:machinelearningservices:OnlineDeployment",
    endpoint: "azure-native:machinelearningservices:OnlineEndpoint",
    autoscale: "azure-native:monitor:AutoscaleSetting",
    traffic: "pulumi-nodejs:dynamic/ml-endpoints:EndpointTraffic",
    guard: "pulumi-nodejs:dynamic/ml-endpoints:InstanceTypeGuard",
    modelVersion: "azure-native:machinelearningservices:ModelVersion",
    environmentVersion: "azure-native:machinelearningservices:EnvironmentVersion",
};

async function build(args: AzureMlEndpointArgs) {
    const { resources, result } = await recordResources("test", () => new AzureMlEndpoint("azureml", args));
    return { resources, endpoint: result as unknown as AzureMlEndpoint };
}

const sum = (traffic: Record<string, number>) => Object.values(traffic).reduce((total, share) => total + share, 0);
const deploymentNamed = (resources: RecordedResource[], name: string) => ofType(resources, T.deployment).find((found) => found.inputs["deploymentName"] === name)!;

describe("AzureMlEndpoint", () => {
    describe("prod, all at once", () => {
        let resources: RecordedResource[];
        let endpoint: AzureMlEndpoint;
        before(async () => { ({ resources, endpoint } = await build(PROD_ARGS)); });

        it("sends all traffic to the one deployment, through a traffic resource that waits for it", () => {
            const traffic = single(resources, T.traffic);
            expect(traffic.inputs["traffic"]).to.deep.equal({ blue: 100 });
            const deployment = single(resources, T.deployment);
            expect(traffic.dependencies).to.include(deployment.urn);
            expect(String(traffic.inputs["endpointId"])).to.match(/\/onlineEndpoints\/churn-classifier-prod-[0-9a-f]{6}$/);
        });

        it("runs a Managed deployment of 3 Standard_DS3_v2 instances with probes, a request timeout and concurrency above Azure's 1", () => {
            const deployment = single(resources, T.deployment);
            expect(input(deployment, "sku")).to.deep.equal({ name: "Default", capacity: 3 });
            expect(input(deployment, "properties")).to.include({ endpointComputeType: "Managed", instanceType: "Standard_DS3_v2", appInsightsEnabled: true });
            expect(input(deployment, "properties", "requestSettings")).to.deep.equal({ requestTimeout: "PT5S", maxConcurrentRequestsPerInstance: 32 });
            expect(input(deployment, "properties", "livenessProbe")).to.include({ period: "PT10S", timeout: "PT2S", failureThreshold: 3 });
            expect(input(deployment, "properties", "readinessProbe")).to.include({ period: "PT5S", failureThreshold: 3 });
            expect(input(deployment, "properties", "environmentVariables")).to.deep.equal({ MODEL_NAME: "churn-classifier", MODEL_VERSION: "2.0.0", MAX_CONCURRENT_REQUESTS: "32" });
        });

        it("bounds the server's in-flight requests at maxConcurrentRequestsPerInstance, which Azure does not tell the container", async () => {
            // Azure ML "OnlineRequestSettings interface" (learn.microsoft.com/javascript/api/@azure/arm-machinelearning/
            // onlinerequestsettings), maxConcurrentRequestsPerInstance: "The number of maximum concurrent requests per
            // node allowed per deployment". Azure's front end enforces it; the container is not given it, so the
            // server (app/src/config.ts, MAX_CONCURRENT_REQUESTS) would otherwise admit 32 per CPU.
            const { resources: other } = await build({ ...PROD_ARGS, maxConcurrentRequestsPerInstance: 7 });
            const deployment = single(other, T.deployment);
            expect(input(deployment, "properties", "requestSettings", "maxConcurrentRequestsPerInstance")).to.equal(7);
            expect(input(deployment, "properties", "environmentVariables", "MAX_CONCURRENT_REQUESTS")).to.equal("7");
        });

        it("registers the image by digest with our server's routes on 8080", () => {
            const environment = single(resources, T.environmentVersion);
            expect(input(environment, "properties", "image")).to.equal(IMAGE_URI);
            expect(input(environment, "properties", "inferenceConfig")).to.deep.equal({
                livenessRoute: { path: "/health/live", port: 8080 },
                readinessRoute: { path: "/health/ready", port: 8080 },
                scoringRoute: { path: "/score", port: 8080 },
            });
            expect(input(single(resources, T.deployment), "properties", "environmentId")).to.match(/\/environments\/churn-classifier-serving\/versions\/[0-9a-f]{16}$/);
        });

        it("autoscales the deployment itself on CPU, with the stack's bounds and cooldowns as ISO 8601 durations", () => {
            const autoscale = single(resources, T.autoscale);
            const deployment = single(resources, T.deployment);
            // The target is the deployment's own id: the value and where it came from.
            expect(autoscale.propertyDependencies["targetResourceUri"]).to.deep.equal([deployment.urn]);
            expect(autoscale.inputs["targetResourceUri"]).to.match(/\/onlineEndpoints\/churn-classifier-prod-[0-9a-f]{6}\/deployments\/blue$/);
            expect(input(autoscale, "profiles", 0, "capacity")).to.deep.equal({ minimum: "3", maximum: "10", default: "3" });
            const [out, scaleIn] = input(autoscale, "profiles", 0, "rules") as { metricTrigger: Record<string, unknown>; scaleAction: Record<string, unknown> }[];
            expect(out!.metricTrigger).to.include({ metricName: "CpuUtilizationPercentage", operator: "GreaterThan", threshold: 70, metricResourceUri: autoscale.inputs["targetResourceUri"] });
            expect(out!.scaleAction).to.deep.equal({ direction: "Increase", type: "ChangeCount", value: "1", cooldown: "PT5M" });
            expect(scaleIn!.metricTrigger).to.include({ operator: "LessThan", threshold: 35 });
            expect(scaleIn!.scaleAction).to.include({ direction: "Decrease", cooldown: "PT10M" });
        });

        // Two owners of one map: azure-native PUTs the whole endpoint from its inputs (a refresh copies the live
        // map into them), EndpointTraffic PUTs the map. The endpoint ignores both maps; EndpointTraffic owns them.
        it("leaves the traffic and mirror maps to EndpointTraffic, which waits for the endpoint and every deployment", () => {
            const endpointResource = single(resources, T.endpoint);
            expect(endpointResource.options.ignoreChanges).to.have.members(["properties.traffic", "properties.mirrorTraffic"]);
            expect(input(endpointResource, "properties")).to.not.have.property("traffic");
            expect(single(resources, T.traffic).dependencies).to.include.members([endpointResource.urn, single(resources, T.deployment).urn]);
        });

        // Azure/AML-Kubernetes#247: a deployment's instance type cannot change in place.
        it("guards the deployment's instance type, and the deployment waits for the guard", () => {
            const guard = single(resources, T.guard);
            expect(guard.inputs).to.include({ deployment: "blue", instanceType: "Standard_DS3_v2", configKey: "instanceType" });
            expect(single(resources, T.deployment).dependencies).to.include(guard.urn);
        });

        // Microsoft Learn, "Manage and increase quotas … Azure Machine Learning": ceil(1.2 × instances) × cores.
        it("needs ceil(1.2 × 3) × 4 = 16 cores of quota, not 15", () => {
            expect(endpoint.quotaCores).to.equal(16);
        });

        it("authenticates with Entra ID tokens for auth iam", () => {
            expect(input(single(resources, T.endpoint), "properties", "authMode")).to.equal("AADToken");
            expect(endpoint.authMode).to.equal("iam");
        });

        it("keeps the registry's admin user off and the storage private, TLS 1.2, HTTPS only", () => {
            expect(single(resources, "azure-native:containerregistry:Registry").inputs).to.include({ adminUserEnabled: false, anonymousPullEnabled: false });
            expect(single(resources, "azure-native:storage:StorageAccount").inputs).to.include({ allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2", enableHttpsTrafficOnly: true });
            expect(single(resources, "azure-native:storage:BlobContainer").inputs).to.include({ publicAccess: "None" });
            expect(input(single(resources, "azure-native:keyvault:Vault"), "properties")).to.include({ enableRbacAuthorization: true, enablePurgeProtection: true });
        });

        it("uploads the model's files under one prefix and registers the version behind a keyless datastore", () => {
            const blobs = ofType(resources, "azure-native:storage:Blob").map((blob) => blob.inputs["blobName"]);
            expect(blobs.some((blob) => /^churn-classifier\/2-0-0\/[0-9a-f]{16}\/model\.onnx$/.test(String(blob))), String(blobs)).to.equal(true);
            expect(input(single(resources, "azure-native:machinelearningservices:Datastore"), "properties", "credentials")).to.deep.equal({ credentialsType: "None" });
            const version = single(resources, T.modelVersion);
            expect(version.inputs["name"]).to.equal("churn-classifier");
            expect(version.inputs["version"]).to.match(/^2\.0\.0-[0-9a-f]{8}$/);
            expect(input(version, "properties", "modelUri")).to.match(
                /^azureml:\/\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\/resourcegroups\/[^/]+\/workspaces\/[^/]+\/datastores\/ml_endpoints_models\/paths\/churn-classifier\/2-0-0\/[0-9a-f]{16}\/$/);
        });

        // Microsoft Learn, "Authentication for managed online endpoints": the automatic Storage Blob Data Reader
        // assignment covers "the default datastore of the workspace"; our models have a container of their own.
        it("lets the endpoint's identity read the models container, before any deployment mounts it", () => {
            const grant = single(resources, "azure-native:authorization:RoleAssignment");
            expect(grant.inputs).to.include({ principalId: ENDPOINT_PRINCIPAL, principalType: "ServicePrincipal" });
            expect(grant.inputs["roleDefinitionId"]).to.match(/\/providers\/Microsoft\.Authorization\/roleDefinitions\/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1$/);
            expect(grant.inputs["scope"]).to.match(/\/Microsoft\.Storage\/storageAccounts\/[^/]+\/blobServices\/default\/containers\/models$/);
            expect(single(resources, T.deployment).dependencies).to.include(grant.urn);
        });

        it("tags every taggable resource and parents every child under the component", () => {
            const names = new Set(resources.map((resource) => resource.name));
            const children = resources.filter((resource) => resource.name !== "azureml");
            expect(children.every((resource) => resource.parent !== undefined && names.has(resource.parent))).to.equal(true);
            const tagged = children.filter((resource) => "tags" in resource.inputs);
            expect(tagged.length).to.be.greaterThan(9);
            for (const resource of tagged) expect(resource.inputs["tags"], resource.name).to.include({ stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier" });
        });

        it("exposes the scoring URI, names and auth mode, and no key unless asked", async () => {
            const [scoringUri, endpointName, deploymentName] = await Promise.all([resolve(endpoint.scoringUri), resolve(endpoint.endpointName), resolve(endpoint.deploymentName)]);
            // The name is the scoring URI's DNS label, unique per region across Azure: model and stage, plus a stable hash of the stack.
            expect(endpointName).to.match(/^churn-classifier-prod-[0-9a-f]{6}$/);
            expect(scoringUri).to.equal(`https://${endpointName}.eastus.inference.ml.azure.com/score`);
            expect(deploymentName).to.equal("blue");
            expect(endpoint.primaryKey).to.equal(undefined);
        });
    });

    describe("prod, blue/green", () => {
        let resources: RecordedResource[];
        let endpoint: AzureMlEndpoint;
        before(async () => {
            ({ resources, endpoint } = await build({ ...PROD_ARGS, rollout: { strategy: "blue-green", canaryPercent: 10 }, liveModelVersion: "1.0.0" }));
        });

        it("runs green beside blue with the canary share, the map summing to 100", () => {
            const traffic = single(resources, T.traffic).inputs["traffic"] as Record<string, number>;
            expect(traffic).to.deep.equal({ blue: 90, green: 10 });
            expect(sum(traffic)).to.equal(100);
            expect(ofType(resources, T.deployment).map((deployment) => deployment.inputs["deploymentName"])).to.have.members(["blue", "green"]);
        });

        it("keeps blue on the released model version and puts the new one on green", () => {
            expect(input(deploymentNamed(resources, "blue"), "properties", "model")).to.match(/\/models\/churn-classifier\/versions\/1\.0\.0$/);
            expect(input(deploymentNamed(resources, "green"), "properties", "model")).to.match(/\/models\/churn-classifier\/versions\/2\.0\.0-[0-9a-f]{8}$/);
            expect(input(deploymentNamed(resources, "blue"), "properties", "environmentVariables")).to.include({ MODEL_VERSION: "1.0.0" });
        });

        // azure-sdk-for-net#36961: Azure refuses a deployment operation while the endpoint is Updating with another.
        it("creates or updates the candidate only after the live deployment", () => {
            expect(deploymentNamed(resources, "green").dependencies).to.include(deploymentNamed(resources, "blue").urn);
            expect(deploymentNamed(resources, "blue").dependencies).to.not.include(deploymentNamed(resources, "green").urn);
        });

        it("needs quota for both fleets: 16 + 16 = 32 cores", () => {
            expect(endpoint.quotaCores).to.equal(32);
        });

        it("autoscales each deployment on its own id", () => {
            const autoscales = ofType(resources, T.autoscale);
            expect(autoscales).to.have.length(2);
            const targets = autoscales.map((autoscale) => autoscale.propertyDependencies["targetResourceUri"]![0]);
            expect(targets).to.have.members(ofType(resources, T.deployment).map((deployment) => deployment.urn));
        });
    });

    describe("dev, one instance with keys", () => {
        let resources: RecordedResource[];
        let endpoint: AzureMlEndpoint;
        before(async () => {
            ({ resources, endpoint } = await build({
                stage: "dev", model: MODEL, image: { uri: IMAGE_URI }, instanceType: "Standard_DS2_v2",
                scaling: { minInstances: 1, maxInstances: 1 }, exposeKeys: true,
            }));
        });

        it("runs one instance without autoscale, with Key auth by default and no purge protection", () => {
            expect(input(single(resources, T.deployment), "sku", "capacity")).to.equal(1);
            expect(ofType(resources, T.autoscale)).to.have.length(0);
            expect(input(single(resources, T.endpoint), "properties", "authMode")).to.equal("Key");
            expect(input(single(resources, "azure-native:keyvault:Vault"), "properties", "enablePurgeProtection")).to.equal(undefined);
        });

        it("needs ceil(1.2 × 1) × 2 = 4 cores of quota, and warns of nothing about autoscale", () => {
            expect(endpoint.quotaCores).to.equal(4);
        });

        it("exposes the primary key only when asked, as a secret", async () => {
            expect(endpoint.primaryKey).to.not.equal(undefined);
            expect(await pulumi.isSecret(endpoint.primaryKey!)).to.equal(true);
            expect(await resolve(endpoint.primaryKey!)).to.equal("mock-primary-key");
        });
    });

    it("builds and pushes the image to the workspace registry with an exchanged Entra ID token when no image URI is given", async () => {
        const { resources } = await build({ ...PROD_ARGS, image: undefined });
        const image = single(resources, "docker:index/image:Image");
        const loginServer = single(resources, "azure-native:containerregistry:Registry").name + ".azurecr.io";
        expect(String(image.inputs["imageName"])).to.match(new RegExp(`^${loginServer}/ml-endpoints-serving:[0-9a-f]{16}$`));
        expect(input(image, "registry")).to.deep.include({ server: loginServer, username: "00000000-0000-0000-0000-000000000000" });
        expect(single(resources, "pulumi-nodejs:dynamic/ml-endpoints:AcrLogin").inputs["loginServer"]).to.equal(loginServer);
        expect(input(single(resources, T.environmentVersion), "properties", "image")).to.match(/@sha256:[0-9a-f]{64}$/);
    });

    it("leaves room in globally unique names for azure-native's 8-character random suffix, however long the component's name", async () => {
        const { resources } = await recordResources("test", () => new AzureMlEndpoint("fraud-detection-scoring-europe", PROD_ARGS));
        const prefix = (type: string) => single(resources, type).name;
        expect(prefix("azure-native:storage:StorageAccount")).to.match(/^[a-z0-9]{3,16}$/);
        expect(prefix("azure-native:keyvault:Vault")).to.match(/^[a-z][a-z0-9]{2,15}$/);
        expect(prefix("azure-native:containerregistry:Registry")).to.match(/^[a-z0-9]{5,42}$/);
        expect(prefix("azure-native:machinelearningservices:Workspace").length).to.be.at.most(33 - 8);
    });

    // The endpoint's whole input is one PUT: a change to any of it (here the region) re-applies the map after it.
    it("re-applies the traffic map after any change to the endpoint's inputs, not only auth, access and tags", async () => {
        const revision = async (change: Partial<AzureMlEndpointArgs>) => single((await build({ ...PROD_ARGS, ...change })).resources, T.traffic).inputs["endpointRevision"];
        const eastus = await revision({ location: "eastus" });
        expect(eastus).to.match(/^[0-9a-f]{64}$/);
        expect(await revision({ location: "westus2" })).to.not.equal(eastus);
        expect(await revision({ location: "eastus" })).to.equal(eastus);
    });

    it("puts a new instance type on the candidate while the live deployment keeps liveInstanceType", async () => {
        const { resources, endpoint } = await build({ ...PROD_ARGS, instanceType: "Standard_F4s_v2", liveInstanceType: "Standard_DS3_v2", rollout: { strategy: "blue-green", canaryPercent: 10 } });
        expect(input(deploymentNamed(resources, "blue"), "properties", "instanceType")).to.equal("Standard_DS3_v2");
        expect(input(deploymentNamed(resources, "green"), "properties", "instanceType")).to.equal("Standard_F4s_v2");
        const guards = ofType(resources, T.guard).map(({ inputs: { component, deployment, instanceType, configKey } }) => ({ component, deployment, instanceType, configKey }));
        expect(guards).to.deep.include.members([
            { component: `AzureMlEndpoint "azureml"`, deployment: "blue", instanceType: "Standard_DS3_v2", configKey: "liveInstanceType" },
            { component: `AzureMlEndpoint "azureml"`, deployment: "green", instanceType: "Standard_F4s_v2", configKey: "instanceType" },
        ]);
        expect(endpoint.quotaCores).to.equal(16 + 16);
    });

    // azure-native always PUTs the whole deployment; ignoreChanges re-sends the capacity in the state.
    it("says in the plan that a deployment update resets an autoscaled deployment to instanceCount", async () => {
        const warnings: string[] = [];
        const warn = pulumi.log.warn;
        pulumi.log.warn = async (message: string) => { warnings.push(message); };
        try {
            await build(PROD_ARGS);
            await build({ ...PROD_ARGS, scaling: { minInstances: 3, maxInstances: 3 } });
        } finally {
            pulumi.log.warn = warn;
        }
        const resets = warnings.filter((message) => /sets its capacity back to instanceCount 3 until autoscale adds instances again/.test(message));
        expect(resets).to.have.length(1);
        expect(resets[0]).to.match(/one per 300 s cooldown above 70% CPU/);
    });

    // Dynamic providers are serialized into the state and run from that text alone: everything they call must travel with them.
    it("serializes providers that run on their own: the traffic check, the CI credential, the instance-type guard", async () => {
        const { resources } = await build(PROD_ARGS);
        const providerOf = (type: string) => {
            const module = { exports: {} as { handler: () => Record<string, (...args: unknown[]) => Promise<{ failures?: { reason: string }[] }>> } };
            new Function("exports", "require", "module", String(single(resources, type).inputs["__provider"]))(module.exports, require, module);
            return module.exports.handler();
        };
        const traffic = providerOf(T.traffic);
        expect((await traffic["check"]!({}, { traffic: { blue: 50 } })).failures?.[0]?.reason).to.match(/sums to 50/);
        const saved = { ARM_USE_OIDC: process.env["ARM_USE_OIDC"], ARM_TENANT_ID: process.env["ARM_TENANT_ID"] };
        process.env["ARM_USE_OIDC"] = "true";
        delete process.env["ARM_TENANT_ID"];
        try {
            const failure = await traffic["create"]!({ endpointId: "/x", traffic: { blue: 100 }, armUrl: "http://127.0.0.1:9", apiVersion: "x", pollMs: 1 }).catch((error: Error) => error);
            expect((failure as Error).message).to.match(/ARM_USE_OIDC=true needs ARM_TENANT_ID and ARM_CLIENT_ID/);
        } finally {
            for (const [key, value] of Object.entries(saved)) {
                if (value === undefined) delete process.env[key];
                else process.env[key] = value;
            }
        }
        const guard = providerOf(T.guard);
        const news = { component: "c", deployment: "blue", instanceType: "Standard_F4s_v2", configKey: "instanceType" };
        expect((await guard["check"]!({ ...news, instanceType: "Standard_DS3_v2" }, news)).failures?.[0]?.reason).to.match(/cannot do/);
    });

    it("refuses bad args with messages naming the field, the value and what is allowed", () => {
        const refuse = (change: Partial<AzureMlEndpointArgs>, message: RegExp) =>
            expect(() => new AzureMlEndpoint("bad", { ...PROD_ARGS, ...change })).to.throw(message);
        refuse({ auth: "none" }, /auth "none" is not offered by Azure ML managed online endpoints.*allowed: key \(default\), iam/);
        refuse({ auth: "jwt" }, /auth "jwt" is not offered/);
        refuse({ environment: { MAX_CONCURRENT_REQUESTS: "5" } }, /environment.MAX_CONCURRENT_REQUESTS "5" is set from maxConcurrentRequestsPerInstance \(32\); change maxConcurrentRequestsPerInstance/);
        refuse({ instanceType: "Standard_B2s" }, /instanceType "Standard_B2s" is not offered by Azure ML managed online endpoints \(e\.g\. Standard_DS2_v2, Standard_DS3_v2/);
        refuse({ instanceCount: 11 }, /instanceCount 11 is outside the autoscale bounds 3–10/);
        refuse({ instanceCount: 2 }, /instanceCount 2 is outside the autoscale bounds 3–10/);
        refuse({ scaling: { ...PROD_ARGS.scaling, scaleOutCooldownSeconds: 30 } }, /scaling.scaleOutCooldownSeconds 30 is outside Azure autoscale's cooldown range, 60 s/);
        refuse({ rollout: { strategy: "canary", canaryPercent: 12.5 } }, /canaryPercent 12.5 must be a whole number/);
        refuse({ auth: "iam", exposeKeys: true }, /exposeKeys needs auth "key"/);
        // Microsoft Learn, "Network isolation with managed online endpoints": a deployment with public outbound needs a public workspace.
        refuse({ workspacePublicNetworkAccess: "Disabled" }, /workspacePublicNetworkAccess "Disabled" would break every deployment: .*public outbound.*allowed: Enabled/);
        refuse({ liveInstanceType: "Standard_F4s_v2" }, /liveInstanceType "Standard_F4s_v2" differs from instanceType "Standard_DS3_v2", but rollout\.strategy "all-at-once" runs no candidate/);
        refuse({ liveInstanceType: "Standard_B2s", rollout: { strategy: "blue-green", canaryPercent: 10 } }, /liveInstanceType "Standard_B2s" is not offered/);
    });
});

describe("trafficSplit", () => {
    it("always sums to 100 across both deployments, for every strategy, canary share and live colour", () => {
        for (const strategy of ROLLOUT_STRATEGIES) {
            for (const live of ["blue", "green"] as const) {
                for (let canary = 1; canary <= 99; canary++) {
                    const plan = trafficSplit(strategy, canary, live);
                    expect(sum(plan.traffic), `${strategy} ${live} ${canary}`).to.equal(100);
                    expect(plan.traffic[live]).to.equal(strategy === "all-at-once" ? 100 : 100 - canary);
                    expect(Object.keys(plan.traffic)).to.have.length(strategy === "all-at-once" ? 1 : 2);
                }
            }
        }
    });
});

// Microsoft Learn, "Manage and increase quotas … Azure Machine Learning" (virtual machine quota allocation for
// deployment): "ceil(1.2 * number of instances requested for deployment) * number of cores for the VM SKU …
// 10 instances of a Standard_DS3_v2 … 48 cores (12 instances * 4 cores)".
describe("quotaCores", () => {
    it("reserves whole instances: ceil(1.2 × instances) × cores, and nothing extra for exempt sizes", () => {
        const ds3 = managedOnlineSku("Standard_DS3_v2")!;
        expect([1, 3, 5, 10].map((instances) => quotaCores(ds3, instances))).to.deep.equal([8, 16, 24, 48]);
        expect(quotaCores(managedOnlineSku("Standard_DS2_v2")!, 1)).to.equal(4);
        expect(quotaCores(managedOnlineSku("Standard_NC24ads_A100_v4")!, 2)).to.equal(48);
    });
});
