// Two plans to compare: the config (or commit) a change starts from, and the one it ends at. The plan diff
// (#14) builds `test/harness/two-sided.ts` with this signature; until it lands on main this is the FILE form,
// in process: both configs through the same program at HEAD, synthesized one after the other.
import * as fs from "node:fs";
import * as path from "node:path";
import { synthesize, SynthReport } from "../synth";
import { stackFilePath } from "../run-program";

export interface SidePlan {
    readonly label: string;
    readonly report: SynthReport;
}

export class AgainstError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "AgainstError";
    }
}

/**
 * Synthesizes `stack` twice: `against` (a stack file) as the base, `options.configFile` (default the stack's own
 * file) as the head. A git ref is refused here: comparing commits needs the other commit's program as well as its
 * config, which is the plan diff's two-sided run.
 */
export async function planBothSides(stack: string, against: string, options: { configFile?: string } = {}): Promise<{ base: SidePlan; head: SidePlan }> {
    const headFile = path.resolve(options.configFile ?? stackFilePath(stack));
    const baseFile = path.resolve(against);
    if (!fs.existsSync(baseFile) || !fs.statSync(baseFile).isFile()) {
        throw new AgainstError(`--against ${against}: no such stack file; give a stack config file (e.g. a copy of Pulumi.${stack}.yaml from the base branch: git show origin/main:Pulumi.${stack}.yaml > base.yaml). Comparing git refs needs the plan diff's two-sided run (test/harness/two-sided.ts), which is not in this checkout`);
    }
    const base = await synthesize(stack, baseFile);
    const head = await synthesize(stack, headFile);
    return {
        base: { label: path.relative(process.cwd(), baseFile) || baseFile, report: base.report },
        head: { label: path.relative(process.cwd(), headFile) || headFile, report: head.report },
    };
}
