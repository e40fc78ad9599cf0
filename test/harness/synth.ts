// `npm run synth -- --stack <name> [--config-file FILE] [--json-out FILE] [--policy-config FILE]`
//
// Runs the real program under Pulumi mocks with a stack's config, prints the resource plan, and runs
// the policy pack's own modules over it. No cloud account, no Pulumi CLI. Exit 1 on invalid config or
// any mandatory violation.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { StackConfigError } from "../../components/config";
import { OfflinePackConfig, OfflineViolation, runPoliciesOffline } from "../../policy/offline";
import { ALL_POLICIES } from "../../policy/policies";
import { formatPlan } from "./plan";
import { RecordedResource } from "./recorder";
import { readStackFile, runProgram, stackFilePath } from "./run-program";

const USAGE = "usage: npm run synth -- --stack <name> [--config-file FILE] [--json-out FILE] [--policy-config FILE]";

/** What `--json-out` writes. */
export interface SynthReport {
    readonly stack: string;
    readonly resources: { type: string; name: string; parent: string | null; inputs: Record<string, unknown> }[];
    readonly violations: OfflineViolation[];
}

/** Runs the program for one stack and judges it with the policy pack; the CLI below only prints this. */
export async function synthesize(stack: string, configFile: string, policyConfig: OfflinePackConfig = {}): Promise<{ resources: RecordedResource[]; report: SynthReport }> {
    const run = await runProgram(stack, readStackFile(configFile));
    const violations = await runPoliciesOffline(ALL_POLICIES, run.resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        parentUrn: resource.parentUrn,
        props: resource.inputs,
    })), policyConfig);
    return {
        resources: run.resources,
        report: {
            stack,
            resources: run.resources.map((resource) => ({ type: resource.type, name: resource.name, parent: resource.parent ?? null, inputs: resource.inputs })),
            violations,
        },
    };
}

function readPolicyConfig(file: string | undefined): OfflinePackConfig {
    if (file === undefined) return {};
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as OfflinePackConfig;
    } catch (error) {
        throw new Error(`--policy-config ${file}: ${(error as Error).message}`);
    }
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" },
            "config-file": { type: "string" },
            "json-out": { type: "string" },
            "policy-config": { type: "string" },
        },
    });
    if (values.stack === undefined) {
        console.error(USAGE);
        return 2;
    }
    const started = process.hrtime.bigint();
    const configFile = path.resolve(values["config-file"] ?? stackFilePath(values.stack));
    const { resources, report } = await synthesize(values.stack, configFile, readPolicyConfig(values["policy-config"]));
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;

    console.log(`Stack ${values.stack} (${path.relative(process.cwd(), configFile) || configFile}): ${resources.length} resources\n`);
    console.log(formatPlan(resources));
    const mandatory = report.violations.filter((violation) => violation.level === "mandatory");
    const advisory = report.violations.filter((violation) => violation.level !== "mandatory");
    console.log(`\nPolicies: ${ALL_POLICIES.length} checked, ${mandatory.length} mandatory and ${advisory.length} advisory violations`);
    for (const violation of [...mandatory, ...advisory]) {
        console.log(`  [${violation.level}] ${violation.policy}: ${violation.message}`);
    }
    if (values["json-out"] !== undefined) {
        fs.writeFileSync(values["json-out"], `${JSON.stringify(report, null, 2)}\n`);
        console.log(`\nWrote ${values["json-out"]}`);
    }
    console.log(`\nSynthesized in ${elapsedMs.toFixed(0)} ms.`);
    return mandatory.length > 0 ? 1 : 0;
}

if (require.main === module) {
    main().then((code) => process.exit(code), (error: unknown) => {
        // Config errors already name the key, the value and what is allowed: print just that.
        console.error(error instanceof StackConfigError ? error.message : `synth failed: ${(error as Error).message ?? error}`);
        process.exit(1);
    });
}
