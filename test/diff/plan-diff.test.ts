// The plan diff's machinery: the replace-rules table covers the program, classification follows the table,
// the resource options and the dynamic providers' own diff, and the git-ref side runs that commit's synth.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { classify, MissingReplaceRuleError } from "../harness/diff/classify";
import { diffSides, formatPlanDiff, hazardExitCode } from "../harness/diff/plan-diff";
import { isComponentType, replaceRules, ruleKey } from "../harness/diff/rules";
import { readStackFile, REPO_ROOT, stackFilePath } from "../harness/run-program";
import { STACKS } from "../harness/stacks";
import { SynthReport, synthesize } from "../harness/synth";
import { planBothSides, plannedResources, SidePlan } from "../harness/two-sided";


type Reported = SynthReport["resources"][number];
/** A report as older synths wrote it (no urn, dependencies or id): the diff derives the engine's URNs. */
type OlderReported = Pick<Reported, "type" | "name" | "parent" | "inputs" | "options">;
const olderReport = (stack: string, resources: OlderReported[]): SynthReport => ({ stack, organization: "organization", resources, violations: [] }) as unknown as SynthReport;
const side = (label: string, resources: OlderReported[]): SidePlan => ({ label, report: olderReport("dev", resources) });
const resource = (type: string, name: string, inputs: Record<string, unknown>, options: Partial<NonNullable<Reported["options"]>> = {}): OlderReported => ({
    type, name, parent: null, inputs,
    options: { deleteBeforeReplace: false, retainOnDelete: false, protect: false, ignoreChanges: [], replaceOnChanges: [], ...options },
});

