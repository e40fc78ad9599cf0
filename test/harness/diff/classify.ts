// Classifies every resource of a two-sided plan: create, update in place, replace, delete or unchanged,
// the way the engine decides it from the replace-forcing properties (./rules) and the resource options.
import { UNKNOWN } from "../recorder";
import { PlannedResource, plannedResources, SidePlan } from "../two-sided";
import { dynamicCheckFailures, dynamicDiff, isComponentType, ReplaceRule, replaceReasons, ruleFor, ruleKey } from "./rules";

export type ChangeAction = "create" | "update" | "replace" | "delete" | "same";
export type ReplaceMode = "create-before-delete" | "delete-before-replace";

/** One resource's fate in the update. */
export interface ResourceChange {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The top-level component the resource belongs to (e.g. `sagemaker`), which the table groups by. */
    readonly target: string;
    readonly action: ChangeAction;
    readonly replaceMode?: ReplaceMode;
    /** Input paths whose value differs (display form, e.g. `productionVariants[0].instanceType`). */
    readonly changed: readonly string[];
    /** Inputs that take the value of a resource being replaced: unknown until that replacement (engine preview semantics). */
    readonly unknownFromReplaced: readonly string[];
    /** The replace-forcing properties among them, as the rule (or the dynamic provider's diff) names them. */
    readonly replaceReasons: readonly string[];
    /** What a dynamic provider's own `check` refuses (the update fails before anything is sent). */
    readonly refusals?: readonly string[];
    /** The rule's citation, or the dynamic provider it asked. */
    readonly source?: string;
    /** The sides' resources (one is absent for a create or a delete). */
    readonly base?: PlannedResource;
    readonly head?: PlannedResource;
}

/** A resource type the program creates that the table lacks: the diff cannot say whether it is replaced. */
export class MissingReplaceRuleError extends Error {}

/** Input keys that are not what the provider acts on: a dynamic resource's serialized code changes with any edit to it. */
const IGNORED_INPUTS = new Set(["__provider"]);

export async function classify(base: SidePlan, head: SidePlan): Promise<ResourceChange[]> {
    const baseResources = new Map(plannedResources(base.report).map((resource) => [resource.urn, resource]));
    const headList = plannedResources(head.report);
    const headResources = new Map(headList.map((resource) => [resource.urn, resource]));
    const missing = [...new Set(headList.filter((resource) => !isComponentType(resource.type) && ruleFor(resource.type, resource.inputs) === undefined)
        .map((resource) => ruleKey(resource.type, resource.inputs)))];
    if (missing.length > 0) {
        throw new MissingReplaceRuleError(`test/harness/diff/replace-rules.json has no entry for ${missing.join(", ")}: add its replace-forcing properties with their source`);
    }
    const targets = targetsOf([...headList, ...baseResources.values()]);

    // Head resources in registration order, so a dependency is decided before what depends on it.
    const decided = new Map<string, ResourceChange>();
    for (const resource of headList) {
        const old = baseResources.get(resource.urn);
        const target = targets.get(resource.urn) ?? resource.name;
        if (old === undefined) {
            decided.set(resource.urn, { urn: resource.urn, type: resource.type, name: resource.name, target, action: "create", changed: [], unknownFromReplaced: [], replaceReasons: [], head: resource });
            continue;
        }
        decided.set(resource.urn, await classifyPair(old, resource, target, decided));
    }
    const deletes: ResourceChange[] = [...baseResources.values()].filter((resource) => !headResources.has(resource.urn)).map((resource) => ({
        urn: resource.urn, type: resource.type, name: resource.name, target: targets.get(resource.urn) ?? resource.name,
        action: "delete", changed: [], unknownFromReplaced: [], replaceReasons: [], base: resource,
    }));
    return [...decided.values(), ...deletes];
}

