import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { ALL_POLICIES } from "../../policy/policies";
import { loadPackConfig } from "../harness/pack-config";
import { MISCONFIGURED_DIR, REPO_ROOT } from "../harness/run-program";
import { exitCodeOf, isConfigError, synthesize } from "../harness/synth";

// The misconfiguration corpus: each file in test/fixtures/misconfigured/ is a whole stack file that must
// make the synth exit 1 naming the right policy (a mandatory violation) or config key (a config error).
// Header lines: `# expect: <policy name or config key>`, `# <what is wrong>`, then optionally
// `# stack: <name>` (default prod, as `npm run synth -- --stack prod --config-file <file>`; the stack name is
// the stage of untagged resources) and `# policy-config: <file>` to judge it under a pack config (e.g.
// policy/examples/strict-org.json). Files run in-process through `synthesize()`, with the CLI's own
// exit-code decision; test/program/synth-cli.test.ts covers the real process.

const MINIMUM_CORPUS = 15;

interface CorpusCase {
    readonly file: string;
    readonly expect: string;
    readonly policyConfig?: string;
    readonly stack: string;
}

function readCase(file: string): CorpusCase {
    const text = fs.readFileSync(path.join(MISCONFIGURED_DIR, file), "utf8");
    const lines = text.split("\n");
    const expected = /^# expect: (\S+)\s*$/.exec(lines[0] ?? "")?.[1];
    if (expected === undefined) throw new Error(`${file}: the first line must be "# expect: <policy name or config key>"`);
    if (!/^# \S/.test(lines[1] ?? "")) throw new Error(`${file}: the second line must be a comment saying what is wrong`);
    const policyConfig = /^# policy-config: (\S+)\s*$/m.exec(text)?.[1];
    const stack = /^# stack: (\S+)\s*$/m.exec(text)?.[1] ?? "prod";
    return { file, expect: expected, policyConfig, stack };
}

/** What the synth CLI would do with the file: its exit code and what it names. */
async function synthOutcome(corpusCase: CorpusCase): Promise<{ code: 0 | 1; named: string[]; output: string }> {
    try {
        const policyConfig = corpusCase.policyConfig === undefined ? undefined : loadPackConfig(ALL_POLICIES, path.join(REPO_ROOT, corpusCase.policyConfig)).config;
        const { report } = await synthesize(corpusCase.stack, path.join(MISCONFIGURED_DIR, corpusCase.file), { policyConfig });
        const mandatory = report.violations.filter((violation) => violation.level === "mandatory");
        return { code: exitCodeOf(report.violations), named: mandatory.map((violation) => violation.policy), output: mandatory.map((violation) => `${violation.policy}: ${violation.message}`).join("\n") };
    } catch (error) {
        if (!isConfigError(error)) throw error;
        return { code: 1, named: [], output: error.message };
    }
}

describe("the misconfiguration corpus (test/fixtures/misconfigured)", () => {
    const files = fs.readdirSync(MISCONFIGURED_DIR).filter((file) => file.endsWith(".yaml")).sort();
    const policyNames = new Set(ALL_POLICIES.map((policy) => policy.name));

    it(`holds at least ${MINIMUM_CORPUS} stack files, each naming a real policy or a config key`, () => {
        expect(files.length).to.be.at.least(MINIMUM_CORPUS);
        for (const file of files) {
            const expected = readCase(file).expect;
            expect(policyNames.has(expected) || expected.startsWith("ml-endpoints:"), `${file}: "${expected}" is neither a policy of the pack nor an ml-endpoints: config key`).to.equal(true);
        }
    });

    for (const file of files) {
        it(`${file} makes synth exit 1`, async () => {
            const corpusCase = readCase(file);
            const outcome = await synthOutcome(corpusCase);
            expect(outcome.code, `${file} passed the synth`).to.equal(1);
            if (policyNames.has(corpusCase.expect)) {
                expect(outcome.named, `${file}: expected a mandatory violation of ${corpusCase.expect}; got:\n${outcome.output}`).to.include(corpusCase.expect);
            } else {
                expect(outcome.output, `${file}: expected a config error naming ${corpusCase.expect}`).to.match(new RegExp(`^(\\s+- )?${corpusCase.expect.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `, "m"));
            }
        });
    }
});
