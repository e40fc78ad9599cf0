import type { PolicyResource } from "@pulumi/policy";

// Reading resource props the same way under the CLI and offline. Props arrive wrapped in
// `unknownCheckingProxy`: reading a value that is unknown at preview throws `UnknownValueError`, which the
// runner turns into an advisory "can't run policy during preview". These helpers keep that behaviour for
// values a rule decides on, and offer `peek` for values that only select what a rule looks at.

/** Reads a nested value by path, e.g. `read(props, "template", "scaling", "minInstanceCount")`; `undefined` if any step is missing. */
export function read(value: unknown, ...path: (string | number)[]): unknown {
    let current = value;
    for (const key of path) {
        if (current === null || current === undefined || typeof current !== "object") return undefined;
        current = (current as Record<string | number, unknown>)[key];
    }
    return current;
}

/** Like `read`, but a value unknown at preview reads as `undefined` instead of stopping the rule. */
export function peek(value: unknown, ...path: (string | number)[]): unknown {
    try {
        return read(value, ...path);
    } catch {
        return undefined;
    }
}

/** True when `props` has `key` set, without reading its value (so an unknown value does not throw). */
export function has(props: unknown, key: string): boolean {
    return props !== null && typeof props === "object" && key in props;
}

/** The elements of an array prop; a missing value is an empty list. */
export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? [...value] : [];
}

/** A count that may arrive as a number or, as Azure's autoscale capacities do, a numeric string. */
export function asCount(value: unknown): number | undefined {
    if (typeof value === "number") return value;
    if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value);
    return undefined;
}

/** The nearest component (or any) ancestor URN of a stack resource, used to group a target's resources. */
export function parentUrn(resource: Pick<PolicyResource, "parent" | "opts">): string | undefined {
    return resource.parent?.urn ?? resource.opts?.parent;
}

/**
 * True when the value at `path` is unknown at preview. A rule that only needs a value to be present (a key
 * ARN that another resource will compute) can accept it, rather than reporting that it cannot run.
 */
export function isUnknown(value: unknown, ...path: (string | number)[]): boolean {
    try {
        read(value, ...path);
        return false;
    } catch (error) {
        if ((error as Error).constructor?.name === "UnknownValueError") return true;
        throw error;
    }
}

/** The elements of an array prop, each read with `peek` (an element unknown at preview reads as `undefined`). */
export function peekEach(value: unknown, ...path: (string | number)[]): unknown[] {
    const array = peek(value, ...path);
    if (!Array.isArray(array)) return [];
    return Array.from({ length: array.length }, (_unused, index) => peek(array, index));
}