async function classifyPair(old: PlannedResource, resource: PlannedResource, target: string, decided: ReadonlyMap<string, ResourceChange>): Promise<ResourceChange> {
    const identity = { urn: resource.urn, type: resource.type, name: resource.name, target, base: old, head: resource };
    const ignored = resource.options?.ignoreChanges ?? [];
    const changed = changedPaths(old.inputs, resource.inputs).filter((changedPath) => !ignored.some((ignore) => isUnder(changedPath, ignore)));
    // An input fed by a resource being replaced (or rebuilt, like an image's digest) is unknown until then: the engine diffs it as changed.
    const unknownFromReplaced = [...new Set(Object.entries(resource.propertyDependencies)
        .filter(([property]) => !IGNORED_INPUTS.has(property))
        .flatMap(([property, urns]) => urns.flatMap((urn) => changingPaths(property, resource.inputs[property], decided.get(urn)))))]
        .filter((unknownPath) => !changed.some((changedPath) => isUnder(unknownPath, changedPath) || isUnder(changedPath, unknownPath)) && !ignored.some((ignore) => isUnder(unknownPath, ignore)));
    const all = [...changed, ...unknownFromReplaced];
    if (isComponentType(resource.type)) return { ...identity, action: "same", changed: [], unknownFromReplaced: [], replaceReasons: [] };
    if (all.length === 0) return { ...identity, action: "same", changed, unknownFromReplaced, replaceReasons: [] };

    const rule = ruleFor(resource.type, resource.inputs)!;
    let reasons: string[];
    let deleteBeforeReplace = resource.options?.deleteBeforeReplace ?? false;
    let refusals: string[] = [];
    if (rule.dynamicProvider !== undefined) {
        // The provider sees what the engine would hand it at preview: inputs fed by a replacement are unknown.
        const news = withUnknowns(withoutIgnored(resource.inputs), unknownFromReplaced);
        refusals = await dynamicCheckFailures(rule, withoutIgnored(old.inputs), news);
        // A provider whose diff throws refuses the change: the engine stops at preview with that message.
        const verdict = await dynamicDiff(rule, withoutIgnored(old.inputs), news)
            .catch((error: Error) => { refusals.push(error.message); return { changes: true, replaces: [] as string[], deleteBeforeReplace: false }; });
        if (!verdict.changes && unknownFromReplaced.length === 0) return { ...identity, action: "same", changed, unknownFromReplaced, replaceReasons: [], refusals, source: rule.source };
        reasons = [...verdict.replaces, ...unknownFromReplaced.filter((property) => replaceReasonsOf(rule, property).length > 0)];
        deleteBeforeReplace ||= verdict.deleteBeforeReplace;
    } else {
        reasons = [...new Set([...all.flatMap((changedPath) => replaceReasonsOf(rule, changedPath)),
            ...unknownFromReplaced.flatMap((unknownPath) => rule.replaceOn.filter((forcing) => forcing !== "*" && isUnder(forcing, unknownPath)))])];
    }
    const forced = (resource.options?.replaceOnChanges ?? []).filter((property) => all.some((changedPath) => isUnder(changedPath, property) || property === "*"));
    reasons = [...new Set([...reasons, ...forced])];
    if (reasons.length === 0) return { ...identity, action: "update", changed, unknownFromReplaced, replaceReasons: [], refusals, source: rule.source };
    return {
        ...identity,
        action: "replace",
        replaceMode: deleteBeforeReplace ? "delete-before-replace" : "create-before-delete",
        changed,
        unknownFromReplaced,
        replaceReasons: reasons,
        refusals,
        source: rule.source,
    };
}

/**
 * The paths of input `property` whose value, taken from `dependency`, changes with it: the whole input unless it
 * only passes through the replaced resource's fixed name; when the dependency is updated in place, the leaves its
 * rule's `outputsChangeOnUpdate` pattern matches (an image digest).
 */
function changingPaths(property: string, value: unknown, dependency: ResourceChange | undefined): string[] {
    if (dependency === undefined || dependency.head === undefined) return [];
    if (dependency.action === "replace") {
        // A leaf built from the replaced resource's fixed name stays known (its `name` output is an input); one that
        // carries its id, its autoname or a name that is itself unknown is unknown. If no leaf shows either, the whole input.
        const leaves = leafPaths(value, property);
        const fixed = fixedNamesOf(dependency);
        const unknownNames = fixedNamesOf(dependency, true);
        const identities = [dependency.head.id ?? `${dependency.name}-id`, ...unknownNames, ...(fixed.length + unknownNames.length === 0 ? [dependency.name] : [])];
        const unknown = leaves.filter(([, leaf]) => identities.some((identity) => leaf.includes(identity))).map(([leafPath]) => leafPath);
        if (unknown.length > 0) return unknown;
        return leaves.some(([, leaf]) => fixed.some((name) => leaf.includes(name))) ? [] : [property];
    }
    const pattern = dependency.action === "update" ? ruleFor(dependency.type, dependency.head.inputs)?.outputsChangeOnUpdate : undefined;
    if (pattern === undefined) return [];
    // A scalar input computed from the rebuilt resource's outputs alone (a hash of its digest, say) changes with it.
    const knownParts = leafStrings(dependency.head.inputs).flatMap((known) => known.split(/[/:@]/)).filter((part) => part.length >= 4);
    if (typeof value === "string" && !knownParts.some((part) => value.includes(part) || part.includes(value))) return [property];
    return leafPaths(value, property).filter(([, leaf]) => new RegExp(pattern).test(leaf)).map(([leafPath]) => leafPath);
}

