// Issue #14 §4: every update scenario, for every target, on dev and prod, through the plan diff (FILE form, in
// process). Each expectation follows from a cited rule in test/harness/diff/replace-rules.json or a hazard in
// test/harness/diff/hazards.ts; a scenario today's design cannot make safe asserts its hazard.
import { expect } from "chai";
import { PlanDiff } from "../harness/diff/plan-diff";
import { actionsOf, hazardsOf, SCENARIO_STACKS, SCENARIO_TARGETS, ScenarioRunner, ScenarioStack, ScenarioTarget, SCENARIOS } from "./scenarios";

type Actions = Record<string, string>;
const CBD = "replace (create-before-delete)";

/** What one scenario must produce: the changed resources with their actions (exactly), and the hazards (exactly). */
interface Expected {
    readonly actions?: Actions;
    /** For wide changes (tags): every changed resource has this action. */
    readonly allChangesAre?: string;
    readonly hazards: readonly string[];
    /** A change the config refuses, with the message it must give. */
    readonly refused?: RegExp;
}
type Expectations = Record<ScenarioTarget, Record<ScenarioStack, Expected>>;

const same = (expected: Expected): Record<ScenarioStack, Expected> => ({ dev: expected, prod: expected });

const EXPECTED: Record<keyof typeof SCENARIOS, Expectations> = {
    "model version bump": {
        // The artifact key holds the version and the content hash (ForceNew key); Model and EndpointConfiguration are all ForceNew
        // but retained, and the SageMakerConfigRollout provider moves the endpoint with RetainAllVariantProperties: no hazard.
        sagemaker: same({ actions: { "sagemaker-model-artifact": CBD, "sagemaker-model": CBD, "sagemaker-config": CBD, "sagemaker-rollout": "update" }, hazards: [] }),
        lambda: same({ actions: { "lambda-api": "update", "lambda-function": "update" }, hazards: [] }),
        vertex: same({ actions: { "vertex-model-model-json": CBD, "vertex-model-model-onnx": CBD, "vertex-deployment": "update" }, hazards: [] }),
        // New object names; the reader grant's bucket comes from the replaced objects, so it is unknown at preview (IAM members are all ForceNew).
        cloudrun: same({ actions: { "cloudrun-model-model-json": CBD, "cloudrun-model-model-onnx": CBD, "cloudrun-model-reader": CBD, "cloudrun-service": "update" }, hazards: [] }),
        azureml: {
            dev: { actions: { "azureml-model-model-json": CBD, "azureml-model-model-onnx": CBD, "azureml-model-1-1-0-1487ee89": "create", "azureml-blue": "update", "azureml-model-1-0-0-1487ee89": "delete" }, hazards: [] },
            prod: { actions: { "azureml-model-model-json": CBD, "azureml-model-model-onnx": CBD, "azureml-model-1-1-0-1487ee89": "create", "azureml-blue": "update", "azureml-model-1-0-0-1487ee89": "delete" }, hazards: ["capacity-reset:advisory"] },
        },
    },
    "model bytes changed, same version": {
        sagemaker: same({ actions: { "sagemaker-model-artifact": CBD, "aws-serving-image-image": "update", "sagemaker-model": CBD, "sagemaker-config": CBD, "sagemaker-rollout": "update" }, hazards: [] }),
        lambda: same({ actions: { "aws-serving-image-image": "update", "lambda-function": "update" }, hazards: [] }),
        // Object names carry the content hash now: new bytes are new objects, not a same-name replacement (pulumi-gcp#152).
        vertex: same({ actions: { "vertex-model-model-json": CBD, "vertex-model-model-onnx": CBD, "gcp-serving-image-image": "update", "vertex-deployment": "update" }, hazards: [] }),
        cloudrun: same({ actions: { "cloudrun-model-model-json": CBD, "cloudrun-model-model-onnx": CBD, "gcp-serving-image-image": "update", "cloudrun-model-reader": CBD, "cloudrun-service": "update" }, hazards: [] }),
        // New bytes register a new ModelVersion (its name carries the content hash) instead of rewriting the registered one.
        azureml: {
            dev: { actions: { "azureml-model-model-json": CBD, "azureml-model-model-onnx": CBD, "azureml-image-image": "update", "azureml-model-1-0-0-cc496ecf": "create", "azureml-environment-version": CBD, "azureml-blue": "update", "azureml-model-1-0-0-1487ee89": "delete" }, hazards: [] },
            prod: { actions: { "azureml-model-model-json": CBD, "azureml-model-model-onnx": CBD, "azureml-image-image": "update", "azureml-model-1-0-0-cc496ecf": "create", "azureml-environment-version": CBD, "azureml-blue": "update", "azureml-model-1-0-0-1487ee89": "delete" }, hazards: ["capacity-reset:advisory"] },
        },
    },
    "image change": {
        // A rebuilt image has a new digest (unknown until pushed): SageMaker Model's primaryContainer is ForceNew.
        sagemaker: same({ actions: { "aws-serving-image-image": "update", "sagemaker-model": CBD, "sagemaker-config": CBD, "sagemaker-rollout": "update" }, hazards: [] }),
        lambda: same({ actions: { "aws-serving-image-image": "update", "lambda-function": "update" }, hazards: [] }),
        vertex: same({ actions: { "gcp-serving-image-image": "update", "vertex-deployment": "update" }, hazards: [] }),
        cloudrun: same({ actions: { "gcp-serving-image-image": "update", "cloudrun-service": "update" }, hazards: [] }),
        // EnvironmentVersion.image is create-only; its version name is a hash of the image URI, so the replacement has a new name.
        // The deployment then moves to it with a PUT, which resets an autoscaled capacity.
        azureml: {
            dev: { actions: { "azureml-image-image": "update", "azureml-environment-version": CBD, "azureml-blue": "update" }, hazards: [] },
            prod: { actions: { "azureml-image-image": "update", "azureml-environment-version": CBD, "azureml-blue": "update" }, hazards: ["capacity-reset:advisory"] },
        },
    },
    "instance or machine type change": {
        // Dev is serverless (memory in the config, all ForceNew). On prod the rollout provider refuses a new instance type on an
        // autoscaled variant (its diff throws: AWS docs, endpoint-scaling-update).
        sagemaker: {
            dev: { actions: { "sagemaker-config": CBD, "sagemaker-rollout": "update" }, hazards: [] },
            prod: { actions: { "sagemaker-config": CBD, "sagemaker-rollout": "update" }, hazards: ["refused-in-place:mandatory"] },
        },
        lambda: same({ actions: { "lambda-function": "update" }, hazards: [] }),
        vertex: same({ actions: { "vertex-deployment": "update" }, hazards: [] }),
        cloudrun: same({ actions: { "cloudrun-service": "update" }, hazards: [] }),
        // The InstanceTypeGuard's check refuses this at preview (components/azure/instance-type-guard.ts, Azure/AML-Kubernetes#247).
        azureml: {
            dev: { actions: { "azureml-blue-instance-type": "update", "azureml-blue": "update" }, hazards: ["refused-in-place:mandatory"] },
            prod: { actions: { "azureml-blue-instance-type": "update", "azureml-blue": "update" }, hazards: ["capacity-reset:advisory", "refused-in-place:mandatory"] },
        },
    },
    "scaling bounds change": {
        // Dev is serverless: maxConcurrency lives in the endpoint config, all ForceNew.
        sagemaker: {
            dev: { actions: { "sagemaker-config": CBD, "sagemaker-rollout": "update" }, hazards: [] },
            prod: { actions: { "sagemaker-scaling-target": "update" }, hazards: [] },
        },
        lambda: {
            dev: { actions: { "lambda-function": "update" }, hazards: [] },
            prod: { actions: { "lambda-scaling-target": "update" }, hazards: [] },
        },
        vertex: same({ actions: { "vertex-deployment": "update" }, hazards: [] }),
        cloudrun: same({ actions: { "cloudrun-service": "update" }, hazards: [] }),
        azureml: {
            dev: { actions: { "azureml-blue-autoscale": "create" }, hazards: [] },
            prod: { actions: { "azureml-blue-autoscale": "update" }, hazards: [] },
        },
    },
    "all-at-once ↔ blue-green or canary": {
        // Serverless cannot do blue/green; on prod the rollout provider owns deploymentConfig, so the fixed-name endpoint is no
        // longer replaced (auto_rollback_configuration is ForceNew in terraform-provider-aws endpoint.go).
        sagemaker: {
            dev: { refused: /rollout\.strategy "blue-green" needs instances; serverless endpoints update all at once/, hazards: [] },
            prod: { actions: { "sagemaker-execution-policy": "update", "sagemaker-rollout": "update" }, hazards: [] },
        },
        lambda: {
            dev: { actions: { "lambda-alias": "update", "lambda-canary-alarm": "create" }, hazards: [] },
            prod: { actions: { "lambda-alias": "update", "lambda-canary-alarm": "delete" }, hazards: [] },
        },
        vertex: same({ actions: { "vertex-deployment": "update" }, hazards: [] }),
        // A Cloud Run canary splits traffic once stableRevision names the revision to keep.
        cloudrun: same({ actions: { "cloudrun-service": "update" }, hazards: [] }),
        azureml: {
            dev: { actions: { "azureml-green-instance-type": "create", "azureml-green": "create", "azureml-traffic": "update" }, hazards: [] },
            prod: { actions: { "azureml-traffic": "update", "azureml-green-instance-type": "delete", "azureml-green": "delete", "azureml-green-autoscale": "delete" }, hazards: [] },
        },
    },
    "tag change": {
        sagemaker: same({ allChangesAre: "update", hazards: [] }),
        lambda: same({ allChangesAre: "update", hazards: [] }),
        vertex: same({ allChangesAre: "update", hazards: [] }),
        cloudrun: same({ allChangesAre: "update", hazards: [] }),
        // Even a tag change PUTs the whole deployment, resetting an autoscaled capacity.
        azureml: {
            dev: { allChangesAre: "update", hazards: [] },
            prod: { allChangesAre: "update", hazards: ["capacity-reset:advisory"] },
        },
    },
    "auth mode change": {
        sagemaker: same({ refused: /auth "key" is not offered by this target; allowed: iam/, hazards: [] }),
        lambda: same({ actions: { "lambda-jwt": "create", "lambda-predict-route": "update", "lambda-invoke": "delete" }, hazards: [] }),
        vertex: same({ refused: /auth "key" is not offered by this target; allowed: iam/, hazards: [] }),
        // Public access is refused on prod by config.
        cloudrun: {
            dev: { actions: { "cloudrun-invoker-allusers-6a549f": "create", "cloudrun-invoker-serviceaccount-ml-endpoints-ci-m-c9a5b8": "delete", "cloudrun-invoker-group-ml-platform-example-com-616b95": "delete" }, hazards: [] },
            prod: { refused: /auth "none" \(allUsers may invoke\) is refused in prod; use auth "iam" with invokers/, hazards: [] },
        },
        // authMode is create-only and the endpoint's name is fixed: the "new" endpoint is a PUT over the live one. Its identity's
        // principalId is unknown until then, and a role assignment's properties are create-only.
        azureml: same({ actions: { "azureml-endpoint": CBD, "azureml-endpoint-reads-models": CBD, "azureml-traffic": CBD}, hazards: ["fixed-name-collision:mandatory"] }),
    },
};

