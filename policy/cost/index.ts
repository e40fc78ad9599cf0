import type { Guardrail } from "../lib/guardrail";
import { stageMonthlyBudget } from "./budget";
import { instanceTypeAllowList } from "./instance-types";
import { maxInstancesCap } from "./max-instances";

// Cost: instance types, fleet sizes and the monthly floor stay within what each stage may spend.
// One file per target or cross-cloud rule; this index lists them for the pack.
export const costPolicies: Guardrail[] = [
    instanceTypeAllowList,
    maxInstancesCap,
    stageMonthlyBudget,
];
