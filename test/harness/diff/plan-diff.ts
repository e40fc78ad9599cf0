// `npm run synth -- --stack <name> --against <git-ref | FILE>`: both sides, every resource classified,
// the hazards named. The CLI in ../synth.ts prints `formatPlanDiff` and writes `PlanDiff` into --json-out.
import * as path from "node:path";
import { readStackFile, stackFilePath } from "../run-program";
import type { SynthOptions } from "../synth";
import { planBothSides, SidePlan } from "../two-sided";
import { ChangeAction, classify, ReplaceMode } from "./classify";
import { findHazards, Hazard } from "./hazards";

/** One row of the change table (and of `--json-out`'s `diff.changes`). */
export interface PlannedChange {
    readonly target: string;
    readonly action: ChangeAction;
    readonly replaceMode?: ReplaceMode;
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly changed: readonly string[];
    readonly unknownFromReplaced: readonly string[];
    readonly replaceReasons: readonly string[];
    readonly source?: string;
    /** A delete (or the old half of a replacement) that leaves the cloud object in place: `retainOnDelete`. */
    readonly retained: boolean;
}

export interface PlanDiff {
    readonly stack: string;
    readonly stage: string;
    readonly base: string;
    readonly head: string;
    readonly counts: Readonly<Record<ChangeAction, number>>;
    readonly changes: readonly PlannedChange[];
    readonly hazards: readonly Hazard[];
}

export async function diffSides(stack: string, stage: string, base: SidePlan, head: SidePlan): Promise<PlanDiff> {
    const classified = await classify(base, head);
    const counts: Record<ChangeAction, number> = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
    for (const change of classified) counts[change.action] += 1;
    return {
        stack,
        stage,
        base: base.label,
        head: head.label,
        counts,
        changes: classified.map(({ base: old, head: _head, ...row }) => ({ ...row, retained: old?.options?.retainOnDelete === true })),
        hazards: findHazards(classified, stage),
    };
}

/** Both sides of `stack` (see `planBothSides`), diffed. The stage comes from the head's stack file. */
export async function planDiff(stack: string, against: string, options: { configFile?: string; synth?: SynthOptions } = {}): Promise<{ diff: PlanDiff; base: SidePlan; head: SidePlan }> {
    const { base, head } = await planBothSides(stack, against, options);
    const config = readStackFile(path.resolve(options.configFile ?? stackFilePath(stack)));
    const stage = typeof config["ml-endpoints:stage"] === "string" ? config["ml-endpoints:stage"] : stack;
    return { diff: await diffSides(stack, stage, base, head), base, head };
}

/** 1 when any hazard is mandatory. */
export function hazardExitCode(diff: PlanDiff): 0 | 1 {
    return diff.hazards.some((hazard) => hazard.level === "mandatory") ? 1 : 0;
}

const SYMBOL: Record<ChangeAction, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " " };

/** Hazards first, then the changes as a table grouped by target; unchanged resources are counted, not listed. */
export function formatPlanDiff(diff: PlanDiff): string {
    const lines: string[] = [`Plan diff for ${diff.stack} (stage ${diff.stage}): ${diff.base} → ${diff.head}`];
    const { create, update, replace, delete: deletes, same } = diff.counts;
    lines.push(`  ${create} to create, ${update} to update, ${replace} to replace, ${deletes} to delete, ${same} unchanged`);
    const mandatory = diff.hazards.filter((hazard) => hazard.level === "mandatory").length;
    lines.push("", `Hazards: ${diff.hazards.length} (${mandatory} mandatory)`);
    for (const hazard of [...diff.hazards].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1))) {
        lines.push(`  [${hazard.level}] ${hazard.kind} (${hazard.target}): ${hazard.message}`);
        lines.push(`      remedy: ${hazard.remedy}`);
        lines.push(`      source: ${hazard.source}`);
    }
    const byTarget = new Map<string, PlannedChange[]>();
    for (const change of diff.changes.filter((row) => row.action !== "same")) byTarget.set(change.target, [...(byTarget.get(change.target) ?? []), change]);
    for (const [target, rows] of byTarget) {
        lines.push("", `${target}`);
        const width = Math.max(...rows.map((row) => `${row.type}  ${row.name}`.length));
        for (const row of rows) {
            const what = `${row.type}  ${row.name}`.padEnd(width);
            const mode = row.replaceMode === undefined ? (row.action === "delete" && row.retained ? " (retained)" : "") : ` (${row.replaceMode})`;
            const detail = row.action === "replace"
                ? `forced by ${row.replaceReasons.join(", ")}`
                : row.action === "update" ? [...row.changed, ...row.unknownFromReplaced.map((property) => `${property} (unknown until applied)`)].slice(0, 6).join(", ") : "";
            lines.push(`  ${SYMBOL[row.action].padEnd(2)} ${row.action}${mode}`.padEnd(36) + `${what}  ${detail}`.trimEnd());
        }
    }
    if (byTarget.size === 0) lines.push("", "No changes.");
    return lines.join("\n");
}

/** The diff as GitHub-flavoured markdown for a job summary: hazards first, then the changes per target. */
export function formatPlanDiffMarkdown(diff: PlanDiff): string {
    const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
    const { create, update, replace, delete: deletes, same } = diff.counts;
    const mandatory = diff.hazards.filter((hazard) => hazard.level === "mandatory");
    const lines = [
        `### ${diff.stack}: ${mandatory.length > 0 ? `${mandatory.length} mandatory hazard${mandatory.length === 1 ? "" : "s"}` : "no mandatory hazard"}`,
        "",
        `\`${diff.base}\` → \`${diff.head}\`: ${create} to create, ${update} to update, ${replace} to replace, ${deletes} to delete, ${same} unchanged.`,
        "",
    ];
    if (diff.hazards.length > 0) {
        lines.push("| level | hazard | target | what happens | remedy |", "|---|---|---|---|---|");
        for (const hazard of [...diff.hazards].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1))) {
            lines.push(`| ${hazard.level} | ${hazard.kind} | ${hazard.target} | ${cell(hazard.message)} | ${cell(hazard.remedy)} |`);
        }
        lines.push("");
    }
    const rows = diff.changes.filter((change) => change.action !== "same");
    if (rows.length > 0) {
        lines.push("| target | action | resource | why |", "|---|---|---|---|");
        for (const row of rows) {
            const action = row.replaceMode === undefined ? row.action : `${row.action} (${row.replaceMode})`;
            const why = row.action === "replace" ? `forced by ${row.replaceReasons.join(", ")}` : row.action === "update" ? [...row.changed, ...row.unknownFromReplaced].slice(0, 4).join(", ") : "";
            lines.push(`| ${row.target} | ${action} | \`${row.type}\` ${row.name} | ${cell(why)} |`);
        }
    } else {
        lines.push("No changes.");
    }
    return lines.join("\n");
}
