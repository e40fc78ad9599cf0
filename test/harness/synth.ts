// `npm run synth -- --stack <name> [--config-file FILE] [--json-out FILE] [--policy-config FILE] [--preview] [--organization ORG] [--against <git-ref|FILE> [--markdown-out FILE]]`
//
// Runs the real program under Pulumi mocks with a stack's config, prints the resource plan, and runs
// the policy pack's own modules over it. No cloud account, no Pulumi CLI. Exit 1 on invalid config
// (stack or policy pack) or any mandatory violation.
// With --against, it also synthesizes the other side (a commit's code and stack file, or another stack
// file) and prints what the update would create, update, replace or delete, and its hazards (./diff/);
// a mandatory hazard exits 1 too.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { StackConfigError } from "../../components/config";
import { EndpointArgsError } from "../../components/settings";
import { OfflinePackConfig, OfflineViolation, runPoliciesOffline } from "../../policy/offline";
import { ALL_POLICIES } from "../../policy/policies";
import { loadPackConfig, PackConfigError } from "./pack-config";
import { formatPlanDiff, formatPlanDiffMarkdown, hazardExitCode, PlanDiff, planDiff } from "./diff/plan-diff";
import { isComponentType } from "./diff/rules";
import { formatPlan } from "./plan";
import { RecordedResource, ResourceOptionsSeen } from "./recorder";
import { DEFAULT_ORGANIZATION, readStackFile, runProgram, stackFilePath } from "./run-program";
import { plannedResources } from "./two-sided";

const USAGE = "usage: npm run synth -- --stack <name> [--config-file FILE] [--json-out FILE] [--policy-config FILE] [--preview] [--organization ORG] [--against <git-ref|FILE> [--markdown-out FILE]]";

/**
 * One registration as `--json-out` records it: what the engine would hold and hand the analyzer, so the
 * report can be replayed (matched by `urn`, props resolved by `id`). The root stack resource is not in it.
 */
export interface SynthReportResource {
    readonly type: string;
    readonly name: string;
    /** The parent's name; null at the top level. */
    readonly parent: string | null;
    readonly urn: string;
    /** The parent's URN; null at the top level (under the CLI: the root stack's). */
    readonly parentUrn: string | null;
    readonly inputs: Record<string, unknown>;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** The provider's id; null for components and, at preview, for every resource. */
    readonly id: string | null;
    /** The resource options an update acts on (deleteBeforeReplace, retainOnDelete, ignoreChanges…), for the plan diff. */
    readonly options?: ResourceOptionsSeen;
}

/** What `--json-out` writes. */
export interface SynthReport {
    readonly stack: string;
    readonly organization: string;
    readonly resources: SynthReportResource[];
    readonly violations: OfflineViolation[];
}

export interface SynthOptions {
    /** Per-policy settings, as `--policy-pack-config` takes them. */
    readonly policyConfig?: OfflinePackConfig;
    /**
     * Judge the plan as `pulumi preview` would: provider-computed outputs (ids, ARNs, digests) are unknown,
     * and a policy that reads one is reported as advisory "can't run policy … during preview".
     */
    readonly preview?: boolean;
    /** The Pulumi organization the CLI would pass (it feeds default names). Default: a diy backend's `organization`. */
    readonly organization?: string;
}

/** Runs the program for one stack and judges it with the policy pack; the CLI below only prints this. */
export async function synthesize(stack: string, configFile: string, options: SynthOptions = {}): Promise<{ resources: RecordedResource[]; report: SynthReport }> {
    const organization = options.organization ?? DEFAULT_ORGANIZATION;
    const run = await runProgram(stack, readStackFile(configFile), { preview: options.preview ?? false, organization });
    const violations = await runPoliciesOffline(ALL_POLICIES, run.resources.map((resource) => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        parentUrn: resource.parentUrn,
        props: resource.inputs,
        dependencies: resource.dependencies,
        propertyDependencies: resource.propertyDependencies,
    })), options.policyConfig ?? {});
    return {
        resources: run.resources,
        report: { stack, organization, resources: run.resources.map(reportedResource), violations },
    };
}

function reportedResource(resource: RecordedResource): SynthReportResource {
    return {
        type: resource.type,
        name: resource.name,
        parent: resource.parent ?? null,
        urn: resource.urn,
        parentUrn: resource.parentUrn ?? null,
        inputs: reportedInputs(resource.inputs),
        dependencies: resource.dependencies,
        propertyDependencies: resource.propertyDependencies,
        id: resource.id ?? null,
        options: resource.options,
    };
}

/**
 * A resource's inputs as the JSON report shows them: a dynamic resource's serialized provider (tens of KB of
 * JavaScript that Pulumi stores with it) is summarised, since no reader of the report wants its source.
 */
