// The replace-forcing properties per resource type (replace-rules.json), and the dynamic providers whose own
// `diff` decides instead. See the JSON's $comment for what each field means.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { sageMakerRolloutProvider } from "../../../components/aws/sagemaker-rollout";
import { acrLoginProvider } from "../../../components/azure/acr-image";
import { endpointTrafficProvider } from "../../../components/azure/endpoint-traffic";
import { instanceTypeGuardProvider } from "../../../components/azure/instance-type-guard";
import { vertexDeploymentProvider } from "../../../components/gcp/vertex-deployment";

export interface ReplaceRule {
    readonly replaceOn: readonly string[];
    readonly except?: readonly string[];
    readonly physicalName?: readonly string[];
    readonly identity?: readonly string[];
    readonly serving?: boolean;
    readonly outage?: string;
    readonly rollbackKeeps?: string;
    readonly outputsChangeOnUpdate?: string;
    readonly dynamicProvider?: DynamicProviderName;
    readonly source: string;
}

export const RULES_FILE = path.join(__dirname, "replace-rules.json");

/** The dynamic providers this project ships, by the name the table uses. */
const DYNAMIC_PROVIDERS = {
    "vertex-deployment": vertexDeploymentProvider,
    "endpoint-traffic": endpointTrafficProvider({ token: async () => { throw new Error("the plan diff never calls ARM"); } }),
    "acr-login": acrLoginProvider(async () => { throw new Error("the plan diff never calls ARM"); }),
    "instance-type-guard": instanceTypeGuardProvider(),
    "sagemaker-rollout": sageMakerRolloutProvider,
} satisfies Record<string, pulumi.dynamic.ResourceProvider>;
export type DynamicProviderName = keyof typeof DYNAMIC_PROVIDERS;

/** A type token as the table keys it: the generic dynamic resource type is told apart by its `kind` input. */
export function ruleKey(type: string, inputs: Record<string, unknown>): string {
    return type === "pulumi-nodejs:dynamic:Resource" && typeof inputs["kind"] === "string" ? `${type}#${inputs["kind"]}` : type;
}

/** Component resources (ours) have no cloud object to replace: the table need not list them. */
export function isComponentType(type: string): boolean {
    return type.startsWith("ml-endpoints:");
}

let loaded: Readonly<Record<string, ReplaceRule>> | undefined;

/** The table, checked on load: an entry without a source, or naming an unknown dynamic provider, is an error. */
export function replaceRules(): Readonly<Record<string, ReplaceRule>> {
    if (loaded !== undefined) return loaded;
    const document = JSON.parse(fs.readFileSync(RULES_FILE, "utf8")) as { types?: Record<string, ReplaceRule> };
    const problems: string[] = [];
    for (const [type, rule] of Object.entries(document.types ?? {})) {
        if (typeof rule.source !== "string" || rule.source.length === 0) problems.push(`${type}: "source" is required (cite the provider schema or spec)`);
        if (rule.dynamicProvider !== undefined && !(rule.dynamicProvider in DYNAMIC_PROVIDERS)) {
            problems.push(`${type}: dynamicProvider "${rule.dynamicProvider}" is not one of ${Object.keys(DYNAMIC_PROVIDERS).join(", ")}`);
        }
        if (rule.dynamicProvider === undefined && !Array.isArray(rule.replaceOn)) problems.push(`${type}: "replaceOn" must be a list of input paths`);
    }
    if (problems.length > 0) throw new Error(`${RULES_FILE}:\n  ${problems.join("\n  ")}`);
    loaded = document.types ?? {};
    return loaded;
}

export function ruleFor(type: string, inputs: Record<string, unknown>): ReplaceRule | undefined {
    return replaceRules()[ruleKey(type, inputs)];
}

/** `a.b[0].c` → `a.b.c`: rules name paths without array indexes. */
export function rulePath(displayPath: string): string {
    return displayPath.replace(/\[\d+\]/g, "");
}

/** The rule's entries that the changed path falls under (a rule path covers everything below it). */
export function replaceReasons(rule: ReplaceRule, changedPath: string): string[] {
    const changed = rulePath(changedPath);
    const under = (prefix: string) => changed === prefix || changed.startsWith(`${prefix}.`);
    if (rule.replaceOn.includes("*")) return (rule.except ?? []).some(under) ? [] : [changed];
    return rule.replaceOn.filter(under);
}

/** What a dynamic provider's own `check` refuses in olds → news (the engine calls it first, at preview too). */
export async function dynamicCheckFailures(rule: ReplaceRule, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<string[]> {
    const provider = DYNAMIC_PROVIDERS[rule.dynamicProvider!] as pulumi.dynamic.ResourceProvider;
    if (provider.check === undefined) return [];
    const result = await provider.check(olds, news);
    return (result.failures ?? []).map((failure) => `${failure.property}: ${failure.reason}`);
}

/** What a dynamic provider's own `diff` says about olds → news (the engine calls exactly this). */
export async function dynamicDiff(rule: ReplaceRule, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
    const provider = DYNAMIC_PROVIDERS[rule.dynamicProvider!] as pulumi.dynamic.ResourceProvider;
    const result = await provider.diff!("(planned)", olds, news);
    return { changes: result.changes ?? false, replaces: [...(result.replaces ?? [])], deleteBeforeReplace: result.deleteBeforeReplace ?? false };
}
