import * as path from "node:path";
import { expect } from "chai";
import { ALL_POLICIES } from "../../policy/policies";
import { loadPackConfig } from "../harness/pack-config";
import { UNKNOWN } from "../harness/recorder";
import { misconfiguredStackFile, REPO_ROOT, stackFilePath } from "../harness/run-program";
import { STACKS } from "../harness/stacks";
import { exitCodeOf, synthesize, SynthReport } from "../harness/synth";

// The whole program judged by the whole pack, as the synth does it: the shipped stacks pass, a preview
// behaves as under the CLI (computed values unknown, rules that read them downgraded to advisory, rules
// on config-driven values still enforced), and a stricter organisation's config bites.

const mandatory = (report: SynthReport) => report.violations.filter((violation) => violation.level === "mandatory");

describe("the pack over the whole program", () => {
    for (const stack of STACKS) {
        it(`${stack}: zero mandatory violations, synth exit code 0`, async () => {
            const { report } = await synthesize(stack, stackFilePath(stack));
            expect(mandatory(report)).to.deep.equal([]);
            expect(exitCodeOf(report.violations)).to.equal(0);
        });
    }

    describe("prod, previewed", () => {
        let report: SynthReport;
        before(async () => { ({ report } = await synthesize("prod", stackFilePath("prod"), { preview: true })); });

        it("leaves provider-computed values unknown, as a preview does", () => {
            const model = report.resources.find((resource) => resource.type === "aws:sagemaker/model:Model")!;
            expect((model.inputs["primaryContainer"] as Record<string, unknown>)["image"]).to.equal(UNKNOWN);
            const config = report.resources.find((resource) => resource.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration")!;
            expect((config.inputs["productionVariants"] as Record<string, unknown>[])[0]).to.include({ initialInstanceCount: 2 });
        });

        it("has no mandatory violation, and reports rules that read unknowns as advisory can't-run", () => {
            expect(mandatory(report)).to.deep.equal([]);
            const cantRun = report.violations.filter((violation) => violation.message.startsWith("can't run policy"));
            expect(cantRun.map((violation) => violation.policy)).to.include.members(["iam-least-privilege", "images-pinned-by-digest"]);
            expect(cantRun.every((violation) => violation.level === "advisory")).to.equal(true);
        });

        it("still denies a misconfiguration that config makes known at preview", async () => {
            const { report: oneInstance } = await synthesize("prod", misconfiguredStackFile("sagemaker-prod-one-instance.yaml"), { preview: true });
            expect(mandatory(oneInstance).map((violation) => violation.policy)).to.include.members(["prod-sagemaker-min-instances", "prod-stack-min-serving-instances"]);
        });
    });

    it("prod under the strict organisation config: the missing cost-center and owner tags block it", async () => {
        const { config } = loadPackConfig(ALL_POLICIES, path.join(REPO_ROOT, "policy/examples/strict-org.json"));
        const { report } = await synthesize("prod", stackFilePath("prod"), { policyConfig: config });
        const tagViolations = mandatory(report).filter((violation) => violation.policy === "required-tags");
        expect(tagViolations).not.to.be.empty;
        expect(tagViolations.every((violation) => /missing cost-center, owner;/.test(violation.message))).to.equal(true);
    });
});
