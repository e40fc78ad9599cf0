import {
    EnforcementLevel,
    Policies,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    unknownCheckingProxy,
    UnknownValueError,
} from "@pulumi/policy";

// Runs the pack's policies over resources recorded offline (the synth runs the program under Pulumi
// mocks), mirroring what the Pulumi CLI's analyzer does with the same policy objects: the same args,
// the same unknown-value proxy (an unknown read downgrades to advisory), the same pack config rules
// (schema defaults, then `all`, then per-policy settings).

/** A resource as the synth recorded it. */
export interface OfflineResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly parentUrn?: string;
    /** The resource's inputs, as the analyzer would see them at preview. */
    readonly props: Record<string, unknown>;
    /** URNs this resource depends on (the engine's `dependencies`). */
    readonly dependencies?: readonly string[];
    /** Per input property, the URNs its value came from (the engine's `propertyDependencies`). */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One policy's entry in a pack config file: an enforcement level, or an object of settings. */
export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/**
 * The JSON of `pulumi preview --policy-pack-config <file>`: policy name → entry. The reserved key
 * `all` sets the enforcement level of every policy; a policy's own entry overrides it.
 */
export type OfflinePackConfig = Record<string, PolicyConfigEntry>;

/** A policy's effective settings after the CLI's reconciliation. */
export interface ReconciledPolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

export interface OfflineViolation {
    readonly policy: string;
    readonly level: EnforcementLevel;
    /** The resource's name, or `stack` for a stack-level finding without a resource. */
    readonly resource: string;
    readonly message: string;
}

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Splits a pack config entry into its enforcement level and its properties, as the CLI parses the file. */
export function splitConfigEntry(name: string, entry: PolicyConfigEntry): { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> } {
    if (typeof entry === "string") {
        if (!ENFORCEMENT_LEVELS.includes(entry)) throw new Error(`policy config "${name}": "${entry}" is not an enforcement level; allowed: ${ENFORCEMENT_LEVELS.join(", ")}`);
        return { enforcementLevel: entry, properties: {} };
    }
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
        throw new Error(`policy config "${name}": ${JSON.stringify(entry)} is not valid; give an enforcement level or an object`);
    }
    const { enforcementLevel, ...properties } = entry;
    if (enforcementLevel !== undefined && !ENFORCEMENT_LEVELS.includes(enforcementLevel)) {
        throw new Error(`policy config "${name}": enforcementLevel "${enforcementLevel}" is not one of ${ENFORCEMENT_LEVELS.join(", ")}`);
    }
    return { enforcementLevel, properties };
}

/**
 * Each policy's effective enforcement level and properties, reconciled as the Pulumi CLI does
 * (`ReconcilePolicyPackConfig`): the schema's defaults and the policy's own level, then the level under
 * `all`, then the policy's own entry, property by property. A policy without a level is advisory.
 */
export function reconcilePackConfig(policies: Policies, packConfig: OfflinePackConfig = {}): Map<string, ReconciledPolicyConfig> {
    const all = packConfig["all"] === undefined ? undefined : splitConfigEntry("all", packConfig["all"]).enforcementLevel;
    const result = new Map<string, ReconciledPolicyConfig>();
    for (const policy of policies) {
        const defaults: Record<string, unknown> = {};
        for (const [key, property] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (property.default !== undefined) defaults[key] = structuredClone(property.default);
        }
        const own = packConfig[policy.name] === undefined ? undefined : splitConfigEntry(policy.name, packConfig[policy.name]!);
        result.set(policy.name, {
            enforcementLevel: own?.enforcementLevel ?? all ?? policy.enforcementLevel ?? "advisory",
            properties: { ...defaults, ...own?.properties },
        });
    }
    return result;
}

class NotApplicable extends Error {}

export async function runPoliciesOffline(
    policies: Policies,
    resources: readonly OfflineResource[],
    packConfig: OfflinePackConfig = {},
): Promise<OfflineViolation[]> {
    const violations: OfflineViolation[] = [];
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const reconciled = reconcilePackConfig(policies, packConfig);
    const configOf = (policyName: string) => () => structuredClone(reconciled.get(policyName)?.properties ?? {}) as never;
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    const run = async (policyName: string, level: EnforcementLevel, resourceName: string, validate: (report: (message: string, urn?: string) => void) => unknown) => {
        const report = (message: string, urn?: string) => {
            violations.push({ policy: policyName, level, resource: urn ? (byUrn.get(urn)?.name ?? urn) : resourceName, message });
        };
        try {
            await validate(report);
        } catch (error) {
            if (error instanceof UnknownValueError) {
                // The CLI reports a policy that reads an unknown value as advisory, and so do we.
                violations.push({ policy: policyName, level: "advisory", resource: resourceName, message: `can't run policy '${policyName}' during preview: ${(error as Error).message}` });
            } else if (!(error instanceof NotApplicable)) {
                throw error;
            }
        }
    };

    for (const policy of policies) {
        const level = reconciled.get(policy.name)!.enforcementLevel;
        if (level === "disabled") continue;
        const reportLevel = level === "remediate" ? "mandatory" : level;
        if (isResourcePolicy(policy)) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const resource of resources) {
                for (const validation of validations) {
                    if (validation === undefined) continue;
                    const args: ResourceValidationArgs = {
                        type: resource.type,
                        props: unknownCheckingProxy(resource.props),
                        urn: resource.urn,
                        name: resource.name,
                        opts: defaultOptions(resource),
                        stackTags: new Map(),
                        isType: () => false,
                        asType: () => undefined,
                        getConfig: configOf(policy.name),
                        notApplicable,
                    };
                    await run(policy.name, reportLevel, resource.name, (report) => validation(args, report));
                }
            }
        } else {
            const args: StackValidationArgs = {
                resources: toPolicyResources(resources),
                stackTags: new Map(),
                getConfig: configOf(policy.name),
                notApplicable,
            };
            await run(policy.name, reportLevel, "stack", (report) => (policy as StackValidationPolicy).validateStack(args, report));
        }
    }
    return violations;
}

function isResourcePolicy(policy: ResourceValidationPolicy | StackValidationPolicy): policy is ResourceValidationPolicy {
    return (policy as ResourceValidationPolicy).validateResource !== undefined;
}

function defaultOptions(resource: OfflineResource): ResourceValidationArgs["opts"] {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: resource.parentUrn,
    };
}

/** Builds the analyzer's stack view: props behind the unknown proxy, parents and dependencies linked by URN. */
function toPolicyResources(resources: readonly OfflineResource[]): PolicyResource[] {
    const converted = new Map<string, PolicyResource>();
    for (const resource of resources) {
        converted.set(resource.urn, {
            type: resource.type,
            props: unknownCheckingProxy(resource.props),
            urn: resource.urn,
            name: resource.name,
            opts: defaultOptions(resource),
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource);
    }
    const resolveAll = (urns: readonly string[] = []) => urns.map((urn) => converted.get(urn)).filter((found) => found !== undefined);
    for (const resource of resources) {
        const policyResource = converted.get(resource.urn)! as { parent?: PolicyResource; dependencies: PolicyResource[]; propertyDependencies: Record<string, PolicyResource[]> };
        const parent = resource.parentUrn ? converted.get(resource.parentUrn) : undefined;
        if (parent) policyResource.parent = parent;
        policyResource.dependencies = resolveAll(resource.dependencies);
        for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            policyResource.propertyDependencies[property] = resolveAll(urns);
        }
    }
    return [...converted.values()];
}
