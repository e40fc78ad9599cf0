import type { RecordedResource } from "./recorder";

/** The recorded resources of one type. */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((resource) => resource.type === type);
}

/** The one recorded resource of `type`; throws naming the count when there is not exactly one. */
export function single(resources: readonly RecordedResource[], type: string): RecordedResource {
    const found = ofType(resources, type);
    if (found.length !== 1) {
        throw new Error(`expected one ${type}, found ${found.length}: ${resources.map((resource) => resource.type).join(", ")}`);
    }
    return found[0]!;
}

/** Reads a nested input by path, e.g. `input(config, "productionVariants", 0, "instanceType")`. */
export function input(resource: RecordedResource, ...path: (string | number)[]): unknown {
    return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown> | undefined)?.[key], resource.inputs);
}
