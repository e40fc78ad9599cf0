import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { OfflinePackConfig, OfflineViolation, reconcilePackConfig } from "../../policy/offline";
import { ALL_POLICIES } from "../../policy/policies";
import { loadPackConfig } from "../harness/pack-config";
import { MISCONFIGURED_DIR, REPO_ROOT, stackFilePath } from "../harness/run-program";
import { isConfigError, synthesize, SynthOptions } from "../harness/synth";
import { PackDiagnostic, POLICY_DIR, PolicyPackProcess } from "./policy-host";

// The policy pack as the CLI runs it (test/host/policy-host.ts: run-policy-pack, the analyzer protocol), fed the
// synth's --json-out record of each stack, must reach the offline synth's verdicts: same policies, levels and
// messages. One pack process serves every case, reconfigured per case as the CLI configures it.

/**
 * A diagnostic as `policy level: message`. The pack prefixes the policy's description to the message, and its
 * preview downgrade names the pack (`can't run policy 'p' from policy pack 'name@vX' during preview`, @pulumi/policy
 * server.js), which policy/offline.ts leaves out; both are dropped here, the rest must match word for word.
 */
const fromPack = (diagnostic: PackDiagnostic) =>
    `${diagnostic.policy} ${diagnostic.level}: ${diagnostic.message.split("\n").pop()!.replace(/ from policy pack '[^']+' during preview:/, " during preview:")}`;
const fromSynth = (violation: OfflineViolation) => `${violation.policy} ${violation.level}: ${violation.message}`;

interface PackCase {
    readonly label: string;
    readonly stack: string;
    readonly configFile: string;
    readonly options: SynthOptions;
    readonly packConfig: OfflinePackConfig;
}

const strictOrg = loadPackConfig(ALL_POLICIES, path.join(POLICY_DIR, "examples/strict-org.json")).config;
const STACK_CASES: PackCase[] = [
    { label: "dev", stack: "dev", configFile: stackFilePath("dev"), options: {}, packConfig: {} },
    { label: "prod", stack: "prod", configFile: stackFilePath("prod"), options: {}, packConfig: {} },
    { label: "prod, previewed (computed outputs unknown)", stack: "prod", configFile: stackFilePath("prod"), options: { preview: true }, packConfig: {} },
    { label: "prod under policy/examples/strict-org.json", stack: "prod", configFile: stackFilePath("prod"), options: { policyConfig: strictOrg }, packConfig: strictOrg },
];

/** The corpus files the pack (not config validation) refuses, with the headers test/policy/misconfigured-corpus.test.ts documents. */
function corpusCases(): PackCase[] {
    return fs.readdirSync(MISCONFIGURED_DIR).filter((file) => file.endsWith(".yaml")).sort().flatMap((file) => {
        const text = fs.readFileSync(path.join(MISCONFIGURED_DIR, file), "utf8");
        if (/^# expect: ml-endpoints:/.test(text)) return []; // a config error: the program refuses it before any policy runs
        const policyConfigFile = /^# policy-config: (\S+)\s*$/m.exec(text)?.[1];
        const packConfig = policyConfigFile === undefined ? {} : loadPackConfig(ALL_POLICIES, path.join(REPO_ROOT, policyConfigFile)).config;
        const stack = /^# stack: (\S+)\s*$/m.exec(text)?.[1] ?? "prod";
        return [{ label: `misconfigured/${file}`, stack, configFile: path.join(MISCONFIGURED_DIR, file), options: { policyConfig: packConfig }, packConfig }];
    });
}

describe("the policy pack under the analyzer protocol (run-policy-pack, as the CLI starts it)", function () {
    this.timeout(120_000);
    let pack: PolicyPackProcess;
    before(async () => { pack = await PolicyPackProcess.start(); });
    after(() => pack?.stop());

    it("ships compiled and needs no devDependencies to load", async () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { main: string; devDependencies?: object; dependencies: Record<string, string> };
        expect(manifest.main).to.match(/\.js$/);
        expect(fs.existsSync(path.join(POLICY_DIR, manifest.main)), `${manifest.main} is built by \`npm --prefix policy ci\` (prepare)`).to.equal(true);
        // run-policy-pack always registers ts-node with ./tsconfig.json; without our TypeScript it falls back to the
        // SDK's vendored 3.8, which rejects that file (TS5023, TS6046), so TypeScript is a dependency, not a devDependency.
        expect(manifest.dependencies).to.include.keys("typescript", "@types/node");
        expect(manifest.devDependencies ?? {}).to.deep.equal({});
        expect((await pack.policyNames()).sort()).to.deep.equal(ALL_POLICIES.map((policy) => policy.name).sort());
    });

    const cases = [...STACK_CASES, ...corpusCases()];
    it(`covers the stacks and the pack-refused corpus (${cases.length} cases)`, () => {
        expect(cases.length).to.be.at.least(STACK_CASES.length + 15);
    });

    for (const packCase of cases) {
        it(`${packCase.label}: the pack's verdicts equal the synth's`, async () => {
            let report;
            try {
                ({ report } = await synthesize(packCase.stack, packCase.configFile, packCase.options));
            } catch (error) {
                if (isConfigError(error)) expect.fail(`${packCase.label} is refused by config validation; mark it "# expect: <config key>"`);
                throw error;
            }
            await pack.configure(reconcilePackConfig(ALL_POLICIES, packCase.packConfig));
            await pack.configureStack(packCase.stack, "ml-endpoints", report.organization);
            const verdicts = (await pack.analyzeDeployment(report.resources)).map(fromPack).sort();
            expect(verdicts).to.deep.equal(report.violations.map(fromSynth).sort());
            if (packCase.label.startsWith("misconfigured/")) expect(verdicts.some((verdict) => / mandatory: /.test(verdict)), "the pack denies it").to.equal(true);
        });
    }
});
