import * as pulumi from "@pulumi/pulumi";
import type { RolloutStrategy } from "../args";
import type { VertexApi, VertexEndpointState, VertexOperation } from "./vertex-api";
import { apiEndpointProblem, vertexApi } from "./vertex-api";

// VertexModelDeployment: uploads a model to the Vertex AI Model Registry and deploys it to an endpoint,
// through the REST API. @pulumi/gcp cannot: `AiEndpoint.deployedModels` is output-only
// (terraform-provider-google#15303, #25152). This is a Pulumi dynamic provider: the provider object below
// is serialized into the state and run by the engine's provider host, so it and the functions it calls
// capture nothing but plain data and functions, and require their npm packages inside (see vertex-api.ts).

/** The marker prop that tells this dynamic resource apart from others (all have type `pulumi-nodejs:dynamic:Resource`). */
export const VERTEX_DEPLOYMENT_KIND = "ml-endpoints:gcp:VertexModelDeployment";
/** The autoscaling metric for CPU utilisation, in percent, of a deployed model's replicas. */
export const CPU_UTILIZATION_METRIC = "aiplatform.googleapis.com/prediction/online/cpu/utilization";
/**
 * The container env var that carries the original `artifactUri` (the bucket the serving account may read), beside
 * Vertex AI's `AIP_STORAGE_URI` (Vertex's own copy). Google promises read access to that copy only to the default
 * prediction identity; a custom `DeployedModel.serviceAccount` "overrides this access" ("Use a custom service
 * account", Vertex AI docs). The server falls back to this URI (app/src/model/gcs.ts). Not `AIP_*`: those are Vertex's.
 */
export const ARTIFACT_URI_ENV = "MODEL_ARTIFACT_URI";
/**
 * Machine families that come with GPUs attached (a2/a3: NVIDIA A100/H100, g2: L4; "Configure compute resources for
 * inference"). The provider sends no `acceleratorType`/`acceleratorCount` and the image's onnxruntime is CPU-only,
 * so they are refused rather than deployed without their accelerators.
 */
export const GPU_MACHINE_FAMILY = /^(a2|a3|a4|g2|g4)-/;
/** Largest value of a proto int32 field (replica counts, `AutoscalingMetricSpec.target`). */
const INT32_MAX = 2_147_483_647;

/** How a new model or image replaces the deployed one. */
export interface VertexRollout {
    readonly strategy: RolloutStrategy;
    /** Percent of traffic the new deployed model gets while it bakes (canary, blue-green). */
    readonly canaryPercent: number;
    /** Seconds the new deployed model serves `canaryPercent` before it gets all traffic. */
    readonly bakeSeconds: number;
}

/** The inputs as the provider sees them: plain values, every default applied. */
export interface VertexModelDeploymentInputs {
    readonly kind: typeof VERTEX_DEPLOYMENT_KIND;
    readonly project: string;
    readonly region: string;
    /** The endpoint's resource name, `projects/{project}/locations/{region}/endpoints/{id}`. */
    readonly endpoint: string;
    /**
     * The display name of the model and of its deployed model. Keep it stable across versions (the version
     * is in the artifact path, the image digest and the labels): it is how leftovers of an interrupted
     * rollout are recognised.
     */
    readonly displayName: string;
    readonly artifactUri: string;
    readonly imageUri: string;
    readonly containerPort: number;
    readonly healthRoute: string;
    readonly predictRoute: string;
    readonly env: Record<string, string>;
    readonly serviceAccount: string;
    readonly machineType: string;
    readonly minReplicaCount: number;
    readonly maxReplicaCount: number;
    /** Target CPU utilisation (%) of the replicas. */
    readonly cpuTarget: number;
    readonly rollout: VertexRollout;
    readonly labels: Record<string, string>;
    readonly kmsKeyName?: string;
    readonly apiEndpoint?: string;
    readonly pollInitialMs: number;
    readonly pollMaxMs: number;
    readonly operationTimeoutSeconds: number;
}

