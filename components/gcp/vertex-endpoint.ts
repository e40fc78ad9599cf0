import * as crypto from "node:crypto";
import * as kms from "@pulumi/gcp/kms";
import * as organizations from "@pulumi/gcp/organizations";
import * as projects from "@pulumi/gcp/projects";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import * as vertex from "@pulumi/gcp/vertex";
import * as pulumi from "@pulumi/pulumi";
import type { InferenceEndpointArgs } from "../args";
import { imageBuildArgs } from "../image-build";
import { EndpointArgsError, nameSlug, resolveSettings, ResolvedSettings, toGcpLabels } from "../settings";
import { ArtifactRegistryImage, grantImagePull, imageRepositoryOf } from "./artifact-registry-image";
import { GcsModelArtifact } from "./model-bucket";
import { GPU_MACHINE_FAMILY, VertexModelDeployment } from "./vertex-deployment";

export interface VertexEndpointArgs extends InferenceEndpointArgs {
    /** The region of the endpoint, the model bucket and (when built here) the image repository, e.g. `us-central1`. Required. */
    readonly region: pulumi.Input<string>;
    /** The project. Default: the provider's project (`gcp:project`). */
    readonly project?: pulumi.Input<string>;
    /** The endpoint's display name (≤ 128 characters). Default: `<model name>-<stage>`. */
    readonly endpointDisplayName?: string;
    /**
     * A Cloud KMS key (`projects/…/cryptoKeys/…`, in the endpoint's region) for the endpoint and its model
     * (CKV2_GCP_24), the model bucket and, when built here, the image repository (CKV_GCP_84). The
     * services' own agents get `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it. Default: none
     * (Google-managed encryption).
     */
    readonly kmsKeyName?: pulumi.Input<string>;
    /** How long one Vertex AI operation (model upload, deploy, undeploy) may take, in seconds. Default: 3600. */
    readonly operationTimeoutSeconds?: number;
    /** The Vertex AI API base URL. Default: `https://{region}-aiplatform.googleapis.com`. */
    readonly apiEndpoint?: pulumi.Input<string>;
}

/** Vertex AI's default machine for a deployed model. */
const DEFAULT_MACHINE_TYPE = "n1-standard-2";
/** CPU utilisation (%) the autoscaler aims at: Vertex AI's own default. */
const DEFAULT_CPU_TARGET = 60;

/**
 * The CPU machine families Vertex AI serves online predictions on ("Configure compute resources for
 * inference"), each with the smallest size it offers: shared-core and 1-vCPU machines are not served. The GPU
 * families (a2, a3, g2) are left out: they need `acceleratorType`/`acceleratorCount`, which the deployment does
 * not send, and the serving image's onnxruntime is CPU-only (it would need onnxruntime-gpu's CUDA build and a
 * CUDA base image).
 */
const PREDICTION_MACHINE_FAMILIES: readonly { readonly pattern: RegExp; readonly minVcpus: number }[] = [
    { pattern: /^(n1|n2|n2d|e2|c2d)-(standard|highmem|highcpu)-(\d+)$/, minVcpus: 2 },
    { pattern: /^c2-standard-(\d+)$/, minVcpus: 4 },
    { pattern: /^c3-(standard|highmem|highcpu)-(\d+)$/, minVcpus: 4 },
];
export const VERTEX_MACHINE_TYPES_DESCRIPTION =
    "a Vertex AI CPU prediction machine type (n1-/n2-/n2d-/e2-/c2d-standard|highmem|highcpu-N with N ≥ 2, c2-standard-N or c3-*-N with N ≥ 4; e.g. n1-standard-4)";

/** True when Vertex AI serves online predictions on `machineType` and this image can run on it (CPU only). */
export function isVertexPredictionMachineType(machineType: string): boolean {
    return PREDICTION_MACHINE_FAMILIES.some(({ pattern, minVcpus }) => {
        const match = pattern.exec(machineType);
        return match !== null && Number(match[match.length - 1]) >= minVcpus;
    });
}

/** Why `instanceType` is refused, naming the value and what is allowed; `undefined` when it is served. */
export function vertexMachineTypeProblem(machineType: string): string | undefined {
    if (isVertexPredictionMachineType(machineType)) return undefined;
    if (GPU_MACHINE_FAMILY.test(machineType)) {
        return `instanceType ${JSON.stringify(machineType)} is a GPU machine type: it needs acceleratorType/acceleratorCount, which are not sent, and the serving image's onnxruntime is CPU-only; use ${VERTEX_MACHINE_TYPES_DESCRIPTION}`;
    }
    return `instanceType ${JSON.stringify(machineType)} is not ${VERTEX_MACHINE_TYPES_DESCRIPTION}`;
}

