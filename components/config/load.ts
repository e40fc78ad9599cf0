import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ImageArgs, ModelArgs, Stage } from "../args";
import { STAGES } from "../args";
import { TARGET_NAMES, TARGETS } from "../targets/registry";
import { imageSchema, modelSchema, stageSchema } from "./schema";

/** `ml-endpoints:image`: how to build the serving image, or the images an earlier stage built (`promoted`). */
export type StackImage = ImageArgs & { readonly promoted?: { readonly aws?: string; readonly gcp?: string; readonly azure?: string } };

/** The config namespace of this project: keys are `ml-endpoints:<key>` in the stack files. */
export const CONFIG_NAMESPACE = "ml-endpoints";

/** A stack's validated config, as the program consumes it. */
export interface StackConfig {
    readonly stack: string;
    readonly stage: Stage;
    readonly model: ModelArgs;
    readonly image?: StackImage;
    /** Target name → its validated config entry, in the stack file's order. */
    readonly targets: Readonly<Record<string, unknown>>;
}

/** The raw values of the project's config keys, as read from a stack file. */
export interface RawStackConfig {
    readonly stage?: unknown;
    readonly model?: unknown;
    readonly image?: unknown;
    readonly targets?: unknown;
}

/** Invalid stack config. The message lists every problem, each naming its key, the value and what is allowed. */
export class StackConfigError extends pulumi.RunError {
    constructor(public readonly stackName: string, public readonly problems: readonly string[]) {
        super(`Invalid config for stack "${stackName}":\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
}

/** Reads `ml-endpoints:*` from the current stack's config and validates it. */
export function loadStackConfig(): StackConfig {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const read = (key: string): unknown => {
        const text = config.get(key);
        if (text === undefined) return undefined;
        try {
            return JSON.parse(text);
        } catch {
            return text; // plain strings, e.g. `ml-endpoints:stage: prod`
        }
    };
    return validateStackConfig(pulumi.getStack(), {
        stage: read("stage"),
        model: read("model"),
        image: read("image"),
        targets: read("targets"),
    });
}

/** Validates raw stack config; throws `StackConfigError` listing every problem at once. */
export function validateStackConfig(stack: string, raw: RawStackConfig): StackConfig {
    const problems: string[] = [];
    const check = <T>(key: string, schema: z.ZodType<T>, value: unknown): T | undefined => {
        const result = schema.safeParse(value, { reportInput: true });
        if (result.success) return result.data;
        problems.push(...result.error.issues.map((issue) => describeIssue(`${CONFIG_NAMESPACE}:${key}`, issue, schema)));
        return undefined;
    };

    let stage: Stage | undefined;
    if (raw.stage !== undefined) {
        stage = check("stage", stageSchema, raw.stage);
    } else if ((STAGES as readonly string[]).includes(stack)) {
        stage = stack as Stage;
    } else {
        problems.push(`${CONFIG_NAMESPACE}:stage is not set and the stack name "${stack}" is not a stage; set it to one of ${STAGES.join(", ")}`);
    }

    const model = raw.model === undefined
        ? (problems.push(`${CONFIG_NAMESPACE}:model is required: { name, version, and path or artifactUri }`), undefined)
        : check("model", modelSchema, raw.model);
    const image = raw.image === undefined ? undefined : check("image", imageSchema, raw.image);

    const targets: Record<string, unknown> = {};
    if (raw.targets === undefined || raw.targets === null || typeof raw.targets !== "object" || Array.isArray(raw.targets)) {
        problems.push(`${CONFIG_NAMESPACE}:targets must be a map of target name to settings, got ${JSON.stringify(raw.targets)}; targets: ${TARGET_NAMES.join(", ")}`);
    } else {
        const entries = Object.entries(raw.targets as Record<string, unknown>);
        if (entries.length === 0) problems.push(`${CONFIG_NAMESPACE}:targets is empty: name at least one of ${TARGET_NAMES.join(", ")}`);
        for (const [name, entry] of entries) {
            const binding = TARGETS[name];
            if (binding === undefined) {
                problems.push(`${CONFIG_NAMESPACE}:targets.${name}: unknown target "${name}"; allowed: ${TARGET_NAMES.join(", ")}`);
                continue;
            }
            const validated = check(`targets.${name}`, binding.schema, entry ?? {});
            if (validated !== undefined) targets[name] = validated;
        }
    }

    if (problems.length > 0 || stage === undefined || model === undefined) throw new StackConfigError(stack, problems);
    return { stack, stage, model, image, targets };
}

/** One zod issue as `key: what is wrong (got value)`, naming the allowed keys for an unknown one. */
function describeIssue(prefix: string, issue: z.core.$ZodIssue, schema: z.ZodType): string {
    const key = [prefix, ...issue.path.map(String)].join(".");
    if (issue.code === "unrecognized_keys") {
        const allowed = allowedKeysAt(schema, issue.path);
        return issue.keys.map((unknown) => `${key}: unknown key "${unknown}"${allowed ? `; allowed: ${allowed.join(", ")}` : ""}`).join("\n  - ");
    }
    // Our own (custom) messages already state the values; zod's built-in ones get the value appended.
    if (issue.code === "custom") return `${key}: ${issue.message}`;
    if (issue.code === "invalid_type" && issue.input === undefined) return `${key}: is required (a ${issue.expected})`;
    const shown = issue.input === undefined ? "nothing" : JSON.stringify(issue.input);
    return `${key}: ${issue.message} (got ${shown})`;
}

/** The keys the object schema at `path` accepts, walking through optional and refined wrappers. */
function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
    let node: z.core.$ZodType | undefined = schema;
    const unwrap = (current: z.core.$ZodType): z.core.$ZodType => {
        const def = current._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
        if (def.innerType) return unwrap(def.innerType);
        if (def.type === "pipe" && def.in) return unwrap(def.in);
        return current;
    };
    for (const segment of [...path, undefined]) {
        if (node === undefined) return undefined;
        node = unwrap(node);
        const def = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType> };
        if (def.type !== "object" || def.shape === undefined) return undefined;
        if (segment === undefined) return Object.keys(def.shape);
        node = def.shape[String(segment)];
    }
    return undefined;
}