/** The state: the inputs plus what the API returned. */
export interface VertexModelDeploymentOutputs extends VertexModelDeploymentInputs {
    readonly endpointId: string;
    /** The live model's resource name, `projects/{number}/locations/{region}/models/{id}`. */
    readonly modelName: string;
    /** The live deployed model's id within the endpoint. */
    readonly deployedModelId: string;
    readonly predictUrl: string;
    readonly trafficSplit: Record<string, number>;
    /** Retiring the previous version failed here; the next update or delete retries (it finds them by display name). */
    readonly cleanupErrors: string[];
}

// How each input changes the live deployment.
/** A different project, region or endpoint is a different deployment. */
const REPLACE_FIELDS = ["project", "region", "endpoint"] as const;
/** A new model version (upload, deploy beside the old one, shift traffic, retire the old one). Machine specs are immutable once deployed. */
const VERSION_FIELDS = ["displayName", "artifactUri", "imageUri", "containerPort", "healthRoute", "predictRoute", "env", "serviceAccount", "machineType", "kmsKeyName"] as const;
/**
 * Patched on the live model in place (`models.patch` with `updateMask=labels`; Model.labels is mutable, unlike
 * the container spec, which is immutable after upload). A tag change never rolls a new version out.
 */
const LABEL_FIELDS = ["labels"] as const;
/** Changed in place with `mutateDeployedModel`. */
const SCALING_FIELDS = ["minReplicaCount", "maxReplicaCount", "cpuTarget"] as const;
/** How the provider works, not what is deployed: recorded in the state, no API call. */
const SETTINGS_FIELDS = ["rollout", "apiEndpoint", "pollInitialMs", "pollMaxMs", "operationTimeoutSeconds"] as const;

type Field = keyof VertexModelDeploymentInputs;

/** Stable JSON (object keys sorted), so `{a, b}` and `{b, a}` compare equal. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value !== null && typeof value === "object") {
        return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "undefined";
}

function changedFields(olds: Partial<VertexModelDeploymentInputs>, news: Partial<VertexModelDeploymentInputs>, fields: readonly Field[]): Field[] {
    return fields.filter((field) => canonical(olds[field]) !== canonical(news[field]));
}

function baseUrl(inputs: VertexModelDeploymentInputs): string {
    return (inputs.apiEndpoint ?? `https://${inputs.region}-aiplatform.googleapis.com`).replace(/\/+$/, "");
}

function apiFor(inputs: VertexModelDeploymentInputs): VertexApi {
    return vertexApi({
        baseUrl: baseUrl(inputs),
        project: inputs.project,
        pollInitialMs: inputs.pollInitialMs,
        pollMaxMs: inputs.pollMaxMs,
        operationTimeoutMs: inputs.operationTimeoutSeconds * 1000,
    });
}

function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

function isNotFound(error: unknown): boolean {
    return (error as { status?: number }).status === 404;
}

/** `models:upload` with our container spec; returns the model's resource name. */
async function uploadModel(api: VertexApi, inputs: VertexModelDeploymentInputs): Promise<string> {
    const operation = await api.request<VertexOperation>("POST", `v1/projects/${inputs.project}/locations/${inputs.region}/models:upload`, {
        model: {
            displayName: inputs.displayName,
            artifactUri: inputs.artifactUri,
            // Vertex passes these to the server as AIP_HEALTH_ROUTE, AIP_PREDICT_ROUTE, AIP_HTTP_PORT and,
            // from artifactUri, AIP_STORAGE_URI.
            containerSpec: {
                imageUri: inputs.imageUri,
                ports: [{ containerPort: inputs.containerPort }],
                healthRoute: inputs.healthRoute,
                predictRoute: inputs.predictRoute,
                env: [...Object.entries(inputs.env), [ARTIFACT_URI_ENV, inputs.artifactUri]].map(([name, value]) => ({ name, value })),
            },
            labels: inputs.labels,
            encryptionSpec: inputs.kmsKeyName === undefined ? undefined : { kmsKeyName: inputs.kmsKeyName },
        },
    });
    const response = await api.wait(operation, `uploading model "${inputs.displayName}"`, { cancelOnTimeout: true });
    if (typeof response["model"] !== "string") throw new Error(`Vertex AI: models:upload finished without a model name (operation ${operation.name})`);
    return response["model"];
}

