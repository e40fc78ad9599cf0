import type { ResourceValidationArgs } from "@pulumi/policy";

/** Resource tag (AWS, Azure) or label (GCP) maps where the required `stage` key lives. */
const TAG_FIELDS = ["tags", "labels", "userLabels"] as const;

/**
 * The stage a resource belongs to: its `stage` tag or label, else the stack name read from its URN
 * (`urn:pulumi:<stack>::<project>::…`), which works the same under the CLI and offline.
 */
export function stageOf(args: Pick<ResourceValidationArgs, "props" | "urn">): string {
    for (const field of TAG_FIELDS) {
        const tags = safeRead(() => args.props[field]);
        const stage = tags && typeof tags === "object" ? safeRead(() => (tags as Record<string, unknown>)["stage"]) : undefined;
        if (typeof stage === "string" && stage !== "") return stage;
    }
    return stackOfUrn(args.urn);
}

export function stackOfUrn(urn: string): string {
    return urn.split("::")[0]?.split(":").pop() ?? "";
}

/** True when the resource's stage is one of the configured production stages. */
export function isProduction(args: Pick<ResourceValidationArgs, "props" | "urn">, productionStages: readonly string[]): boolean {
    return productionStages.includes(stageOf(args));
}

/** Reads a value that may be unknown at preview without letting the unknown decide the stage. */
function safeRead<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch {
        return undefined;
    }
}