describe("plan diff: the replace-rules table", function () {
    this.timeout(60_000);

    it("finds the dev, staging and prod stack files", () => {
        expect(STACKS).to.include.members(["dev", "staging", "prod"]);
    });

    for (const stack of STACKS) {
        it(`has an entry, with its source, for every resource type stack ${stack} creates`, async () => {
            const { report } = await synthesize(stack, stackFilePath(stack));
            const types = new Set(report.resources.filter((found) => !isComponentType(found.type)).map((found) => ruleKey(found.type, found.inputs)));
            expect(types.size).to.be.greaterThan(10);
            const rules = replaceRules();
            expect([...types].filter((type) => rules[type] === undefined), "types the table lacks").to.deep.equal([]);
            for (const type of types) expect(rules[type]!.source, type).to.match(/terraform-provider-(aws|google)|azure-rest-api-specs|azure-native|pulumi-docker|components\//);
        });
    }

    it("refuses to classify a type it lacks, naming the type", async () => {
        const unknown = resource("aws:sagemaker/notebookInstance:NotebookInstance", "notebook", { instanceType: "ml.t3.medium" });
        const error = await classify(side("base", [unknown]), side("head", [unknown])).then(() => undefined, (failure: Error) => failure);
        expect(error).to.be.instanceOf(MissingReplaceRuleError);
        expect(error!.message).to.include("aws:sagemaker/notebookInstance:NotebookInstance");
    });
});

describe("plan diff: classification", () => {
    const ENDPOINT = "aws:sagemaker/endpoint:Endpoint";
    const TARGET = "aws:appautoscaling/target:Target";

    it("replaces on a ForceNew property and updates in place otherwise (terraform-provider-aws endpoint.go, target.go)", async () => {
        const base = side("base", [
            resource(ENDPOINT, "endpoint", { name: "churn-prod", endpointConfigName: "config-a" }),
            resource(TARGET, "scaling", { resourceId: "endpoint/churn-prod/variant/primary", minCapacity: 2, maxCapacity: 10 }),
        ]);
        const head = side("head", [
            resource(ENDPOINT, "endpoint", { name: "churn-prod-2", endpointConfigName: "config-a" }),
            resource(TARGET, "scaling", { resourceId: "endpoint/churn-prod/variant/primary", minCapacity: 2, maxCapacity: 12 }),
        ]);
        const changes = await classify(base, head);
        expect(changes.map((change) => [change.name, change.action, change.replaceReasons])).to.deep.equal([
            ["endpoint", "replace", ["name"]],
            ["scaling", "update", []],
        ]);
    });

    it("takes deleteBeforeReplace from the resource options, and a fixed-name delete-before-replace of an endpoint is an outage", async () => {
        const base = side("base", [resource(ENDPOINT, "endpoint", { name: "a", deploymentConfig: { autoRollbackConfiguration: { alarms: [{ alarmName: "x" }] } } })]);
        const head = side("head", [resource(ENDPOINT, "endpoint", { name: "a" }, { deleteBeforeReplace: true })]);
        const diff = await diffSides("prod", "prod", base, head);
        expect(diff.changes[0]).to.include({ action: "replace", replaceMode: "delete-before-replace" });
        expect(diff.changes[0]!.replaceReasons).to.deep.equal(["deploymentConfig.autoRollbackConfiguration"]);
        expect(diff.hazards.map((hazard) => `${hazard.kind}:${hazard.level}`)).to.deep.equal(["outage:mandatory"]);
        expect(diff.hazards[0]!.message).to.include("until the new endpoint is InService");
        expect(hazardExitCode(diff)).to.equal(1);
    });

    it("drops paths under ignoreChanges, as the engine does", async () => {
        const deployment = "azure-native:machinelearningservices:OnlineDeployment";
        const base = side("base", [resource(deployment, "blue", { deploymentName: "blue", sku: { name: "Default", capacity: 3 } }, { ignoreChanges: ["sku.capacity"] })]);
        const head = side("head", [resource(deployment, "blue", { deploymentName: "blue", sku: { name: "Default", capacity: 5 } }, { ignoreChanges: ["sku.capacity"] })]);
        expect((await classify(base, head))[0]!.action).to.equal("same");
    });

    it("asks a dynamic provider's own diff (vertexDeploymentProvider: project replaces, machineType rolls out in place)", async () => {
        const kind = "ml-endpoints:gcp:VertexModelDeployment";
        const inputs = { kind, project: "p1", region: "us-central1", endpoint: "e", machineType: "n1-standard-4" };
        const dynamic = "pulumi-nodejs:dynamic:Resource";
        const moved = await classify(side("base", [resource(dynamic, "d", inputs)]), side("head", [resource(dynamic, "d", { ...inputs, project: "p2" })]));
        expect(moved[0]).to.include({ action: "replace", replaceMode: "create-before-delete" });
        expect(moved[0]!.replaceReasons).to.deep.equal(["project"]);
        const resized = await classify(side("base", [resource(dynamic, "d", inputs)]), side("head", [resource(dynamic, "d", { ...inputs, machineType: "n1-standard-8" })]));
        expect(resized[0]!.action).to.equal("update");
    });

    it("reports what a dynamic provider's own check refuses (InstanceTypeGuard) as a mandatory hazard", async () => {
        const guard = "pulumi-nodejs:dynamic/ml-endpoints:InstanceTypeGuard";
        const inputs = { component: "AzureMlEndpoint \"azureml\"", deployment: "blue", instanceType: "Standard_DS3_v2", configKey: "targets.azureml.instanceType" };
        const diff = await diffSides("dev", "dev", side("base", [resource(guard, "guard", inputs)]), side("head", [resource(guard, "guard", { ...inputs, instanceType: "Standard_DS4_v2" })]));
        expect(diff.hazards.map((hazard) => `${hazard.kind}:${hazard.level}`)).to.deep.equal(["refused-in-place:mandatory"]);
        expect(diff.hazards[0]!.message).to.contain("Azure/AML-Kubernetes#247");
    });

    it("reports creates and deletes by URN, and a table grouped by target with the forcing properties", async () => {
        const base = side("base", [resource(ENDPOINT, "old-endpoint", { name: "a" })]);
        const head = side("head", [resource(ENDPOINT, "new-endpoint", { name: "b" })]);
        const diff = await diffSides("dev", "dev", base, head);
        expect(diff.counts).to.include({ create: 1, delete: 1 });
        expect(diff.changes.map((change) => change.urn)).to.deep.equal([
            "urn:pulumi:dev::ml-endpoints::aws:sagemaker/endpoint:Endpoint::new-endpoint",
            "urn:pulumi:dev::ml-endpoints::aws:sagemaker/endpoint:Endpoint::old-endpoint",
        ]);
        expect(formatPlanDiff(diff)).to.match(/new-endpoint[\s\S]*-\s+delete\s+aws:sagemaker\/endpoint:Endpoint\s+old-endpoint/);
    });

    it("derives engine URNs (full parent type chain) for reports that lack them", () => {
        const report = olderReport("prod", [
            { type: "ml-endpoints:gcp:CloudRunEndpoint", name: "cloudrun", parent: null, inputs: {} },
            { type: "ml-endpoints:gcp:GcsModelArtifact", name: "cloudrun-model", parent: "cloudrun", inputs: {} },
            { type: "gcp:storage/bucket:Bucket", name: "cloudrun-model-bucket", parent: "cloudrun-model", inputs: {} },
        ]);
        expect(plannedResources(report)[2]!.urn).to.equal("urn:pulumi:prod::ml-endpoints::ml-endpoints:gcp:CloudRunEndpoint$ml-endpoints:gcp:GcsModelArtifact$gcp:storage/bucket:Bucket::cloudrun-model-bucket");
    });
});

describe("plan diff: the CLI", function () {
    this.timeout(120_000);

    it("prints the table, writes the diff into --json-out and --markdown-out, and exits 1 on a mandatory hazard", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-endpoints-cli-"));
        try {
            // Azure ML only, auth key → iam: authMode is create-only and the endpoint's name is fixed.
            const prod = readStackFile(stackFilePath("prod"));
            const azureml = (prod["ml-endpoints:targets"] as Record<string, Record<string, unknown>>)["azureml"]!;
            const write = (file: string, auth: string) => fs.writeFileSync(path.join(dir, file), stringify({ config: { ...prod, "ml-endpoints:targets": { azureml: { ...azureml, auth } } } }));
            write("base.yaml", "key");
            write("head.yaml", "iam");
            const run = spawnSync(process.execPath, ["--import", "tsx", "test/harness/synth.ts", "--stack", "prod", "--config-file", path.join(dir, "head.yaml"),
                "--against", path.join(dir, "base.yaml"), "--json-out", path.join(dir, "out.json"), "--markdown-out", path.join(dir, "out.md")], { cwd: REPO_ROOT, encoding: "utf8" });
            expect(run.status, run.stderr).to.equal(1);
            expect(run.stdout).to.match(/\[mandatory\] fixed-name-collision \(azureml\)/);
            expect(run.stdout).to.match(/\+- replace \(create-before-delete\)\s+azure-native:machinelearningservices:OnlineEndpoint\s+azureml-endpoint\s+forced by properties\.authMode/);
            const report = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) as { diff: { hazards: { kind: string }[]; counts: Record<string, number> } };
            expect(report.diff.hazards.map((hazard) => hazard.kind)).to.include("fixed-name-collision");
            expect(report.diff.counts["replace"]).to.be.greaterThan(0);
            expect(fs.readFileSync(path.join(dir, "out.md"), "utf8")).to.match(/^### prod: 1 mandatory hazard/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("plan diff: --against a git ref", function () {
    this.timeout(180_000);

    it("synthesizes the commit's code and stack file in a subprocess and matches it to the working tree by URN", async () => {
        const { base, head } = await planBothSides("dev", "HEAD");
        expect(base.label).to.match(/^HEAD \([0-9a-f]{10}\)$/);
        const baseUrns = new Set(plannedResources(base.report).map((found) => found.urn));
        const shared = plannedResources(head.report).filter((found) => baseUrns.has(found.urn));
        expect(shared.length, "resources matched by URN").to.be.greaterThan(plannedResources(head.report).length / 2);
        // Assets compare by content on both sides (test/harness/diff/asset-digest.cjs is preloaded into the subprocess).
        const assetsOf = (plan: SidePlan) => JSON.stringify(plan.report.resources).match(/"sha256":"[0-9a-f]{64}"/g) ?? [];
        expect(assetsOf(base).length).to.be.greaterThan(0);
        expect(assetsOf(head).length).to.be.greaterThan(0);
    });
});