/**
 * Why a scaling value is refused: the replica counts and AutoscalingMetricSpec.target are int32 fields of
 * DedicatedResources (Vertex AI REST reference), so the API refuses a fraction at deploy time.
 */
export function vertexInt32Problem(key: string, value: number): string | undefined {
    return Number.isInteger(value) ? undefined : `${key} ${value} must be a whole number: Vertex AI takes it as an int32 (DedicatedResources), and would refuse it at deploy time`;
}

/**
 * A Vertex AI endpoint with a stable numeric id (≤ 9 digits, no leading zero, as the API requires for
 * numeric ids), derived from the project, region, stack and component name so a re-run finds the same one.
 */
function endpointIdFor(...parts: string[]): string {
    const digest = crypto.createHash("sha256").update(parts.join("/")).digest();
    return String(100_000_000 + (digest.readUInt32BE(0) % 900_000_000));
}

/** A service account id: 6–30 lowercase letters, digits and dashes, starting with a letter. */
function servingAccountId(displayName: string): string {
    const digest = crypto.createHash("sha256").update(displayName).digest("hex").slice(0, 6);
    return `vtx-${nameSlug(displayName, 19).replace(/-+$/, "")}-${digest}`;
}

/** `gs://bucket/…` → `bucket`. */
export function gcsBucketOf(uri: string): string | undefined {
    return /^gs:\/\/([^/]+)/.exec(uri)?.[1];
}

/**
 * A Vertex AI online-prediction endpoint serving an ONNX model with the `app/` server: the image on
 * Artifact Registry by digest, the model directory in a private GCS bucket, a serving service account that
 * can read that bucket and nothing else, the `AiEndpoint` (labels, optional CMEK), and a
 * `VertexModelDeployment` that uploads the model and deploys it with autoscaled dedicated replicas.
 */
export class VertexEndpoint extends pulumi.ComponentResource {
    /** The project. */
    public readonly project: pulumi.Output<string>;
    /** The region. */
    public readonly region: pulumi.Output<string>;
    /** The endpoint's id (numeric). */
    public readonly endpointId: pulumi.Output<string>;
    /** The endpoint's resource name, `projects/{project}/locations/{region}/endpoints/{id}`. */
    public readonly endpointName: pulumi.Output<string>;
    /** The live deployed model's id. */
    public readonly deployedModelId: pulumi.Output<string>;
    /** The live model's resource name. */
    public readonly modelName: pulumi.Output<string>;
    /** `POST` here with `{"instances": [...]}` and a Google access token (`aiplatform.endpoints.predict`). */
    public readonly predictUrl: pulumi.Output<string>;
    /** The serving service account's email. */
    public readonly serviceAccountEmail: pulumi.Output<string>;
    /** The serving image, by digest. */
    public readonly imageUri: pulumi.Output<string>;
    /** The model directory, `gs://…/`. */
    public readonly artifactUri: pulumi.Output<string>;
    /** The settings this endpoint was built with, defaults applied. */
    public readonly settings: ResolvedSettings;

