import type { PolicyConfigSchema, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";

/** Pack-wide settings every policy reads; each policy's configSchema declares the ones it uses, with these defaults. */
export interface GuardrailConfig {
    /** Stages that count as production. */
    readonly productionStages: string[];
}

export const DEFAULT_PRODUCTION_STAGES = ["prod"];

export const productionStagesSchema: PolicyConfigSchema["properties"] = {
    productionStages: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_PRODUCTION_STAGES,
        description: "Stages whose resources must meet the production guardrails. A resource's stage is its `stage` tag or label, else the stack name.",
    },
};

/**
 * The policy's config with its schema's defaults filled in: the CLI passes only what the
 * operator configured, and the offline runner does the same.
 */
export function configWithDefaults<T extends object>(args: Pick<ResourceValidationArgs | StackValidationArgs, "getConfig">, schema: PolicyConfigSchema | undefined): T {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
        if (property.default !== undefined) defaults[key] = property.default;
    }
    return { ...defaults, ...args.getConfig<Record<string, unknown>>() } as T;
}
