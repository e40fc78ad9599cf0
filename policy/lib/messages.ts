/**
 * The one shape of every violation message: the resource, the property, the value found and the
 * value required, so an operator can fix it without reading the policy's code.
 */
export function violationMessage(resourceName: string, property: string, found: unknown, required: string): string {
    return `${resourceName}: ${property} is ${describe(found)}; ${required}`;
}

function describe(value: unknown): string {
    if (value === undefined) return "not set";
    return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}
