import { StackConfigError, validateStackConfig } from "../../components/config";
import { OfflineViolation, runPoliciesOffline } from "../../policy/offline";
import { ALL_POLICIES } from "../../policy/policies";
import type { ProgramRun } from "./run-program";
import { synthesize } from "./synth";

// The two verdicts the program tests ask for: what the policy pack denies, and what config validation refuses.

/** The mandatory violations of every policy in the pack over one program run. */
export async function mandatoryViolations(run: ProgramRun): Promise<OfflineViolation[]> {
    const violations = await runPoliciesOffline(ALL_POLICIES, run.resources.map((resource) => ({ ...resource, props: resource.inputs })));
    return violations.filter((violation) => violation.level === "mandatory");
}

/** The error synth refuses a stack file with (invalid config, or args a component rejects); throws when it synthesizes. */
export async function synthRefusal(stack: string, configFile: string): Promise<Error> {
    try {
        await synthesize(stack, configFile);
    } catch (error) {
        return error as Error;
    }
    throw new Error(`expected synth to refuse ${configFile}, but it synthesized`);
}

/** The problems config validation lists for `raw`; throws when the config is accepted, so a test cannot pass vacuously. */
export function configProblemsOf(stack: string, raw: Parameters<typeof validateStackConfig>[1]): readonly string[] {
    try {
        validateStackConfig(stack, raw);
    } catch (error) {
        if (error instanceof StackConfigError) return error.problems;
        throw error;
    }
    throw new Error("expected the config to be refused, but it was accepted");
}
