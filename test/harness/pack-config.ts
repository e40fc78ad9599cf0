import * as fs from "node:fs";
import type { Policies } from "@pulumi/policy";
import Ajv from "ajv";
import { OfflinePackConfig, reconcilePackConfig } from "../../policy/offline";

// Pack config (`pulumi preview --policy-pack-config <file>`) checked as the Pulumi CLI checks it: each
// policy's reconciled properties (schema defaults, then the file) validated against that policy's
// configSchema as `{ type: "object", properties, required }`. A bad file is an error before any policy runs.

export class PackConfigError extends Error {
    constructor(public readonly source: string, public readonly problems: readonly string[]) {
        super(`Invalid policy pack config ${source}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
}

export interface PackConfigCheck {
    /** `policy-name: what is wrong`, one per schema error. */
    readonly errors: string[];
    /** Entries that name no policy in the pack (the CLI ignores them; usually a typo). */
    readonly unknownPolicies: string[];
}

const ajv = new Ajv({ allErrors: true, strict: false });

export function checkPackConfig(policies: Policies, config: OfflinePackConfig): PackConfigCheck {
    const errors: string[] = [];
    let reconciled: ReturnType<typeof reconcilePackConfig>;
    try {
        reconciled = reconcilePackConfig(policies, config);
    } catch (error) {
        return { errors: [(error as Error).message], unknownPolicies: [] };
    }
    for (const policy of policies) {
        if (policy.configSchema === undefined) continue;
        const validate = ajv.compile({ type: "object", properties: policy.configSchema.properties ?? {}, required: policy.configSchema.required ?? [] });
        if (!validate(reconciled.get(policy.name)!.properties)) {
            for (const error of validate.errors ?? []) {
                const where = error.instancePath === "" ? "" : `${error.instancePath.slice(1).replace(/\//g, ".")} `;
                errors.push(`${policy.name}: ${where}${error.message}${error.params && "allowedValues" in error.params ? ` (${(error.params.allowedValues as unknown[]).join(", ")})` : ""}`);
            }
        }
    }
    const names = new Set(policies.map((policy) => policy.name));
    return { errors, unknownPolicies: Object.keys(config).filter((key) => key !== "all" && !names.has(key)) };
}

/** Reads and checks a pack config file; throws `PackConfigError` naming every problem. */
export function loadPackConfig(policies: Policies, file: string): { config: OfflinePackConfig; unknownPolicies: string[] } {
    let config: unknown;
    try {
        config = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new PackConfigError(file, [(error as Error).message]);
    }
    if (config === null || typeof config !== "object" || Array.isArray(config)) throw new PackConfigError(file, ["the file must hold a JSON object: policy name → settings"]);
    const { errors, unknownPolicies } = checkPackConfig(policies, config as OfflinePackConfig);
    if (errors.length > 0) throw new PackConfigError(file, errors);
    return { config: config as OfflinePackConfig, unknownPolicies };
}