describe("plan diff: update scenarios (issue #14 §4)", function () {
    this.timeout(60_000);
    const runner = new ScenarioRunner();
    after(() => runner.dispose());

    for (const [scenario, perTarget] of Object.entries(SCENARIOS)) {
        describe(scenario, () => {
            for (const target of SCENARIO_TARGETS) {
                for (const stack of SCENARIO_STACKS) {
                    const expected = EXPECTED[scenario]![target][stack];
                    it(`${target} on ${stack}`, async () => {
                        const definition = perTarget[target](stack);
                        if (expected.refused !== undefined) {
                            const error = await runner.run(stack, target, definition.edit, definition.baseEdit).then(() => undefined, (failure: Error) => failure);
                            expect(error?.message, "the change must be refused with a message naming what is allowed").to.match(expected.refused);
                            return;
                        }
                        const diff = await runner.run(stack, target, definition.edit, definition.baseEdit);
                        assertDiff(diff, expected);
                    });
                }
            }
        });
    }
});

function assertDiff(diff: PlanDiff, expected: Expected): void {
    const actions = actionsOf(diff);
    if (expected.actions !== undefined) expect(actions).to.deep.equal(expected.actions);
    if (expected.allChangesAre !== undefined) {
        expect(Object.keys(actions), "the scenario must change something").to.not.be.empty;
        expect(new Set(Object.values(actions))).to.deep.equal(new Set([expected.allChangesAre]));
    }
    expect(hazardsOf(diff)).to.deep.equal([...expected.hazards].sort());
    // Every hazard says what to do about it and where the rule comes from; every replacement names its forcing properties.
    for (const hazard of diff.hazards) {
        expect(hazard.remedy, hazard.kind).to.have.length.greaterThan(20);
        expect(hazard.source, hazard.kind).to.have.length.greaterThan(10);
    }
    for (const change of diff.changes.filter((row) => row.action === "replace")) {
        expect(change.replaceReasons, change.name).to.not.be.empty;
    }
}