function reportedInputs(inputs: Record<string, unknown>): Record<string, unknown> {
    const provider = inputs["__provider"];
    if (typeof provider !== "string") return inputs;
    return { ...inputs, __provider: `<serialized dynamic provider, ${provider.length} bytes>` };
}

/** The synth's verdict, shared by the CLI and the tests: 1 on any mandatory violation (remediate counts as mandatory). */
export function exitCodeOf(violations: readonly OfflineViolation[]): 0 | 1 {
    return violations.some((violation) => violation.level === "mandatory") ? 1 : 0;
}

/** The errors the synth reports as a message and exit 1, without a stack trace: they already name key, value and what is allowed. */
export function isConfigError(error: unknown): error is StackConfigError | EndpointArgsError | PackConfigError {
    return error instanceof StackConfigError || error instanceof EndpointArgsError || error instanceof PackConfigError;
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" },
            "config-file": { type: "string" },
            "json-out": { type: "string" },
            "policy-config": { type: "string" },
            preview: { type: "boolean", default: false },
            organization: { type: "string" },
            against: { type: "string" },
            "markdown-out": { type: "string" },
        },
    });
    if (values.stack === undefined) {
        console.error(USAGE);
        return 2;
    }
    const started = process.hrtime.bigint();
    const configFile = path.resolve(values["config-file"] ?? stackFilePath(values.stack));
    const packConfig = values["policy-config"] === undefined ? undefined : loadPackConfig(ALL_POLICIES, values["policy-config"]);
    for (const name of packConfig?.unknownPolicies ?? []) console.error(`warning: --policy-config names "${name}", which is not a policy in this pack`);
    if (values.against !== undefined && values.preview) {
        console.error("--against compares two full synths; it cannot be combined with --preview (unknowns would differ everywhere)");
        return 2;
    }
    const synthOptions: SynthOptions = { policyConfig: packConfig?.config, preview: values.preview, organization: values.organization };
    // With --against, the head side of the diff is this synth: run once, print both.
    const planned = values.against === undefined ? undefined : await planDiff(values.stack, values.against, { configFile, synth: synthOptions });
    const { resources, report } = planned === undefined ? await synthesize(values.stack, configFile, synthOptions) : { resources: asRecorded(planned.head.report), report: planned.head.report };
    const diff: PlanDiff | undefined = planned?.diff;
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;

    console.log(`Stack ${values.stack} (${path.relative(process.cwd(), configFile) || configFile}): ${resources.length} resources${values.preview ? " (preview: computed outputs unknown)" : ""}\n`);
    console.log(formatPlan(resources));
    const mandatory = report.violations.filter((violation) => violation.level === "mandatory");
    const advisory = report.violations.filter((violation) => violation.level !== "mandatory");
    console.log(`\nPolicies: ${ALL_POLICIES.length} checked, ${mandatory.length} mandatory and ${advisory.length} advisory violations`);
    for (const violation of [...mandatory, ...advisory]) {
        console.log(`  [${violation.level}] ${violation.policy}: ${violation.message}`);
    }
    if (diff !== undefined) console.log(`\n${formatPlanDiff(diff)}`);
    if (diff !== undefined && values["markdown-out"] !== undefined) fs.writeFileSync(values["markdown-out"], `${formatPlanDiffMarkdown(diff)}\n`);
    if (values["json-out"] !== undefined) {
        fs.writeFileSync(values["json-out"], `${JSON.stringify(diff === undefined ? report : { ...report, diff }, null, 2)}\n`);
        console.log(`\nWrote ${values["json-out"]}`);
    }
    console.log(`\n${diff === undefined ? "Synthesized" : "Synthesized both sides and diffed"} in ${elapsedMs.toFixed(0)} ms.`);
    return Math.max(exitCodeOf(report.violations), diff === undefined ? 0 : hazardExitCode(diff));
}

/** A report's resources in the shape the plan printer takes. */
function asRecorded(report: SynthReport): RecordedResource[] {
    return plannedResources(report).map((resource) => ({
        ...resource,
        parentUrn: resource.parentUrn ?? undefined,
        parent: resource.parent ?? undefined,
        id: resource.id ?? undefined,
        custom: !isComponentType(resource.type),
        options: {
            ignoreChanges: [...(resource.options?.ignoreChanges ?? [])],
            retainOnDelete: resource.options?.retainOnDelete ?? false,
            deleteBeforeReplace: resource.options?.deleteBeforeReplace ?? false,
            protect: resource.options?.protect ?? false,
            replaceOnChanges: [...(resource.options?.replaceOnChanges ?? [])],
        },
        dependencies: [...resource.dependencies],
        propertyDependencies: Object.fromEntries(Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, [...urns]])),
    }));
}

if (require.main === module) {
    main().then((code) => process.exit(code), (error: unknown) => {
        console.error(isConfigError(error) ? error.message : `synth failed: ${(error as Error).message ?? error}`);
        process.exit(1);
    });
}
