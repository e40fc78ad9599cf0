import { expect } from "chai";
import { StackConfigError, validateStackConfig } from "../../components/config";
import type { RecordedResource } from "../harness/recorder";
import { input, ofType, single } from "../harness/query";
import { misconfiguredStackFile, ProgramRun, readStackFile, runProgram, stackFilePath } from "../harness/run-program";
import { SynthReport, synthesize } from "../harness/synth";
import { configProblemsOf, mandatoryViolations, synthRefusal } from "../harness/verdict";

// The azureml target through the real program and the real stack files, under mocks, judged by the pack.

const DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment";
const AUTOSCALE = "azure-native:monitor:AutoscaleSetting";
const azureResources = (resources: readonly RecordedResource[]) => resources.filter((resource) => resource.type.startsWith("azure-native:"));
const mandatory = (report: SynthReport) => report.violations.filter((violation) => violation.level === "mandatory");
const AZURE_ML_POLICIES = ["prod-azureml-min-instances", "azureml-endpoint-auth", "acr-admin-user-disabled", "prod-azureml-workspace-private", "azureml-private-workspace-managed-network"];
/** The one Azure ML finding prod keeps on purpose: its workspace stays public (README, "Azure ML managed online endpoint"). */
const PUBLIC_WORKSPACE_ADVICE = "prod-azureml-workspace-private";

describe("the azureml target, per stack", () => {
    describe("prod", () => {
        let resources: RecordedResource[];
        let report: SynthReport;
        before(async () => { ({ resources, report } = await synthesize("prod", stackFilePath("prod"))); });

        it("runs 3 Standard_DS3_v2 instances, autoscaled 3–10 on CPU, with Entra ID auth", () => {
            const deployment = single(resources, DEPLOYMENT);
            expect(input(deployment, "sku", "capacity")).to.equal(3);
            expect(input(deployment, "properties", "instanceType")).to.equal("Standard_DS3_v2");
            expect(input(single(resources, AUTOSCALE), "profiles", 0, "capacity")).to.deep.equal({ minimum: "3", maximum: "10", default: "3" });
            expect(input(single(resources, "azure-native:machinelearningservices:OnlineEndpoint"), "properties", "authMode")).to.equal("AADToken");
        });

        it("builds the full Azure graph in eastus, every resource under the component", () => {
            const types = new Set(azureResources(resources).map((resource) => resource.type));
            for (const type of ["resources:ResourceGroup", "storage:StorageAccount", "keyvault:Vault", "operationalinsights:Workspace", "applicationinsights:Component",
                "containerregistry:Registry", "machinelearningservices:Workspace", "machinelearningservices:ModelVersion", "machinelearningservices:EnvironmentVersion",
                "machinelearningservices:OnlineEndpoint", "machinelearningservices:OnlineDeployment", "monitor:AutoscaleSetting"]) {
                expect(types, type).to.include(`azure-native:${type}`);
            }
            expect(input(single(resources, DEPLOYMENT), "location")).to.equal("eastus");
            // Microsoft Learn, "Network isolation with managed online endpoints": deployments with public outbound need a public workspace.
            expect(single(resources, "azure-native:machinelearningservices:Workspace").inputs["publicNetworkAccess"]).to.equal("Enabled");
            const parents = new Set(azureResources(resources).map((resource) => resource.parent));
            expect([...parents]).to.have.members(["azureml", "azureml-ws"]);
        });

        it("meets every mandatory guardrail; of the Azure ML advisory ones, only the public workspace's is reported", () => {
            expect(mandatory(report)).to.deep.equal([]);
            const azure = new Set(azureResources(resources).map((resource) => resource.name));
            const findings = report.violations.filter((violation) => azure.has(violation.resource));
            expect(findings.map((violation) => `${violation.policy} ${violation.level}`)).to.deep.equal([`${PUBLIC_WORKSPACE_ADVICE} advisory`]);
        });

        it("keeps its verdict at preview, when ids and the image digest are unknown", async () => {
            const preview = await synthesize("prod", stackFilePath("prod"), { preview: true });
            expect(mandatory(preview.report)).to.deep.equal([]);
            // The Azure ML rules read only values known at preview (config, not ids), so none of them is downgraded.
            expect(preview.report.violations.filter((violation) => AZURE_ML_POLICIES.includes(violation.policy)).map((violation) => `${violation.policy} ${violation.level}`))
                .to.deep.equal([`${PUBLIC_WORKSPACE_ADVICE} advisory`]);
        });
    });

    describe("dev", () => {
        let run: ProgramRun;
        before(async () => { run = await runProgram("dev", readStackFile(stackFilePath("dev"))); });

        it("runs one Standard_DS2_v2 instance with keys and no autoscale", () => {
            const deployment = single(run.resources, DEPLOYMENT);
            expect(input(deployment, "sku", "capacity")).to.equal(1);
            expect(input(deployment, "properties", "instanceType")).to.equal("Standard_DS2_v2");
            expect(ofType(run.resources, AUTOSCALE)).to.have.length(0);
            expect(input(single(run.resources, "azure-native:machinelearningservices:OnlineEndpoint"), "properties", "authMode")).to.equal("Key");
        });

        it("exports the outputs the smoke client reads, and no key", () => {
            const outputs = run.outputs["azureml"] as Record<string, string>;
            expect(Object.keys(outputs)).to.have.members(["scoringUri", "endpointName", "deploymentName", "workspaceName", "authMode", "registeredModelVersion"]);
            // What liveModelVersion names in the next rollout: model.version plus the content hash.
            expect(outputs["registeredModelVersion"]).to.match(/^1\.0\.0-[0-9a-f]{8}$/);
            expect(outputs).to.include({ deploymentName: "blue", workspaceName: "azureml-ws-workspace", authMode: "key" });
            expect(outputs["endpointName"]).to.match(/^churn-classifier-dev-[0-9a-f]{6}$/);
            expect(outputs["scoringUri"]).to.equal(`https://${outputs["endpointName"]}.eastus.inference.ml.azure.com/score`);
        });

        it("meets every mandatory guardrail", async () => {
            expect(await mandatoryViolations(run)).to.deep.equal([]);
        });
    });
});

