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

/** Settings of a rule that holds production targets to a minimum of standing instances. */
export interface MinInstancesConfig extends GuardrailConfig {
    /** The fewest standing serving instances (instances, replicas, provisioned environments). */
    readonly minInstances: number;
}

/** The configSchema of a min-instances rule: the production stages, and the minimum (default 2). */
export const minInstancesSchema = {
    properties: {
        ...productionStagesSchema,
        minInstances: { type: "integer", minimum: 1, default: 2, description: "The fewest standing serving instances a production target may run." },
    },
} as const satisfies PolicyConfigSchema;

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

/** The tag (AWS, Azure) or label (GCP) keys every taggable resource carries, by default. */
export const DEFAULT_REQUIRED_TAGS = ["stage", "managed-by", "model"];

export const requiredTagsSchema: PolicyConfigSchema["properties"] = {
    requiredTags: {
        type: "array",
        items: { type: "string", minLength: 1 },
        uniqueItems: true,
        default: DEFAULT_REQUIRED_TAGS,
        description: "Tag (AWS, Azure) or label (GCP) keys every taggable resource must carry with a non-empty value. GCP label keys are compared after folding to lowercase.",
    },
};

/** A per-stage setting: a map from stage name (or `default`, for any other stage) to a value. */
export type PerStage<T> = Readonly<Record<string, T>>;

/** The value for `stage`, else the map's `default` entry; `undefined` when neither is set (no limit). */
export function forStage<T>(perStage: PerStage<T>, stage: string): T | undefined {
    return Object.prototype.hasOwnProperty.call(perStage, stage) ? perStage[stage] : perStage["default"];
}

/** A JSON schema for a `PerStage` map whose values follow `valueSchema`. */
export function perStageSchema(valueSchema: Record<string, unknown>, defaults: PerStage<unknown>, description: string): NonNullable<PolicyConfigSchema["properties"]>[string] {
    return {
        type: "object",
        propertyNames: { pattern: "^[A-Za-z0-9_-]+$" },
        additionalProperties: valueSchema,
        default: defaults,
        description: `${description} Keys are stages; \`default\` applies to any stage not listed.`,
    };
}

// Instance and machine types by stage, as glob patterns (`*` matches any run of characters). Dev runs small
// CPU machines only; staging adds larger CPU sizes; prod adds the GPU and Inferentia families used for
// inference (but not the training-class ml.p*/a2-ultra/ND families, which an organisation can still allow).
const DEV_TYPES = [
    // SageMaker
    "ml.t2.*", "ml.t3.*", "ml.m5.large", "ml.m5.xlarge", "ml.m6i.large", "ml.m6i.xlarge", "ml.c5.large", "ml.c5.xlarge", "ml.c6i.large", "ml.c6i.xlarge",
    // GCP (Vertex AI machine types)
    "n1-standard-2", "n1-standard-4", "n2-standard-2", "n2-standard-4", "e2-*",
    // Azure ML managed online endpoints
    "Standard_DS1_v2", "Standard_DS2_v2", "Standard_F2s_v2", "Standard_F4s_v2", "Standard_E2s_v3",
];
const STAGING_TYPES = [
    ...DEV_TYPES,
    "ml.m5.*", "ml.m6i.*", "ml.c5.*", "ml.c6i.*", "ml.r5.*",
    "n1-standard-*", "n1-highcpu-*", "n1-highmem-*", "n2-standard-*", "n2-highcpu-*", "c2-standard-*",
    "Standard_DS*_v2", "Standard_F*s_v2", "Standard_E*s_v3",
];
const PROD_TYPES = [
    ...STAGING_TYPES,
    "ml.g4dn.*", "ml.g5.*", "ml.inf1.*", "ml.inf2.*",
    "g2-standard-*", "a2-highgpu-1g",
    "Standard_NC*",
];

export const DEFAULT_INSTANCE_TYPES: PerStage<readonly string[]> = {
    dev: DEV_TYPES,
    staging: STAGING_TYPES,
    prod: PROD_TYPES,
    default: DEV_TYPES,
};

/** GPU accelerators (Vertex AI `acceleratorType`) by stage; dev and staging get none. */
export const DEFAULT_ACCELERATOR_TYPES: PerStage<readonly string[]> = {
    dev: [],
    staging: [],
    prod: ["NVIDIA_TESLA_T4", "NVIDIA_L4"],
    default: [],
};

/** The most serving instances (autoscaling maximum) a target may reach, by stage. */
export const DEFAULT_MAX_INSTANCES: PerStage<number> = { dev: 4, staging: 10, prod: 20, default: 4 };

/** True when `value` matches one of the glob `patterns` (`*` is any run of characters; case-sensitive). */
export function matchesAny(value: string, patterns: readonly string[]): boolean {
    return patterns.some((pattern) => globToRegExp(pattern).test(value));
}

function globToRegExp(pattern: string): RegExp {
    return new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}
