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
// the same unknown-value proxy (an unknown read downgrades to advisory), the same per-policy config.

/** A resource as the synth recorded it. */
export interface OfflineResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly parentUrn?: string;
    /** The resource's inputs, as the analyzer would see them at preview. */
    readonly props: Record<string, unknown>;
}

/** Per-policy settings, the same shape as `pulumi preview --policy-pack-config <file>`. */
export type OfflinePackConfig = Record<string, { enforcementLevel?: EnforcementLevel } & Record<string, unknown>>;

export interface OfflineViolation {
    readonly policy: string;
    readonly level: EnforcementLevel;
    /** The resource's name, or `stack` for a stack-level finding without a resource. */
    readonly resource: string;
    readonly message: string;
}

class NotApplicable extends Error {}

export async function runPoliciesOffline(
    policies: Policies,
    resources: readonly OfflineResource[],
    packConfig: OfflinePackConfig = {},
): Promise<OfflineViolation[]> {
    const violations: OfflineViolation[] = [];
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const levelOf = (policy: { name: string; enforcementLevel?: EnforcementLevel }): EnforcementLevel =>
        packConfig[policy.name]?.enforcementLevel ?? policy.enforcementLevel ?? "advisory";
    const configOf = (policyName: string) => () => {
        const { enforcementLevel: _ignored, ...properties } = packConfig[policyName] ?? {};
        return properties as never;
    };
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
        const level = levelOf(policy);
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
            const policyResources = toPolicyResources(resources);
            const args: StackValidationArgs = {
                resources: policyResources,
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

/** Builds the analyzer's stack view: props behind the unknown proxy, parents and dependencies linked. */
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
    for (const resource of resources) {
        const parent = resource.parentUrn ? converted.get(resource.parentUrn) : undefined;
        if (parent) (converted.get(resource.urn) as { parent?: PolicyResource }).parent = parent;
    }
    return [...converted.values()];
}