function leafPaths(value: unknown, at: string): [string, string][] {
    if (typeof value === "string") return [[at, value]];
    if (Array.isArray(value)) return value.flatMap((item, index) => leafPaths(item, `${at}[${index}]`));
    if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, child]) => leafPaths(child, `${at}.${key}`));
    return [];
}

function replaceReasonsOf(rule: ReplaceRule, changedPath: string): string[] {
    return rule.dynamicProvider !== undefined ? [] : replaceReasons(rule, changedPath);
}

/** The cloud-side names the resource sets itself (none when Pulumi autonames it); `unknown`: those that are themselves unknown until applied. */
export function fixedNamesOf(change: ResourceChange, unknown = false): string[] {
    if (change.head === undefined) return [];
    const rule = ruleFor(change.type, change.head.inputs);
    return (rule?.physicalName ?? []).filter((key) => change.unknownFromReplaced.some((unknownPath) => isUnder(key, unknownPath)) === unknown)
        .map((key) => change.head!.inputs[key]).filter((name): name is string => typeof name === "string" && name.length > 0);
}

/** Every string inside `value`. */
export function leafStrings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(leafStrings);
    if (value !== null && typeof value === "object") return Object.values(value).flatMap(leafStrings);
    return [];
}

/** `inputs` with each of `paths` (`a.b[0].c`) set to the unknown sentinel. */
function withUnknowns(inputs: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
    const copy = structuredClone(inputs);
    for (const unknownPath of paths) {
        const keys = unknownPath.replace(/\[(\d+)\]/g, ".$1").split(".");
        let node: Record<string, unknown> | undefined = copy;
        for (const key of keys.slice(0, -1)) node = (node?.[key] ?? undefined) as Record<string, unknown> | undefined;
        if (node !== undefined && node !== null && typeof node === "object") node[keys[keys.length - 1]!] = UNKNOWN;
    }
    return copy;
}

function withoutIgnored(inputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(inputs).filter(([key]) => !IGNORED_INPUTS.has(key)));
}

/** `a.b[0].c` is under `a.b` and under `a`; `sku.capacity` is under `sku.capacity`. */
export function isUnder(changedPath: string, prefix: string): boolean {
    const plain = changedPath.replace(/\[\d+\]/g, "");
    return plain === prefix || plain.startsWith(`${prefix}.`) || changedPath === prefix || changedPath.startsWith(`${prefix}.`) || changedPath.startsWith(`${prefix}[`);
}

/**
 * The leaf paths where two input trees differ, compared as JSON (so an asset compares by its content digest).
 * An unknown on either side counts as a change: preview cannot prove it equal.
 */
export function changedPaths(olds: unknown, news: unknown, prefix = ""): string[] {
    const a = normalised(olds);
    const b = normalised(news);
    const walk = (left: unknown, right: unknown, at: string): string[] => {
        if (left === UNKNOWN || right === UNKNOWN) return [at];
        if (Array.isArray(left) && Array.isArray(right)) {
            const length = Math.max(left.length, right.length);
            return Array.from({ length }, (_, index) => walk(left[index], right[index], `${at}[${index}]`)).flat();
        }
        // A block added or removed entirely: its leaves changed (a ForceNew field inside it forces a replacement).
        if ((left === undefined || left === null) && (isPlainObject(right) || Array.isArray(right))) return walk(Array.isArray(right) ? [] : {}, right, at);
        if ((right === undefined || right === null) && (isPlainObject(left) || Array.isArray(left))) return walk(left, Array.isArray(left) ? [] : {}, at);
        if (isPlainObject(left) && isPlainObject(right)) {
            const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].filter((key) => at !== "" || !IGNORED_INPUTS.has(key)).sort();
            return keys.flatMap((key) => walk(left[key], right[key], at === "" ? key : `${at}.${key}`));
        }
        return JSON.stringify(left) === JSON.stringify(right) ? [] : [at];
    };
    return walk(a, b, prefix);
}

function normalised(value: unknown): unknown {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Each resource's top-level ancestor's name: the stack's targets and the shared images. */
function targetsOf(resources: readonly PlannedResource[]): Map<string, string> {
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const result = new Map<string, string>();
    for (const resource of resources) {
        let top = resource;
        const seen = new Set<string>();
        while (top.parentUrn !== null && byUrn.has(top.parentUrn) && !seen.has(top.urn)) {
            seen.add(top.urn);
            top = byUrn.get(top.parentUrn)!;
        }
        result.set(resource.urn, top.name);
    }
    return result;
}
