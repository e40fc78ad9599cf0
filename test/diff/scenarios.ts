// Update scenarios for the plan diff: a stack file with one target (base), the same with one change (head),
// both synthesized in this process (the FILE form of `--against`). Used by scenarios.test.ts.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { diffSides, PlanDiff } from "../harness/diff/plan-diff";
import { readStackFile, REPO_ROOT, stackFilePath, StackFileConfig } from "../harness/run-program";
import { planWithStackFile, SidePlan } from "../harness/two-sided";

export const SCENARIO_TARGETS = ["sagemaker", "lambda", "vertex", "cloudrun", "azureml"] as const;
export type ScenarioTarget = typeof SCENARIO_TARGETS[number];
export const SCENARIO_STACKS = ["dev", "prod"] as const;
export type ScenarioStack = typeof SCENARIO_STACKS[number];

type TargetConfig = Record<string, unknown>;

/** What a scenario may change: the target's config, the stack-wide model, or the files the image and model come from. */
export interface ScenarioEdit {
    readonly target: TargetConfig;
    readonly stack: StackFileConfig;
    /** A copy of the build context (app/) with `change` applied to it, used as this side's image context and model. */
    useAppCopy(change: (appDir: string) => void): void;
}

const IGNORED_IN_COPY = new Set(["node_modules", "dist"]);

/** A throwaway copy of app/ (without its node_modules and build output) that the scenarios may edit. */
function copyApp(into: string): string {
    fs.cpSync(path.join(REPO_ROOT, "app"), into, { recursive: true, filter: (source) => !IGNORED_IN_COPY.has(path.basename(source)) });
    return into;
}

/**
 * Runs scenarios against one temp directory: the base app copy, the stack files, and each base side
 * synthesized once per stack and target.
 */
export class ScenarioRunner {
    private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-endpoints-scenarios-"));
    private readonly baseApp = copyApp(path.join(this.dir, "app"));
    private readonly bases = new Map<string, Promise<SidePlan>>();
    private files = 0;

    /** `stack`'s stack file with only `target`, building from the base app copy. */
    baseConfig(stack: ScenarioStack, target: ScenarioTarget): StackFileConfig {
        const config = readStackFile(stackFilePath(stack));
        const targets = config["ml-endpoints:targets"] as Record<string, TargetConfig>;
        return pointAt({ ...config, "ml-endpoints:targets": { [target]: structuredClone(targets[target]!) } }, this.baseApp);
    }

