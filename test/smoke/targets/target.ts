/**
 * The shape of one target's smoke check: which stack outputs it reads (a zod schema, so a missing or
 * masked output is named), how it authenticates (untimed), and the one timed prediction call.
 */
import { z } from "zod";
import type { ShapeExpectations } from "../contract";
import type { HttpAnswer } from "../http";
import { SmokeFailure } from "../http";
import type { SmokeAuth } from "../auth";

export interface SmokeContext {
    readonly auth: SmokeAuth;
    /** Per-request timeout, in ms. */
    readonly timeoutMs: number;
    /** The JSON request body every target receives. */
    readonly requestBody: string;
}

/** A call ready to go: credentials are resolved, so timing it measures the prediction alone. */
export interface PreparedCall {
    /** Where the prediction goes (shown in failures). */
    readonly url: string;
    readonly send: () => Promise<HttpAnswer>;
    readonly expectations: ShapeExpectations;
    /** A target-specific check of the parsed answer, after the shared shape check. */
    readonly check?: (answer: Record<string, unknown>) => string | undefined;
    /** An untimed check of the deployment itself after a good answer (e.g. SageMaker: not rolled back); a reason fails it. */
    readonly verify?: () => Promise<string | undefined>;
}

export interface SmokeTarget {
    readonly name: string;
    /** Validates this target's stack outputs and authenticates; throws `SmokeFailure` with the reason. */
    prepare(outputs: unknown, context: SmokeContext): Promise<PreparedCall>;
}

export interface TargetSpec<Schema extends z.ZodType> {
    readonly name: string;
    /** The stack outputs this target reads (see the README's stack output keys). */
    readonly outputs: Schema;
    readonly prepare: (outputs: z.infer<Schema>, context: SmokeContext) => Promise<PreparedCall>;
}

/** Binds a target's output schema to its call, so every target reports bad outputs the same way. */
export function defineTarget<Schema extends z.ZodType>(spec: TargetSpec<Schema>): SmokeTarget {
    return {
        name: spec.name,
        prepare: async (raw, context) => {
            const parsed = spec.outputs.safeParse(raw);
            if (!parsed.success) {
                const problems = parsed.error.issues.map((issue) => `${[spec.name, ...issue.path.map(String)].join(".")}: ${issue.message}`);
                throw new SmokeFailure(`stack outputs: ${problems.join("; ")}`);
            }
            return spec.prepare(parsed.data, context);
        },
    };
}

/** A stack output that `pulumi stack output` printed without `--show-secrets`. */
const MASKED = "[secret]";

/** A required string output; a masked secret gets its own message. */
export const outputString = z.string().min(1).refine((value) => value !== MASKED, {
    message: `is masked as "${MASKED}": read the outputs with --show-secrets`,
});

/** An http(s) URL output. */
export const outputUrl = outputString.refine((value) => /^https?:\/\/[^/]/.test(value), { message: "must be an http(s) URL" });

/** Which credential a target's `authMode` output asks for; both our vocabulary and Azure's spelling are accepted. */
export function normalizeAuthMode(mode: string | undefined, fallback: "iam" | "key" | "jwt" | "none"): "iam" | "key" | "jwt" | "none" | undefined {
    if (mode === undefined) return fallback;
    const lower = mode.toLowerCase();
    if (lower === "iam" || lower === "aadtoken") return "iam";
    if (lower === "key") return "key";
    if (lower === "jwt") return "jwt";
    if (lower === "none") return "none";
    return undefined;
}
