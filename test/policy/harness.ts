import type { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { OfflineResource, OfflineViolation, runPoliciesOffline } from "../../policy/offline";

// The compliance-policies way of testing a guardrail: build a compliant baseline of a resource's props,
// mutate one property, and assert the violation. These helpers run a policy through the same offline
// runner the synth uses, which mirrors the CLI's analyzer.

export interface ResourceOptions {
    readonly name?: string;
    /** The stack in the URN, which is the stage when the resource has no `stage` tag. Default: `test`. */
    readonly stack?: string;
    /** The parent resource (a component), for stack policies that group a target's resources. */
    readonly parent?: OfflineResource;
    /** Per input property, the resources its value came from. */
    readonly propertyDependencies?: Readonly<Record<string, readonly OfflineResource[]>>;
}

/** A resource for a policy test; the URN carries the stack, which is the stage fallback. */
export function resource(type: string, props: Record<string, unknown>, options: ResourceOptions = {}): OfflineResource {
    const name = options.name ?? "subject";
    const stack = options.stack ?? "test";
    return {
        type,
        name,
        urn: `urn:pulumi:${stack}::ml-endpoints::${type}::${name}`,
        parentUrn: options.parent?.urn,
        props,
        propertyDependencies: Object.fromEntries(Object.entries(options.propertyDependencies ?? {}).map(([property, sources]) => [property, sources.map((source) => source.urn)])),
    };
}

/** The messages of `violations`, for compact assertions. */
export function messagesOf(violations: readonly OfflineViolation[]): string[] {
    return violations.map((violation) => violation.message);
}

/** The messages a policy reports for one resource. */
export async function violationsOf(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    resources: OfflineResource | readonly OfflineResource[],
    config: Record<string, unknown> & { enforcementLevel?: EnforcementLevel } = {},
): Promise<OfflineViolation[]> {
    return runPoliciesOffline([policy], Array.isArray(resources) ? resources : [resources as OfflineResource], { [policy.name]: config });
}

/** Deep-copies a baseline and applies one mutation to the copy, so each test starts from a compliant resource. */
export function mutate<T>(baseline: T, change: (copy: T) => void): T {
    const copy = structuredClone(baseline);
    change(copy);
    return copy;
}