function dedicatedResources(inputs: VertexModelDeploymentInputs) {
    return {
        machineSpec: { machineType: inputs.machineType },
        minReplicaCount: inputs.minReplicaCount,
        maxReplicaCount: inputs.maxReplicaCount,
        autoscalingMetricSpecs: [{ metricName: CPU_UTILIZATION_METRIC, target: inputs.cpuTarget }],
    };
}

/**
 * `endpoints/{id}:deployModel` with no `trafficSplit`: "If this field is empty, then the Endpoint's traffic_split
 * is not updated" (DeployModelRequest, Vertex AI REST reference), so the new deployed model serves nothing until
 * `setTrafficSplit` gives it a share. A deploy that outlives the timeout is cancelled; if Google completes it
 * anyway, it still serves nothing, and the next create, update or delete retires it by its display name.
 * Returns the deployed model's id.
 */
async function deployModel(api: VertexApi, inputs: VertexModelDeploymentInputs, model: string): Promise<string> {
    const operation = await api.request<VertexOperation>("POST", `v1/${inputs.endpoint}:deployModel`, {
        deployedModel: {
            model,
            displayName: inputs.displayName,
            serviceAccount: inputs.serviceAccount,
            dedicatedResources: dedicatedResources(inputs),
        },
    });
    const response = await api.wait(operation, `deploying model ${model} to ${inputs.endpoint}`, { cancelOnTimeout: true });
    const id = (response["deployedModel"] as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string") throw new Error(`Vertex AI: deployModel finished without a deployed model id (operation ${operation.name})`);
    return id;
}

/**
 * `endpoints.patch` with `updateMask=traffic_split`. The body carries the endpoint's name and its required
 * `displayName` beside the split, as the official client does (googleapis/python-aiplatform
 * `Endpoint.update(traffic_split=…)` sends the fetched Endpoint with the new split; tests/unit/aiplatform/
 * test_endpoints.py `test_update_traffic_split`).
 */
async function setTrafficSplit(api: VertexApi, endpoint: string, trafficSplit: Record<string, number>): Promise<void> {
    const current = await readEndpoint(api, endpoint);
    if (current === undefined) throw Object.assign(new Error(`Vertex AI: endpoint ${endpoint} not found while setting its traffic split`), { status: 404 });
    await api.request("PATCH", `v1/${endpoint}?updateMask=traffic_split`, { name: current.name, displayName: current.displayName, trafficSplit });
}

/** `models.patch` with `updateMask=labels` (with the model's required displayName, as for the endpoint). */
async function patchModelLabels(api: VertexApi, model: string, displayName: string, labels: Record<string, string>): Promise<void> {
    await api.request("PATCH", `v1/${model}?updateMask=labels`, { name: model, displayName, labels });
}

async function undeployModel(api: VertexApi, endpoint: string, deployedModelId: string, trafficSplit: Record<string, number>): Promise<void> {
    // An empty split is left out: Vertex empties it itself when the last deployed model goes.
    const body = Object.keys(trafficSplit).length === 0 ? { deployedModelId } : { deployedModelId, trafficSplit };
    const operation = await api.request<VertexOperation>("POST", `v1/${endpoint}:undeployModel`, body);
    await api.wait(operation, `undeploying deployed model ${deployedModelId} from ${endpoint}`);
}

/** Deletes a model; one that is already gone counts as deleted. */
async function deleteModel(api: VertexApi, model: string): Promise<void> {
    try {
        const operation = await api.request<VertexOperation>("DELETE", `v1/${model}`);
        await api.wait(operation, `deleting model ${model}`);
    } catch (error) {
        if (!isNotFound(error)) throw error;
    }
}

async function readEndpoint(api: VertexApi, endpoint: string): Promise<VertexEndpointState | undefined> {
    try {
        return await api.request<VertexEndpointState>("GET", `v1/${endpoint}`);
    } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
    }
}

/**
 * The split once `removed` is gone. This component owns its endpoint, so any other deployed models are
 * ours too (a previous version, or one left by an interrupted rollout): the remaining shares are kept when
 * they still add up to 100, else everything goes to the one that had the most.
 */
