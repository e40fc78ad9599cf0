import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { REPO_ROOT } from "../harness/run-program";

// The synth as users run it: a real process, its exit code and what it prints.

function synth(...args: string[]) {
    const result = spawnSync(process.execPath, ["--import", "tsx", "test/harness/synth.ts", ...args], { cwd: REPO_ROOT, encoding: "utf8" });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const fixture = (name: string) => path.join(REPO_ROOT, "test/fixtures/stacks", name);

describe("npm run synth", () => {
    it("prints the prod plan, writes the JSON report and exits 0", () => {
        const jsonOut = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "synth-")), "prod.json");
        const { code, stdout, stderr } = synth("--stack", "prod", "--json-out", jsonOut);
        expect(code, stderr).to.equal(0);
        expect(stdout).to.match(/aws:sagemaker\/endpointConfiguration:EndpointConfiguration\s+sagemaker-config\s+.*initialInstanceCount=2 instanceType=ml\.m5\.xlarge/);
        expect(stdout).to.match(/aws:appautoscaling\/target:Target\s+sagemaker-scaling-target\s+maxCapacity=10 minCapacity=2/);
        const report = JSON.parse(fs.readFileSync(jsonOut, "utf8"));
        expect(report.stack).to.equal("prod");
        expect(report.violations.filter((violation: { level: string }) => violation.level === "mandatory")).to.deep.equal([]);
        expect(report.resources.find((resource: { name: string }) => resource.name === "sagemaker-config")).to.include({ parent: "sagemaker" });
        const providers = report.resources.map((resource: { inputs: Record<string, unknown> }) => resource.inputs["__provider"]).filter((provider: unknown) => provider !== undefined);
        expect(providers, "the prod stack has dynamic resources").to.not.be.empty;
        for (const provider of providers) expect(provider).to.match(/^<serialized dynamic provider, \d+ bytes>$/);

        // A replayable record: what the engine holds per resource (a plan diff matches resources by `urn`).
        type Reported = { urn: string; parentUrn: string | null; parent: string | null; id: string | null; dependencies: string[]; propertyDependencies: Record<string, string[]> };
        const resources = report.resources as Reported[];
        const urns = new Set(resources.map((resource) => resource.urn));
        expect(urns.size, "URNs are unique").to.equal(resources.length);
        expect(report.organization).to.equal("organization");
        for (const resource of resources) {
            expect(resource, resource.urn).to.include.keys("urn", "parentUrn", "dependencies", "propertyDependencies", "id");
            if (resource.parentUrn !== null) expect(urns.has(resource.parentUrn), `${resource.urn}'s parent`).to.equal(true);
            for (const dependency of [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()]) {
                expect(urns.has(dependency), `${resource.urn} depends on ${dependency}`).to.equal(true);
            }
        }
        const bucket = resources.find((resource) => resource.urn.endsWith("::sagemaker-artifacts"));
        expect(bucket?.id, "custom resources carry the provider's id").to.be.a("string").and.not.be.empty;
        // The engine qualifies a grandchild's type with its parent's whole chain (pulumi/pulumi
        // pkg/resource/deploy/deployment.go generateURN), not just the parent's last type.
        expect(urns).to.include("urn:pulumi:prod::ml-endpoints::ml-endpoints:gcp:VertexEndpoint$ml-endpoints:gcp:GcsModelArtifact$gcp:storage/bucket:Bucket::vertex-model-bucket");
    });

    it("exits 1 naming the policy when prod runs one instance", () => {
        const { code, stdout } = synth("--stack", "prod", "--config-file", fixture("prod-one-instance.yaml"));
        expect(code).to.equal(1);
        expect(stdout).to.include("[mandatory] prod-sagemaker-min-instances: sagemaker-config: productionVariants[0].initialInstanceCount is 1; production requires at least 2");
    });

    it("exits 1 with the config error and no stack trace on invalid config", () => {
        const { code, stdout, stderr } = synth("--stack", "prod", "--config-file", fixture("invalid-instance-type.yaml"));
        expect(code).to.equal(1);
        expect(stdout).to.equal("");
        expect(stderr).to.include('ml-endpoints:targets.sagemaker.instanceType: instanceType "m5.large" is not a SageMaker type (ml.*, e.g. ml.m5.xlarge)');
        expect(stderr).not.to.match(/\n\s+at /);
    });
});