describe("the azureml target's misconfigurations", () => {

    it("a prod deployment on one instance is denied by prod-azureml-min-instances, at preview too", async () => {
        for (const preview of [false, true]) {
            const { report } = await synthesize("prod", misconfiguredStackFile("prod-azureml-capacity-1.yaml"), { preview });
            const messages = mandatory(report).filter((violation) => violation.policy === "prod-azureml-min-instances").map((violation) => violation.message);
            expect(messages, `preview ${preview}`).to.have.members([
                "azureml-blue: sku.capacity is 1; production requires at least 2",
                'azureml-blue-autoscale: profiles[0].capacity.minimum is "1"; production requires at least 2',
            ]);
        }
    });

    it("auth none is refused before anything is built, naming the key and what Azure allows", async () => {
        const error = await synthRefusal("prod", misconfiguredStackFile("prod-azureml-auth-none.yaml"));
        expect(error).to.be.instanceOf(StackConfigError);
        expect((error as Error).message).to.include('ml-endpoints:targets.azureml.auth: auth "none" is not offered by Azure ML managed online endpoints, which always require a key or a Microsoft Entra ID token; allowed: key (default), iam');
    });

    it("lists every broken Azure ML rule at once, each naming its key, value and what is allowed", () => {
        const prod = readStackFile(stackFilePath("prod"));
        const raw = {
            stage: "prod",
            model: prod["ml-endpoints:model"],
            targets: {
                azureml: {
                    instanceType: "Standard_B2s",
                    instanceCount: 12,
                    scaling: { minInstances: 3, maxInstances: 10 },
                    auth: "jwt",
                    requestTimeoutSeconds: 600,
                    liveDeployment: "red",
                },
            },
        };
        const problems = configProblemsOf("prod", raw);
        expect(problems).to.include.members([
            'ml-endpoints:targets.azureml.instanceType: instanceType "Standard_B2s" is not offered by Azure ML managed online endpoints (e.g. Standard_DS2_v2, Standard_DS3_v2, Standard_F4s_v2, Standard_E4s_v3; see the managed online endpoints SKU list)',
            'ml-endpoints:targets.azureml.auth: auth "jwt" is not offered by Azure ML managed online endpoints, which always require a key or a Microsoft Entra ID token; allowed: key (default), iam',
        ]);
        expect(problems.some((problem) => problem.startsWith("ml-endpoints:targets.azureml.requestTimeoutSeconds:") && problem.includes("600"))).to.equal(true);
        expect(problems.some((problem) => problem.startsWith("ml-endpoints:targets.azureml.liveDeployment:") && problem.includes('"red"'))).to.equal(true);
    });

    it("refuses a private workspace and an in-place instance-type change, naming the key, the value and the rule", () => {
        const prod = readStackFile(stackFilePath("prod"));
        const azureml = { instanceType: "Standard_F4s_v2", liveInstanceType: "Standard_DS3_v2", workspacePublicNetworkAccess: "Disabled" };
        const problems = configProblemsOf("prod", { stage: "prod", model: prod["ml-endpoints:model"], targets: { azureml } });
        expect(problems.find((problem) => problem.startsWith("ml-endpoints:targets.azureml.workspacePublicNetworkAccess:"))).to.match(/"Disabled" would break every deployment: .*public outbound.*allowed: Enabled$/);
        expect(problems.find((problem) => problem.startsWith("ml-endpoints:targets.azureml.liveInstanceType:"))).to.match(/"Standard_DS3_v2" differs from instanceType.*"all-at-once".*Azure\/AML-Kubernetes#247/);
        const blueGreen = { ...azureml, workspacePublicNetworkAccess: "Enabled", rollout: { strategy: "blue-green", canaryPercent: 10 } };
        expect(() => validateStackConfig("prod", { stage: "prod", model: prod["ml-endpoints:model"], targets: { azureml: blueGreen } })).to.not.throw();
    });

    it("refuses an instance count outside the autoscale bounds", () => {
        const prod = readStackFile(stackFilePath("prod"));
        const raw = { stage: "prod", model: prod["ml-endpoints:model"], targets: { azureml: { instanceCount: 12, scaling: { minInstances: 3, maxInstances: 10 } } } };
        expect(() => validateStackConfig("prod", raw)).to.throw(StackConfigError,
            "ml-endpoints:targets.azureml.instanceCount: instanceCount 12 is outside the autoscale bounds 3–10 (scaling.minInstances–maxInstances)");
    });
});