export function splitWithout(split: Record<string, number>, removed: string): Record<string, number> {
    const rest = Object.entries(split).filter(([id]) => id !== removed);
    if (rest.length === 0) return {};
    if (rest.reduce((total, [, share]) => total + share, 0) === 100) return Object.fromEntries(rest);
    const [largest] = [...rest].sort((a, b) => b[1] - a[1])[0]!;
    return { [largest]: 100 };
}

/**
 * Undeploys every deployed model of this deployment except `keep` (the previous one, `previous`, and any
 * with the same display name, which an interrupted rollout may have left), and deletes its model. Returns
 * what failed instead of throwing: `keep` is already live with all traffic, and the next update or delete
 * finds the leftovers again by their display name.
 */
async function retireOthers(api: VertexApi, inputs: VertexModelDeploymentInputs, keep: string, previous: string): Promise<string[]> {
    const errors: string[] = [];
    try {
        const endpoint = await readEndpoint(api, inputs.endpoint);
        let split = endpoint?.trafficSplit ?? {};
        for (const deployed of endpoint?.deployedModels ?? []) {
            if (deployed.id === keep || (deployed.id !== previous && deployed.displayName !== inputs.displayName)) continue;
            try {
                split = splitWithout(split, deployed.id);
                await undeployModel(api, inputs.endpoint, deployed.id, split);
                if (deployed.model !== undefined) await deleteModel(api, deployed.model);
            } catch (error) {
                errors.push(messageOf(error));
            }
        }
    } catch (error) {
        errors.push(messageOf(error));
    }
    return errors;
}

/**
 * Undoes a failed create or rollout step, so the state stays true; says what it did. Without `newId` the deploy
 * never reported back (it failed, or timed out and was cancelled): it was sent with no traffic, so whatever Google
 * still makes of it serves nothing, and the next create, update or delete retires it by display name.
 */
async function rollBack(api: VertexApi, endpoint: string, model: string, newId: string | undefined, oldId: string | undefined): Promise<string> {
    const steps: string[] = [];
    if (newId === undefined) {
        // The split was never touched: the old deployed model still has all of it.
        if (oldId !== undefined) steps.push(`deployed model ${oldId} keeps all traffic`);
        steps.push("the new deployed model, if Google still completes it, has no traffic and is retired by the next create, update or delete");
    } else {
        if (oldId !== undefined) {
            try {
                await setTrafficSplit(api, endpoint, { [oldId]: 100 });
                steps.push(`deployed model ${oldId} has all traffic again`);
            } catch (error) {
                steps.push(`could not give deployed model ${oldId} all traffic again: ${messageOf(error)}`);
            }
        }
        try {
            await undeployModel(api, endpoint, newId, oldId === undefined ? {} : { [oldId]: 100 });
            steps.push(`undeployed ${newId}`);
        } catch (error) {
            steps.push(`could not undeploy ${newId}: ${messageOf(error)}`);
        }
    }
    try {
        await deleteModel(api, model);
        steps.push(`deleted model ${model}`);
    } catch (error) {
        steps.push(`could not delete model ${model}: ${messageOf(error)}`);
    }
    return `rolled back: ${steps.join("; ")}`;
}