    async run(stack: ScenarioStack, target: ScenarioTarget, edit: (scenario: ScenarioEdit) => void, baseEdit?: (scenario: ScenarioEdit) => void): Promise<PlanDiff> {
        const base = baseEdit === undefined ? await this.base(stack, target) : await settled(planWithStackFile(stack, this.write(this.edited(stack, target, baseEdit))));
        const headConfig = this.edited(stack, target, edit);
        const head = await settled(planWithStackFile(stack, this.write(headConfig)));
        return diffSides(stack, String(headConfig["ml-endpoints:stage"]), base, head);
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    private base(stack: ScenarioStack, target: ScenarioTarget): Promise<SidePlan> {
        const key = `${stack}/${target}`;
        if (!this.bases.has(key)) this.bases.set(key, planWithStackFile(stack, this.write(this.baseConfig(stack, target))));
        return this.bases.get(key)!;
    }

    private edited(stack: ScenarioStack, target: ScenarioTarget, edit: (scenario: ScenarioEdit) => void): StackFileConfig {
        let config = this.baseConfig(stack, target);
        const targetConfig = (config["ml-endpoints:targets"] as Record<string, TargetConfig>)[target]!;
        edit({
            target: targetConfig,
            stack: config,
            useAppCopy: (change) => {
                const appDir = copyApp(path.join(this.dir, `app-${++this.files}`));
                change(appDir);
                config = pointAt(config, appDir);
            },
        });
        return config;
    }

    private write(config: StackFileConfig): string {
        const file = path.join(this.dir, `Pulumi.scenario-${++this.files}.yaml`);
        fs.writeFileSync(file, stringify({ config }));
        return file;
    }
}

/**
 * A refused synth (a component throws mid-program) leaves registrations in flight; they must reach the mock
 * monitor they started on before the next run replaces it, or they fail later as unhandled rejections.
 */
async function settled<T>(run: Promise<T>): Promise<T> {
    try {
        return await run;
    } catch (error) {
        const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
        await settings.waitForRPCs().catch(() => undefined);
        throw error;
    }
}

/** The stack config building its image from `appDir` and loading the model from `appDir/model`. */
function pointAt(config: StackFileConfig, appDir: string): StackFileConfig {
    const model = config["ml-endpoints:model"] as Record<string, unknown>;
    const image = (config["ml-endpoints:image"] ?? {}) as Record<string, unknown>;
    return {
        ...config,
        "ml-endpoints:model": { ...model, path: path.join(appDir, "model") },
        "ml-endpoints:image": { ...image, context: appDir },
    };
}

/** `{ resource name: action }` for the resources that change, e.g. `{ "sagemaker-config": "replace" }`. */
export function actionsOf(diff: PlanDiff): Record<string, string> {
    return Object.fromEntries(diff.changes.filter((change) => change.action !== "same")
        .map((change) => [change.name, change.replaceMode === undefined ? change.action : `${change.action} (${change.replaceMode})`]));
}

/** The hazards as `kind:level` strings, sorted. */
export function hazardsOf(diff: PlanDiff): string[] {
    return [...new Set(diff.hazards.map((hazard) => `${hazard.kind}:${hazard.level}`))].sort();
}

/** One kind of change, as it applies to a target on a stack: the head edit, and for "and back" a different base. */
export interface ScenarioDefinition {
    readonly edit: (scenario: ScenarioEdit) => void;
    readonly baseEdit?: (scenario: ScenarioEdit) => void;
}

const bumpVersion = ({ stack }: ScenarioEdit) => { (stack["ml-endpoints:model"] as Record<string, unknown>)["version"] = "1.1.0"; };
/** New model bytes under the same version: one more byte in the model's metadata file (still valid JSON). */
const changeModelBytes = ({ useAppCopy }: ScenarioEdit) => useAppCopy((app) => fs.appendFileSync(path.join(app, "model", "model.json"), "\n"));
/** A new image: the Dockerfile changes, so the build context's fingerprint (the image tag) does. */
const changeImage = ({ useAppCopy }: ScenarioEdit) => useAppCopy((app) => fs.appendFileSync(path.join(app, "Dockerfile"), "\n# rebuilt\n"));
const addTag = ({ target }: ScenarioEdit) => { target["tags"] = { team: "ml-platform" }; };
const scaling = (target: TargetConfig) => target["scaling"] as Record<string, number>;

type PerTarget = Record<ScenarioTarget, (stack: ScenarioStack) => ScenarioDefinition>;

/** Every scenario of issue #14 §4, for every target; where a stack cannot express a change, the edit is what a user would try. */
export const SCENARIOS: Record<string, PerTarget> = {
    "model version bump": everyTarget({ edit: bumpVersion }),
    "model bytes changed, same version": everyTarget({ edit: changeModelBytes }),
    "image change": everyTarget({ edit: changeImage }),
    "instance or machine type change": {
        sagemaker: (stack) => ({ edit: ({ target }) => {
            if (stack === "prod") target["instanceType"] = "ml.m5.2xlarge";
            else (target["serverless"] as Record<string, number>)["memorySizeMb"] = 3072;
        } }),
        lambda: () => ({ edit: ({ target }) => { target["memorySizeMb"] = Number(target["memorySizeMb"]) + 1024; } }),
        vertex: () => ({ edit: ({ target }) => { target["instanceType"] = "n1-standard-8"; } }),
        cloudrun: () => ({ edit: ({ target }) => { target["cpu"] = "4"; target["memory"] = "4Gi"; } }),
        azureml: (stack) => ({ edit: ({ target }) => { target["instanceType"] = stack === "prod" ? "Standard_DS4_v2" : "Standard_DS3_v2"; } }),
    },
    "scaling bounds change": {
        sagemaker: (stack) => ({ edit: ({ target }) => {
            if (stack === "prod") scaling(target)["maxInstances"] = 12;
            else (target["serverless"] as Record<string, number>)["maxConcurrency"] = 10;
        } }),
        lambda: (stack) => ({ edit: ({ target }) => {
            if (stack === "prod") scaling(target)["maxInstances"] = 8;
            else target["reservedConcurrency"] = 8;
        } }),
        vertex: () => ({ edit: ({ target }) => { scaling(target)["maxInstances"] = scaling(target)["maxInstances"]! + 2; } }),
        cloudrun: () => ({ edit: ({ target }) => { scaling(target)["maxInstances"] = scaling(target)["maxInstances"]! + 10; } }),
        azureml: () => ({ edit: ({ target }) => { scaling(target)["maxInstances"] = scaling(target)["maxInstances"]! + 2; } }),
    },
    // dev goes from all-at-once to the progressive strategy, prod comes back from it.
    "all-at-once ↔ blue-green or canary": {
        sagemaker: (stack) => stack === "prod"
            ? { edit: ({ target }) => { target["rollout"] = { strategy: "all-at-once" }; } }
            : { edit: ({ target }) => { target["rollout"] = { strategy: "blue-green", canaryPercent: 10, bakeSeconds: 600, autoRollback: false }; } },
        lambda: (stack) => {
            const canary = ({ target }: ScenarioEdit) => { target["rollout"] = { strategy: "canary", canaryPercent: 10 }; target["stableVersion"] = "7"; };
            return stack === "prod" ? { baseEdit: canary, edit: () => undefined } : { edit: canary };
        },
        vertex: (stack) => stack === "prod"
            ? { edit: ({ target }) => { target["rollout"] = { strategy: "all-at-once" }; } }
            : { edit: ({ target }) => { target["rollout"] = { strategy: "canary", canaryPercent: 10, bakeSeconds: 60 }; } },
        // A Cloud Run canary splits traffic only once stableRevision names the revision to keep (the previous `revisionName` output).
        cloudrun: (stack) => stack === "prod"
            ? { baseEdit: ({ target }) => { target["stableRevision"] = "churn-classifier-prod-00007-abc"; }, edit: ({ target }) => { target["rollout"] = { strategy: "all-at-once" }; } }
            : { edit: ({ target }) => { target["rollout"] = { strategy: "canary", canaryPercent: 10, autoRollback: false }; target["stableRevision"] = "churn-classifier-dev-00003-xyz"; } },
        azureml: (stack) => {
            const blueGreen = ({ target }: ScenarioEdit) => { target["rollout"] = { strategy: "blue-green", canaryPercent: 10 }; };
            return stack === "prod" ? { baseEdit: blueGreen, edit: () => undefined } : { edit: blueGreen };
        },
    },
    "tag change": everyTarget({ edit: addTag }),
    "auth mode change": {
        sagemaker: () => ({ edit: ({ target }) => { target["auth"] = "key"; } }),
        lambda: () => ({ edit: ({ target }) => { target["auth"] = "jwt"; target["jwt"] = { issuer: "https://issuer.example.com", audience: ["ml-endpoints"] }; } }),
        vertex: () => ({ edit: ({ target }) => { target["auth"] = "key"; } }),
        cloudrun: () => ({ edit: ({ target }) => { target["auth"] = "none"; delete target["invokers"]; } }),
        azureml: () => ({ edit: ({ target }) => { target["auth"] = target["auth"] === "key" ? "iam" : "key"; } }),
    },
};

function everyTarget(definition: ScenarioDefinition): PerTarget {
    return Object.fromEntries(SCENARIO_TARGETS.map((target) => [target, () => definition])) as unknown as PerTarget;
}