    constructor(name: string, args: VertexEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:gcp:VertexEndpoint", name, {}, opts);
        const component = `VertexEndpoint "${name}"`;
        const settings = resolveSettings(component, args, { targetLoadPerInstance: DEFAULT_CPU_TARGET, auth: "iam", supportedAuth: ["iam"] });
        this.settings = settings;
        const { scaling, rollout } = settings;
        const fail = (message: string): never => {
            throw new EndpointArgsError(`${component}: ${message}`);
        };
        if (scaling.minInstances < 1) fail(`scaling.minInstances ${scaling.minInstances} must be at least 1: Vertex AI dedicated resources keep at least one replica`);
        const machineType = args.instanceType ?? DEFAULT_MACHINE_TYPE;
        const machineProblem = typeof machineType === "string" ? vertexMachineTypeProblem(machineType) : undefined;
        if (machineProblem !== undefined) fail(machineProblem);
        const int32Problems = [
            vertexInt32Problem("scaling.minInstances", scaling.minInstances),
            vertexInt32Problem("scaling.maxInstances", scaling.maxInstances),
            vertexInt32Problem("scaling.targetLoadPerInstance", scaling.targetLoadPerInstance),
        ].filter((problem) => problem !== undefined);
        if (int32Problems.length > 0) fail(int32Problems.join("; "));
        if (scaling.targetLoadPerInstance < 1 || scaling.targetLoadPerInstance > 100) {
            fail(`scaling.targetLoadPerInstance ${scaling.targetLoadPerInstance} must be a CPU utilisation between 1 and 100 (%)`);
        }
        const modelUri = args.model.artifactUri;
        if (typeof modelUri === "string" && gcsBucketOf(modelUri) === undefined) fail(`model.artifactUri ${JSON.stringify(modelUri)} must be a gs:// directory`);

        const labels = toGcpLabels(settings.tags);
        const displayName = args.endpointDisplayName ?? nameSlug(`${args.model.name}-${args.stage}`, 128);
        const project = args.project !== undefined
            ? pulumi.output(args.project)
            : organizations.getClientConfigOutput({ parent: this }).project;
        const region = pulumi.output(args.region);

        // The service agents that act on our behalf: Vertex AI pulls the image and uses the CMEK key.
        const vertexAgent = new projects.ServiceIdentity(`${name}-vertex-agent`, { project, service: "aiplatform.googleapis.com" }, { parent: this });
        const keyGrants: pulumi.Resource[] = [];
        const grantKeyUse = (grantee: string, member: pulumi.Input<string>) => {
            if (args.kmsKeyName === undefined) return;
            keyGrants.push(new kms.CryptoKeyIAMMember(`${name}-${grantee}-key-user`, {
                cryptoKeyId: args.kmsKeyName,
                role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                member,
            }, { parent: this }));
        };
        grantKeyUse("vertex", vertexAgent.member);

        // The model directory: uploaded here from model.path, or an existing gs:// directory.
        let artifactUri: pulumi.Output<string>;
        let modelBucket: pulumi.Output<string>;
        if (args.model.path !== undefined) {
            if (args.kmsKeyName !== undefined) {
                const storageAgent = storage.getProjectServiceAccountOutput({ project }, { parent: this });
                grantKeyUse("storage", pulumi.interpolate`serviceAccount:${storageAgent.emailAddress}`);
            }
            const artifact = new GcsModelArtifact(`${name}-model`, { model: args.model, stage: args.stage, location: region, project, kmsKeyName: args.kmsKeyName, labels }, { parent: this, dependsOn: keyGrants });
            artifactUri = artifact.artifactUri;
            modelBucket = artifact.bucket.name;
        } else {
            const givenUri = pulumi.output(args.model.artifactUri as pulumi.Input<string>);
            modelBucket = givenUri.apply((uri) => gcsBucketOf(uri) ?? fail(`model.artifactUri ${JSON.stringify(uri)} must be a gs:// directory`));
            // "Import models to Vertex AI": the artifacts must be in a bucket whose region matches the regional
            // endpoint. Checked here (storage.buckets.get), so a mismatch fails at preview and not 30 min into `up`.
            const bucketLocation = storage.getBucketOutput({ name: modelBucket }, { parent: this }).location;
            artifactUri = pulumi.all([givenUri, bucketLocation, region]).apply(([uri, location, endpointRegion]) => location.toUpperCase() === endpointRegion.toUpperCase()
                ? uri
                : fail(`model.artifactUri ${JSON.stringify(uri)} is in a bucket located in ${location}, but the endpoint is in ${endpointRegion}: Vertex AI reads model artifacts only from a bucket in the model's own region ("Import models to Vertex AI"); copy them to a bucket in ${endpointRegion}`));
        }
        // models:upload reads the artifacts as the Vertex AI service agent, not as the serving account
        // (GoogleCloudPlatform/vertex-ai-samples#3710: FAILED_PRECONDITION "Service account service-…@gcp-sa-aiplatform…
        // does not have [storage.objects.get]…"): the agent gets read on the model's bucket, wherever it lives.
        const agentModelRead = new storage.BucketIAMMember(`${name}-agent-model-read`, {
            bucket: modelBucket,
            role: "roles/storage.objectViewer",
            member: vertexAgent.member,
        }, { parent: this });

        // The image: given (e.g. the stack's shared image), or built and pushed here.
        let imageUri: pulumi.Output<string>;
        if (args.image?.uri !== undefined) {
            imageUri = pulumi.output(args.image.uri);
        } else {
            if (args.kmsKeyName !== undefined) {
                const registryAgent = new projects.ServiceIdentity(`${name}-registry-agent`, { project, service: "artifactregistry.googleapis.com" }, { parent: this });
                grantKeyUse("registry", registryAgent.member);
            }
            imageUri = new ArtifactRegistryImage(`${name}-image`, {
                location: region,
                project,
                ...imageBuildArgs(args.image),
                kmsKeyName: args.kmsKeyName,
                labels,
            }, { parent: this, dependsOn: keyGrants }).imageUri;
        }
        // Vertex AI pulls serving images with its service agent, never with the deployed model's service
        // account: grant the agent read on the image's repository (needed when it is in another project). A
        // gcr.io image is served from an Artifact Registry gcr.io repository now, so it gets the same grant.
        const givenUri = args.image?.uri;
        if (typeof givenUri === "string" && imageRepositoryOf(givenUri) === undefined) {
            fail(`image.uri ${JSON.stringify(givenUri)} must be an Artifact Registry (<region>-docker.pkg.dev/<project>/<repository>/…) or gcr.io image: Vertex AI pulls from those only`);
        }
        const imagePull = grantImagePull(`${name}-image-pull`, imageUri, vertexAgent.member, { parent: this });

        // The serving identity reads the model bucket and nothing else. It needs no project roles: the
        // server writes no Cloud Logging or Monitoring API calls (Vertex AI ships its stdout and publishes
        // its metrics), and image pulls use the Vertex AI service agent.
        const account = new serviceaccount.Account(`${name}-serving`, {
            project,
            accountId: servingAccountId(displayName),
            displayName: `ml-endpoints Vertex AI serving: ${displayName}`,
            description: "Runs the serving container of one Vertex AI endpoint; reads its model bucket only.",
        }, { parent: this });
        const modelRead = new storage.BucketIAMMember(`${name}-model-read`, {
            bucket: modelBucket,
            role: "roles/storage.objectViewer",
            member: pulumi.interpolate`serviceAccount:${account.email}`,
        }, { parent: this });

        const endpoint = new vertex.AiEndpoint(`${name}-endpoint`, {
            name: pulumi.all([project, region]).apply(([projectId, location]) => endpointIdFor(projectId, location, pulumi.getStack(), name)),
            displayName,
            description: `ml-endpoints: ${args.model.name} (${args.stage})`,
            location: region,
            region,
            project,
            labels,
            encryptionSpec: args.kmsKeyName === undefined ? undefined : { kmsKeyName: args.kmsKeyName },
        }, { parent: this, dependsOn: keyGrants, deleteBeforeReplace: true }); // a stable id cannot exist twice

        const deployment = new VertexModelDeployment(`${name}-deployment`, {
            project,
            region,
            endpoint: pulumi.interpolate`projects/${project}/locations/${region}/endpoints/${endpoint.name}`,
            displayName,
            artifactUri,
            imageUri,
            env: pulumi.output(args.environment).apply((environment) => ({
                MODEL_NAME: args.model.name,
                MODEL_VERSION: args.model.version,
                ...environment,
            })),
            serviceAccount: account.email,
            machineType,
            minReplicaCount: scaling.minInstances,
            maxReplicaCount: scaling.maxInstances,
            cpuTarget: scaling.targetLoadPerInstance,
            rollout: { strategy: rollout.strategy, canaryPercent: rollout.canaryPercent, bakeSeconds: rollout.bakeSeconds },
            labels: { ...labels, "model-version": nameSlug(args.model.version, 63) },
            kmsKeyName: args.kmsKeyName,
            apiEndpoint: args.apiEndpoint,
            operationTimeoutSeconds: args.operationTimeoutSeconds,
        }, { parent: this, dependsOn: [modelRead, agentModelRead, imagePull, ...keyGrants] });

        this.project = project;
        this.region = region;
        this.endpointId = endpoint.name;
        this.endpointName = pulumi.interpolate`projects/${project}/locations/${region}/endpoints/${endpoint.name}`;
        this.deployedModelId = deployment.deployedModelId;
        this.modelName = deployment.modelName;
        this.predictUrl = deployment.predictUrl;
        this.serviceAccountEmail = account.email;
        this.imageUri = imageUri;
        this.artifactUri = artifactUri;
        this.registerOutputs({
            endpointId: this.endpointId,
            endpointName: this.endpointName,
            deployedModelId: this.deployedModelId,
            modelName: this.modelName,
            predictUrl: this.predictUrl,
        });
    }
}