function outputsOf(inputs: VertexModelDeploymentInputs, live: { modelName: string; deployedModelId: string; trafficSplit: Record<string, number>; cleanupErrors?: string[] }): VertexModelDeploymentOutputs {
    return {
        ...inputs,
        endpointId: inputs.endpoint.split("/").pop() ?? inputs.endpoint,
        modelName: live.modelName,
        deployedModelId: live.deployedModelId,
        predictUrl: `${baseUrl(inputs)}/v1/${inputs.endpoint}:predict`,
        trafficSplit: live.trafficSplit,
        cleanupErrors: live.cleanupErrors ?? [],
    };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Uploads the new version and deploys it beside the live one, then moves traffic:
 * - `all-at-once`: the new deployed model gets 100% as soon as its replicas are ready;
 * - `canary` and `blue-green`: it gets `canaryPercent` first, for `bakeSeconds`, then 100%.
 * Then it retires the old version (undeploy, delete the model). When a step before the traffic is fully
 * moved fails, the new version is removed again and the old one keeps all traffic.
 */
async function rollOut(api: VertexApi, olds: VertexModelDeploymentOutputs, news: VertexModelDeploymentInputs): Promise<VertexModelDeploymentOutputs> {
    const oldId = olds.deployedModelId;
    const model = await uploadModel(api, news);
    const canaryPercent = news.rollout.strategy === "all-at-once" ? 100 : news.rollout.canaryPercent;
    let newId: string | undefined;
    try {
        newId = await deployModel(api, news, model);
        if (canaryPercent !== 100) {
            await setTrafficSplit(api, news.endpoint, { [newId]: canaryPercent, [oldId]: 100 - canaryPercent });
            await sleep(news.rollout.bakeSeconds * 1000);
        }
        await setTrafficSplit(api, news.endpoint, { [newId]: 100 });
    } catch (error) {
        throw new Error(`${messageOf(error)}; ${await rollBack(api, news.endpoint, model, newId, oldId)}`);
    }
    const cleanupErrors = await retireOthers(api, news, newId, oldId);
    return outputsOf(news, { modelName: model, deployedModelId: newId, trafficSplit: { [newId]: 100 }, cleanupErrors });
}

/** The dynamic provider. The engine calls these methods; the tests call them directly too. */
export const vertexDeploymentProvider: pulumi.dynamic.ResourceProvider<VertexModelDeploymentInputs, VertexModelDeploymentOutputs> = {
    async check(_olds, news) {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const fail = (property: string, reason: string) => failures.push({ property, reason });
        // Values unknown at preview arrive as placeholders, not numbers: only known values are checked.
        const { minReplicaCount: min, maxReplicaCount: max, cpuTarget, rollout, env, apiEndpoint } = news;
        // The replica counts and AutoscalingMetricSpec.target are int32 (DedicatedResources, Vertex AI REST reference):
        // the API refuses 60.5 with "Invalid value at … (TYPE_INT32)".
        if (typeof min === "number" && (!Number.isInteger(min) || min < 1 || min > INT32_MAX)) fail("minReplicaCount", `minReplicaCount ${min} must be a whole number ≥ 1 (an int32; Vertex AI dedicated resources keep at least one replica)`);
        if (typeof max === "number" && (!Number.isInteger(max) || max < 1 || max > INT32_MAX)) fail("maxReplicaCount", `maxReplicaCount ${max} must be a whole number ≥ 1 (an int32)`);
        if (typeof min === "number" && typeof max === "number" && min > max) fail("minReplicaCount", `minReplicaCount ${min} is greater than maxReplicaCount ${max}`);
        if (typeof cpuTarget === "number" && (!Number.isInteger(cpuTarget) || cpuTarget < 1 || cpuTarget > 100)) fail("cpuTarget", `cpuTarget ${cpuTarget} must be a whole-number CPU utilisation between 1 and 100 (%; AutoscalingMetricSpec.target is an int32)`);
        if (typeof news.machineType === "string" && GPU_MACHINE_FAMILY.test(news.machineType)) {
            fail("machineType", `machineType ${news.machineType} comes with GPUs, but no acceleratorType/acceleratorCount is sent and the serving image's onnxruntime is CPU-only; use a CPU machine type such as n1-standard-4`);
        }
        if (typeof rollout?.canaryPercent === "number" && (rollout.canaryPercent < 1 || rollout.canaryPercent > 99)) {
            fail("rollout.canaryPercent", `rollout.canaryPercent ${rollout.canaryPercent} must be between 1 and 99`);
        }
        if (env !== null && typeof env === "object") {
            for (const name of Object.keys(env).filter((key) => key.startsWith("AIP_"))) fail("env", `env ${name}: AIP_* variables are set by Vertex AI and cannot be overridden`);
            if (ARTIFACT_URI_ENV in env) fail("env", `env ${ARTIFACT_URI_ENV}: set by the provider to artifactUri (the server's fallback when AIP_STORAGE_URI cannot be read)`);
        }
        const endpointProblem = typeof apiEndpoint === "string" ? apiEndpointProblem(apiEndpoint) : undefined;
        if (endpointProblem !== undefined) fail("apiEndpoint", endpointProblem);
        return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
        const replaces = changedFields(olds, news, REPLACE_FIELDS);
        const changes = changedFields(olds, news, [...REPLACE_FIELDS, ...VERSION_FIELDS, ...LABEL_FIELDS, ...SCALING_FIELDS, ...SETTINGS_FIELDS]);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs) {
        const api = apiFor(inputs);
        const model = await uploadModel(api, inputs);
        let deployedModelId: string | undefined;
        try {
            deployedModelId = await deployModel(api, inputs, model);
            await setTrafficSplit(api, inputs.endpoint, { [deployedModelId]: 100 });
        } catch (error) {
            throw new Error(`${messageOf(error)}; ${await rollBack(api, inputs.endpoint, model, deployedModelId, undefined)}`);
        }
        // A failed earlier create (a deploy Google completed after we gave up) left deployed models under our
        // display name, with no traffic but billed replicas: retire them now.
        const cleanupErrors = await retireOthers(api, inputs, deployedModelId, deployedModelId);
        // A stable id: updates deploy new versions, whose ids are in the `deployedModelId` output.
        return {
            id: `${inputs.endpoint}/deployments/${inputs.displayName}`,
            outs: outputsOf(inputs, { modelName: model, deployedModelId, trafficSplit: { [deployedModelId]: 100 }, cleanupErrors }),
        };
    },

    async update(_id, olds, news) {
        const api = apiFor(news);
        if (changedFields(olds, news, VERSION_FIELDS).length > 0) return { outs: await rollOut(api, olds, news) };
        if (changedFields(olds, news, LABEL_FIELDS).length > 0) await patchModelLabels(api, olds.modelName, news.displayName, news.labels);
        if (changedFields(olds, news, SCALING_FIELDS).length > 0) {
            const operation = await api.request<VertexOperation>("POST", `v1/${news.endpoint}:mutateDeployedModel`, {
                deployedModel: { id: olds.deployedModelId, dedicatedResources: dedicatedResources(news) },
                updateMask: "dedicatedResources.minReplicaCount,dedicatedResources.maxReplicaCount,dedicatedResources.autoscalingMetricSpecs",
            });
            await api.wait(operation, `changing the replicas of deployed model ${olds.deployedModelId}`);
        }
        // Leftovers of an earlier rollout are retried on every update.
        const cleanupErrors = olds.cleanupErrors?.length ? await retireOthers(api, news, olds.deployedModelId, olds.deployedModelId) : [];
        return { outs: outputsOf(news, { ...olds, cleanupErrors }) };
    },

    async delete(_id, props) {
        const api = apiFor(props);
        const endpoint = await readEndpoint(api, props.endpoint);
        const ours = (endpoint?.deployedModels ?? []).filter((deployed) => deployed.id === props.deployedModelId || deployed.displayName === props.displayName);
        let split = endpoint?.trafficSplit ?? {};
        for (const deployed of ours) {
            split = splitWithout(split, deployed.id);
            try {
                await undeployModel(api, props.endpoint, deployed.id, split);
            } catch (error) {
                if (!isNotFound(error)) throw error;
            }
        }
        const models = new Set([props.modelName, ...ours.flatMap((deployed) => (deployed.model === undefined ? [] : [deployed.model]))]);
        for (const model of models) await deleteModel(api, model);
    },
};

/** The deployment's settings, as the component passes them. */
export interface VertexModelDeploymentArgs {
    /** The project. Required. */
    readonly project: pulumi.Input<string>;
    /** The region, e.g. `us-central1`. Required. */
    readonly region: pulumi.Input<string>;
    /** The endpoint's resource name, `projects/{project}/locations/{region}/endpoints/{id}`. Required. */
    readonly endpoint: pulumi.Input<string>;
    /** Display name of the model and the deployed model (≤ 128 characters). Required. */
    readonly displayName: pulumi.Input<string>;
    /** The model directory, `gs://…/`; Vertex passes it to the container as AIP_STORAGE_URI. Required. */
    readonly artifactUri: pulumi.Input<string>;
    /** The serving image, ideally by digest. Required. */
    readonly imageUri: pulumi.Input<string>;
    /** The port the server listens on. Default: 8080. */
    readonly containerPort?: pulumi.Input<number>;
    /** The health route Vertex probes (AIP_HEALTH_ROUTE). Default: `/health/ready`. */
    readonly healthRoute?: pulumi.Input<string>;
    /** The route Vertex forwards predictions to (AIP_PREDICT_ROUTE). Default: `/predict`. */
    readonly predictRoute?: pulumi.Input<string>;
    /** Environment variables for the container; AIP_* names are Vertex's and refused. Default: none. */
    readonly env?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** The service account the container runs as. Required. */
    readonly serviceAccount: pulumi.Input<string>;
    /** The machine type. Required. */
    readonly machineType: pulumi.Input<string>;
    /** The fewest replicas (≥ 1). Required. */
    readonly minReplicaCount: pulumi.Input<number>;
    /** The most replicas. Required. */
    readonly maxReplicaCount: pulumi.Input<number>;
    /** Target CPU utilisation (%) for autoscaling. Default: 60. */
    readonly cpuTarget?: pulumi.Input<number>;
    /** How new versions replace the live one. Default: all at once. */
    readonly rollout?: pulumi.Input<VertexRollout>;
    /** Labels for the model (the policy pack reads `stage` here). Default: none. */
    readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** A Cloud KMS key for the model (CMEK). Default: none (Google-managed encryption). */
    readonly kmsKeyName?: pulumi.Input<string>;
    /**
     * The API's base URL. Default: `https://{region}-aiplatform.googleapis.com`. Must be https, except on
     * loopback (the tests' fake API); requests always carry an application-default-credentials token.
     */
    readonly apiEndpoint?: pulumi.Input<string>;
    /** First wait between polls of an operation, in ms (doubles up to `pollMaxMs`). Default: 5000. */
    readonly pollInitialMs?: pulumi.Input<number>;
    /** Longest wait between polls, in ms. Default: 60000. */
    readonly pollMaxMs?: pulumi.Input<number>;
    /** How long one operation (upload, deploy, undeploy) may take, in seconds. Default: 3600. */
    readonly operationTimeoutSeconds?: pulumi.Input<number>;
}

/**
 * A model uploaded to Vertex AI and deployed to an endpoint with dedicated, autoscaled replicas.
 * Engine-side it is a `pulumi-nodejs:dynamic:Resource` whose props carry `kind: "ml-endpoints:gcp:VertexModelDeployment"`.
 */
export class VertexModelDeployment extends pulumi.dynamic.Resource {
    /** The endpoint's id (the last segment of its resource name). */
    declare public readonly endpointId: pulumi.Output<string>;
    /** The live model's resource name. */
    declare public readonly modelName: pulumi.Output<string>;
    /** The live deployed model's id. */
    declare public readonly deployedModelId: pulumi.Output<string>;
    /** `POST` here with `{"instances": [...]}` and a Google access token. */
    declare public readonly predictUrl: pulumi.Output<string>;
    /** The endpoint's traffic split after the last create or update. */
    declare public readonly trafficSplit: pulumi.Output<Record<string, number>>;
    /** Leftovers of the previous version that could not be retired yet (retried on the next update). */
    declare public readonly cleanupErrors: pulumi.Output<string[]>;
    /** The replica bounds, as deployed (the policy pack reads these). */
    declare public readonly minReplicaCount: pulumi.Output<number>;
    declare public readonly maxReplicaCount: pulumi.Output<number>;

    constructor(name: string, args: VertexModelDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
        super(vertexDeploymentProvider, name, {
            kind: VERTEX_DEPLOYMENT_KIND,
            ...args,
            containerPort: args.containerPort ?? 8080,
            healthRoute: args.healthRoute ?? "/health/ready",
            predictRoute: args.predictRoute ?? "/predict",
            env: args.env ?? {},
            cpuTarget: args.cpuTarget ?? 60,
            rollout: args.rollout ?? { strategy: "all-at-once", canaryPercent: 10, bakeSeconds: 0 },
            labels: args.labels ?? {},
            pollInitialMs: args.pollInitialMs ?? 5_000,
            pollMaxMs: args.pollMaxMs ?? 60_000,
            operationTimeoutSeconds: args.operationTimeoutSeconds ?? 3_600,
            endpointId: undefined,
            modelName: undefined,
            deployedModelId: undefined,
            predictUrl: undefined,
            trafficSplit: undefined,
            cleanupErrors: undefined,
        }, opts);
    }
}
