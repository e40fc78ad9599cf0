import * as crypto from "node:crypto";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as organizations from "@pulumi/gcp/organizations";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import type { AuthMode, InferenceEndpointArgs, MonitoringArgs, RolloutArgs, RolloutStrategy, ScalingArgs, Stage } from "../args";
import { imageBuildArgs } from "../image-build";
import { ArgsProblem, EndpointArgsError, MAX_CONCURRENT_ENV, nameSlug, resolveSettings, ResolvedSettings, toGcpLabels } from "../settings";
import { ArtifactRegistryImage, grantImagePull, imageRepositoryOf } from "./artifact-registry-image";
import { GcsModelArtifact } from "./model-bucket";

/**
 * Which networks may reach the service's URL (IAM still decides who may call it).
 * - `all`: the internet, and so the `run.app` URL works from CI and laptops.
 * - `internal`: the project's VPC networks (and Shared VPC, VPC-SC perimeter) only.
 * - `internal-and-cloud-load-balancing`: internal, plus an external Application Load Balancer you put in front
 *   (with Cloud Armor, say). The component creates no load balancer.
 */
export type CloudRunIngress = "all" | "internal" | "internal-and-cloud-load-balancing";
export const CLOUD_RUN_INGRESS: readonly CloudRunIngress[] = ["all", "internal", "internal-and-cloud-load-balancing"];

/** Whole vCPUs per instance. Fractional CPU forces a concurrency of 1, which no model server wants. */
export type CloudRunCpu = "1" | "2" | "4" | "6" | "8";
export const CLOUD_RUN_CPUS: readonly CloudRunCpu[] = ["1", "2", "4", "6", "8"];

export interface CloudRunEndpointArgs extends InferenceEndpointArgs {
    /** The region, e.g. `us-central1`; the model bucket is created there too. Required. */
    readonly region: pulumi.Input<string>;
    /** The project. Default: the provider's project (`gcp:project`). */
    readonly project?: pulumi.Input<string>;
    /** The Cloud Run service's name: ≤ 49 lowercase letters, digits and inner dashes, starting with a letter. Default: `<model name>-<stage>`. */
    readonly serviceName?: string;
    /** vCPUs per instance: `1`, `2`, `4`, `6` or `8`. Default: `2`. */
    readonly cpu?: CloudRunCpu;
    /**
     * Memory per instance, `<n>Mi` or `<n>Gi`, 512Mi–32Gi, within what the CPU allows (1 vCPU ≤ 4Gi, 2 ≤ 8Gi,
     * 4: 2–16Gi, 6: 4–24Gi, 8: 4–32Gi). Default: `2Gi`.
     */
    readonly memory?: string;
    /**
     * CPU only while a request is in flight (request-based billing; idle instances, min instances included,
     * are billed at the lower idle rate). `false` keeps the CPU on for the instance's whole life (instance-based
     * billing): steady traffic costs less and the server's background work (metrics, graceful drain) is never
     * throttled. Default: `true`, except `false` in prod.
     */
    readonly cpuIdle?: boolean;
    /** Extra CPU while an instance starts: the model download from GCS and the ONNX session load go faster. Default: `true`. */
    readonly startupCpuBoost?: boolean;
    /** Which networks may reach the URL; IAM still guards it. Default: `all`. */
    readonly ingress?: CloudRunIngress;
    /**
     * Principals granted `roles/run.invoker`: `user:…`, `serviceAccount:…`, `group:…` or `domain:…`. Anonymous access
     * is `auth: "none"` (never in prod), not a member here. Default: none (only project owners and editors may call).
     */
    readonly invokers?: string[];
    /**
     * The revision that keeps `100 − rollout.canaryPercent`% of the traffic while a canary runs (`rollout.strategy:
     * canary`): the `revisionName` output of the last fully rolled-out deployment. When it equals this deployment's
     * revision (the canary was promoted) or is unset (first deployment), the latest revision gets all the traffic.
     * Default: none.
     */
    readonly stableRevision?: string;
    /** Seconds a request may run before Cloud Run answers 504, 1–3600. Default: 60. */
    readonly requestTimeoutSeconds?: number;
    /** Refuse to delete the service on `pulumi destroy` or a replacement. Default: `true` in prod, `false` elsewhere. */
    readonly deletionProtection?: boolean;
}

/** The port the server listens on; Cloud Run passes it as `PORT`. */
export const CONTAINER_PORT = 8080;
/** The server's routes (app/src/http/routes.ts): ready once the model is loaded, live while the process serves. */
export const READINESS_PATH = "/health/ready";
export const LIVENESS_PATH = "/health/live";
export const DEFAULT_CPU: CloudRunCpu = "2";
export const DEFAULT_MEMORY = "2Gi";
/** Cloud Run's own default concurrency for instances with ≥ 1 vCPU. */
const DEFAULT_CONCURRENCY = 80;
export const CONCURRENCY_RANGE = { min: 1, max: 1000 } as const;
const MAX_SERVICE_NAME = 49;
/** Environment variables Cloud Run sets itself and refuses in a revision. */
export const RESERVED_ENV = ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"] as const;

/** Memory bounds in GiB per vCPU count (cloud.google.com/run/docs/configuring/services/memory-limits and …/cpu). */
const MEMORY_GIB_BY_CPU: Readonly<Record<CloudRunCpu, readonly [number, number]>> = {
    "1": [0.5, 4], "2": [0.5, 8], "4": [2, 16], "6": [4, 24], "8": [4, 32],
};

/** `512Mi` → 0.5, `2Gi` → 2; `undefined` for anything else. */
export function memoryGiB(memory: string): number | undefined {
    const match = /^([1-9][0-9]*)(Mi|Gi)$/.exec(memory);
    if (!match) return undefined;
    return match[2] === "Gi" ? Number(match[1]) : Number(match[1]) / 1024;
}

/** What is wrong with a CPU and memory pair Cloud Run would refuse, or `undefined` when it accepts it. */
export function cloudRunSizeProblem(cpu: string, memory: string): string | undefined {
    if (!(CLOUD_RUN_CPUS as readonly string[]).includes(cpu)) return `cpu "${cpu}" is not a Cloud Run CPU count; allowed: ${CLOUD_RUN_CPUS.join(", ")}`;
    const gib = memoryGiB(memory);
    if (gib === undefined) return `memory "${memory}" is not a size such as 512Mi or 2Gi`;
    const [min, max] = MEMORY_GIB_BY_CPU[cpu as CloudRunCpu];
    if (gib < min || gib > max) return `memory "${memory}" does not fit cpu "${cpu}": Cloud Run allows ${formatGiB(min)}–${formatGiB(max)} with ${cpu} vCPU`;
    return undefined;
}

function formatGiB(gib: number): string {
    return gib < 1 ? `${gib * 1024}Mi` : `${gib}Gi`;
}

/** What is wrong with a concurrency (requests per instance), or `undefined`. */
export function concurrencyProblem(concurrency: number): string | undefined {
    if (Number.isInteger(concurrency) && concurrency >= CONCURRENCY_RANGE.min && concurrency <= CONCURRENCY_RANGE.max) return undefined;
    return `concurrency ${concurrency} must be a whole number of requests per instance from ${CONCURRENCY_RANGE.min} to ${CONCURRENCY_RANGE.max}`;
}

/** Anonymous access (`allUsers` may invoke) is for non-prod stages that ask for it; `undefined` when allowed. */
export function publicAccessProblem(stage: Stage, auth: AuthMode | undefined): string | undefined {
    return stage === "prod" && auth === "none" ? `auth "none" (allUsers may invoke) is refused in prod; use auth "iam" with invokers` : undefined;
}

/** The server's in-flight bound has one owner, the service's concurrency. */
function maxConcurrentEnvProblem(value: unknown, concurrency: number): string {
    return `"${String(value)}" is set from maxInstanceRequestConcurrency (${concurrency}); change scaling.targetLoadPerInstance (${CONCURRENCY_RANGE.min}–${CONCURRENCY_RANGE.max}) instead`;
}

function reservedEnvProblem(keys: readonly string[]): string | undefined {
    const reserved = RESERVED_ENV.filter((key) => keys.includes(key));
    return reserved.length > 0 ? `${reserved.join(", ")} is set by Cloud Run itself and may not be given` : undefined;
}

/** The Cloud Run args `cloudRunArgsProblems` checks, as a component or a stack file gives them. */
export interface CloudRunCheckedFields {
    readonly instanceType?: unknown;
    readonly scaling?: ScalingArgs;
    readonly monitoring?: MonitoringArgs;
    readonly rollout?: RolloutArgs;
    readonly cpu?: string;
    readonly memory?: string;
    readonly invokers?: readonly string[];
    readonly environment?: unknown;
    readonly stableRevision?: string;
    readonly requestTimeoutSeconds?: number;
}

/** Still exported from here (and so from the package root), as before it moved to settings. */
export type { ArgsProblem };

/**
 * Every rule on the Cloud Run args that needs no stage, in one place: the stack-config schema reports these with
 * their config keys, the component refuses them. Shared args Cloud Run has no use for are refused, not dropped.
 */
export function cloudRunArgsProblems(args: CloudRunCheckedFields): ArgsProblem[] {
    const problems: ArgsProblem[] = [];
    const check = (path: (string | number)[], message: string | undefined) => {
        if (message !== undefined) problems.push({ path, message });
    };
    if (args.instanceType !== undefined) {
        check(["instanceType"], `instanceType ${JSON.stringify(args.instanceType)} is not a Cloud Run setting: size instances with cpu (${CLOUD_RUN_CPUS.join(", ")}) and memory (e.g. 2Gi)`);
    }
    if (args.scaling?.targetLoadPerInstance !== undefined) check(["scaling", "targetLoadPerInstance"], concurrencyProblem(args.scaling.targetLoadPerInstance));
    if (args.scaling?.scaleOutCooldownSeconds !== undefined || args.scaling?.scaleInCooldownSeconds !== undefined) {
        check(["scaling"], "Cloud Run's autoscaler has no cooldowns; remove scaleOutCooldownSeconds and scaleInCooldownSeconds");
    }
    check(["memory"], cloudRunSizeProblem(args.cpu ?? DEFAULT_CPU, args.memory ?? DEFAULT_MEMORY));
    args.invokers?.forEach((member, index) => check(["invokers", index], invokerMemberProblem(member)));
    if (args.environment !== null && typeof args.environment === "object" && !pulumi.Output.isInstance(args.environment)) {
        check(["environment"], reservedEnvProblem(Object.keys(args.environment)));
        const own = (args.environment as Record<string, unknown>)[MAX_CONCURRENT_ENV];
        if (own !== undefined) check(["environment", MAX_CONCURRENT_ENV], maxConcurrentEnvProblem(own, args.scaling?.targetLoadPerInstance ?? DEFAULT_CONCURRENCY));
    }
    if (args.monitoring?.alarms === true) check(["monitoring", "alarms"], "alarms are not built for Cloud Run yet; set alarms: false (alert on run.googleapis.com/request_count in Cloud Monitoring)");
    if (args.rollout?.autoRollback === true) {
        check(["rollout", "autoRollback"], "Cloud Run has no automatic rollback: a canary is promoted or reverted by the next deployment (stableRevision); set autoRollback: false");
    }
    const strategy = args.rollout?.strategy ?? "all-at-once";
    if (args.stableRevision !== undefined && strategy !== "canary") check(["stableRevision"], `stableRevision is only read by rollout.strategy "canary", not "${strategy}"`);
    const timeout = args.requestTimeoutSeconds;
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600)) {
        check(["requestTimeoutSeconds"], `requestTimeoutSeconds ${timeout} must be a whole number from 1 to 3600`);
    }
    return problems;
}

const EMAIL = /^[^@\s:]+@[^@\s:]+\.[^@\s:]+$/;
const INVOKER_KINDS: Readonly<Record<string, RegExp>> = {
    user: EMAIL, serviceAccount: EMAIL, group: EMAIL, domain: /^[a-z0-9-]+(\.[a-z0-9-]+)+$/,
};

/** What is wrong with an invoker member string, or `undefined`. */
export function invokerMemberProblem(member: string): string | undefined {
    if (member === "allUsers" || member === "allAuthenticatedUsers") {
        return `invoker "${member}" is public access: use auth "none" (outside prod) instead of listing it`;
    }
    const [kind, ...rest] = member.split(":");
    const id = rest.join(":");
    const pattern = INVOKER_KINDS[kind ?? ""];
    if (pattern === undefined || !pattern.test(id)) {
        return `invoker "${member}" is not a principal; use user:<email>, serviceAccount:<email>, group:<email> or domain:<domain>`;
    }
    return undefined;
}

/** A JSON text with object keys sorted at every depth: equal values give equal text. */
function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value).filter(([, child]) => child !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

/**
 * The revision's name: the service name plus a digest of everything else in the revision template. Cloud Run
 * refuses a changed template under an existing revision name, so the name changes exactly when the template
 * does, and the same inputs always give the same name, which is what lets a later deployment name this one.
 */
export function revisionNameFor(serviceName: string, template: unknown): string {
    return `${serviceName}-r${crypto.createHash("sha256").update(canonicalJson(template)).digest("hex").slice(0, 10)}`;
}

export interface CloudRunTrafficTarget {
    readonly type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST" | "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";
    readonly percent: number;
    readonly revision?: string;
    readonly tag?: string;
}

/**
 * The declared traffic split. A canary sends `canaryPercent` to the latest revision and the rest to the stable one,
 * each tagged (`canary---<host>`, `stable---<host>`) so either can be called on its own. Anything else, and a canary
 * with no stable revision or one equal to the latest, sends everything to the latest revision.
 */
export function cloudRunTraffic(strategy: RolloutStrategy, canaryPercent: number, stableRevision: string | undefined, latestRevision: string): CloudRunTrafficTarget[] {
    if (strategy === "canary" && stableRevision !== undefined && stableRevision !== latestRevision) {
        return [
            { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: stableRevision, percent: 100 - canaryPercent, tag: "stable" },
            { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: canaryPercent, tag: "canary" },
        ];
    }
    return [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }];
}

const INGRESS_VALUES: Readonly<Record<CloudRunIngress, string>> = {
    "all": "INGRESS_TRAFFIC_ALL",
    "internal": "INGRESS_TRAFFIC_INTERNAL_ONLY",
    "internal-and-cloud-load-balancing": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
};

/**
 * A Cloud Run (v2) service serving an ONNX model with the `app/` server: a dedicated runtime service account that may
 * only read the model's bucket, the model on GCS (downloaded by the server at start-up from `AIP_STORAGE_URI`), the
 * image by digest, service-level instance bounds, a startup probe on the readiness route, invoker IAM for the
 * configured members only, and a canary traffic split across deterministically named revisions.
 */
export class CloudRunEndpoint extends pulumi.ComponentResource {
    /** The service's `https://…run.app` URL; POST `/predict` with a Google ID token for this audience. */
    public readonly url: pulumi.Output<string>;
    /** The Cloud Run service's name. */
    public readonly serviceName: pulumi.Output<string>;
    /** This deployment's revision; give it as `stableRevision` to the next canary. */
    public readonly revisionName: pulumi.Output<string>;
    /** The runtime identity's email. */
    public readonly serviceAccountEmail: pulumi.Output<string>;
    /** The gs:// model directory the server downloads at start-up. */
    public readonly modelUri: pulumi.Output<string>;
    /** Who may call: `iam` (invoker IAM) or `none` (anyone; never in prod). */
    public readonly authMode: AuthMode;
    /** The settings this endpoint was built with, defaults applied. */
    public readonly settings: ResolvedSettings;

    constructor(name: string, args: CloudRunEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:gcp:CloudRunEndpoint", name, {}, opts);
        const component = `CloudRunEndpoint "${name}"`;
        const fail = (message: string): never => {
            throw new EndpointArgsError(`${component}: ${message}`);
        };
        const settings = resolveSettings(component, args, { targetLoadPerInstance: DEFAULT_CONCURRENCY, auth: "iam", supportedAuth: ["iam", "none"] });
        this.settings = settings;
        const { scaling, rollout } = settings;
        const prod = args.stage === "prod";

        const problems = cloudRunArgsProblems(args);
        if (problems.length > 0) fail(problems.map((problem) => `${problem.path.join(".")}: ${problem.message}`).join("; "));
        const publicAccess = publicAccessProblem(args.stage, settings.auth);
        if (publicAccess) fail(publicAccess);
        const concurrency = scaling.targetLoadPerInstance;
        const cpu = args.cpu ?? DEFAULT_CPU;
        const memory = args.memory ?? DEFAULT_MEMORY;
        const invokers = args.invokers ?? [];
        const timeout = args.requestTimeoutSeconds ?? 60;
        const ingress = args.ingress ?? "all";
        if (!CLOUD_RUN_INGRESS.includes(ingress)) fail(`ingress "${ingress}" is not one of ${CLOUD_RUN_INGRESS.join(", ")}`);

        const serviceName = args.serviceName ?? nameSlug(`${args.model.name}-${args.stage}`, MAX_SERVICE_NAME).replace(/-+$/, "");
        if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(serviceName) || serviceName.length > MAX_SERVICE_NAME) {
            fail(`serviceName "${serviceName}" must be ≤ ${MAX_SERVICE_NAME} lowercase letters, digits and inner dashes, starting with a letter`);
        }
        if (args.stableRevision !== undefined) {
            if (!args.stableRevision.startsWith(`${serviceName}-`)) fail(`stableRevision "${args.stableRevision}" is not a revision of service "${serviceName}" (expected "${serviceName}-…")`);
        }

        if (typeof args.model.artifactUri === "string") checkGsUri(fail, args.model.artifactUri);

        const labels = toGcpLabels(settings.tags);
        const account = new serviceaccount.Account(`${name}-runtime`, {
            accountId: runtimeAccountId(serviceName),
            project: args.project,
            displayName: `ml-endpoints Cloud Run ${serviceName} runtime`,
            description: `Runtime identity of Cloud Run service ${serviceName}: reads its model bucket, nothing else.`,
        }, { parent: this });

        // The model: uploaded here from a local path, or an existing gs:// directory.
        let modelUri: pulumi.Output<string>;
        if (args.model.path !== undefined) {
            const artifact = new GcsModelArtifact(`${name}-model`, { model: args.model, stage: args.stage, location: args.region, project: args.project, labels }, { parent: this });
            modelUri = artifact.artifactUri;
        } else {
            modelUri = pulumi.output(args.model.artifactUri!).apply((uri) => checkGsUri(fail, uri));
        }
        // The one grant the runtime needs: read (get and list) the model's bucket. Pulling the image is done by the
        // Cloud Run service agent, and stdout logs and metrics by the platform, not by this identity.
        const modelReader = new storage.BucketIAMMember(`${name}-model-reader`, {
            bucket: modelUri.apply((uri) => uri.replace(/^gs:\/\//, "").split("/")[0]!),
            role: "roles/storage.objectViewer",
            member: pulumi.interpolate`serviceAccount:${account.email}`,
        }, { parent: this });

        // An image URI is used as is (the program passes the stack's one shared image); otherwise build the context.
        const imageUri = args.image?.uri ?? new ArtifactRegistryImage(`${name}-image`, {
            location: args.region,
            project: args.project,
            ...imageBuildArgs(args.image),
            labels,
        }, { parent: this }).imageUri;
        // The Cloud Run service agent pulls the image, not the runtime identity ("Deploying container images from
        // other Google Cloud projects", Cloud Run docs): it gets Artifact Registry read on the image's repository,
        // which the stack's one shared image needs when this service is in another project. gcr.io images are
        // served from Artifact Registry gcr.io repositories now and are granted the same way. Images from other
        // registries (e.g. a public Docker Hub image) need no grant.
        const imagePulls: pulumi.Resource[] = [];
        const givenImage = args.image?.uri;
        if (typeof givenImage !== "string" || imageRepositoryOf(givenImage) !== undefined) {
            const projectNumber = organizations.getProjectOutput({ projectId: args.project }, { parent: this }).number;
            const serviceAgent = pulumi.interpolate`serviceAccount:service-${projectNumber}@serverless-robot-prod.iam.gserviceaccount.com`;
            imagePulls.push(grantImagePull(`${name}-image-pull`, imageUri, serviceAgent, { parent: this }));
        }

        const probe = (path: string, periodSeconds: number, timeoutSeconds: number, failureThreshold: number) =>
            ({ httpGet: { path, port: CONTAINER_PORT }, periodSeconds, timeoutSeconds, failureThreshold });
        const template = {
            serviceAccount: account.email,
            executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
            maxInstanceRequestConcurrency: concurrency,
            timeout: `${timeout}s`,
            labels,
            containers: [{
                name: "server",
                image: imageUri,
                ports: { containerPort: CONTAINER_PORT, name: "http1" },
                resources: {
                    limits: { cpu, memory },
                    cpuIdle: args.cpuIdle ?? !prod,
                    startupCpuBoost: args.startupCpuBoost ?? true,
                },
                envs: pulumi.all([modelUri, args.environment]).apply(([storageUri, environment]) => {
                    // The server's admission bound is the platform's: Cloud Run sends at most
                    // maxInstanceRequestConcurrency requests to an instance at once and does not tell the container
                    // ("Maximum concurrent requests per instance"). One owner: set it through scaling.targetLoadPerInstance.
                    const own = environment?.[MAX_CONCURRENT_ENV];
                    if (own !== undefined) fail(`environment.${MAX_CONCURRENT_ENV}: ${maxConcurrentEnvProblem(own, concurrency)}`);
                    const merged: Record<string, string> = {
                        MODEL_NAME: args.model.name,
                        MODEL_VERSION: args.model.version,
                        AIP_STORAGE_URI: storageUri,
                        ...environment,
                        [MAX_CONCURRENT_ENV]: String(concurrency),
                    };
                    const reserved = reservedEnvProblem(Object.keys(merged));
                    if (reserved) fail(`environment: ${reserved}`);
                    return Object.entries(merged).map(([envName, value]) => ({ name: envName, value }));
                }),
                // Up to 2 minutes to download the model and load it; traffic waits for the first 200 on /health/ready.
                startupProbe: probe(READINESS_PATH, 2, 1, 60),
                livenessProbe: probe(LIVENESS_PATH, 10, 2, 3),
            }],
        };
        const revisionName = pulumi.output(template).apply((resolved) => revisionNameFor(serviceName, resolved));

        const service = new cloudrunv2.Service(`${name}-service`, {
            name: serviceName,
            location: args.region,
            project: args.project,
            description: `ml-endpoints: ${args.model.name} ${args.model.version} (${args.stage})`,
            ingress: INGRESS_VALUES[ingress],
            deletionProtection: args.deletionProtection ?? prod,
            labels,
            // Service-level bounds, as Google recommends: they hold across revisions and, during a canary, are shared
            // between the two revisions by their traffic shares instead of doubling.
            scaling: { minInstanceCount: scaling.minInstances, maxInstanceCount: scaling.maxInstances },
            template: { ...template, revision: revisionName },
            traffics: revisionName.apply((latest) => cloudRunTraffic(rollout.strategy, rollout.canaryPercent, args.stableRevision, latest)),
        }, { parent: this, dependsOn: [modelReader, ...imagePulls] });

        const invokerMembers = settings.auth === "none" ? ["allUsers", ...invokers] : invokers;
        for (const member of invokerMembers) {
            new cloudrunv2.ServiceIamMember(`${name}-invoker-${memberSlug(member)}`, {
                name: service.name,
                location: service.location,
                project: service.project,
                role: "roles/run.invoker",
                member,
            }, { parent: this });
        }

        this.url = service.uri;
        this.serviceName = service.name;
        this.revisionName = revisionName;
        this.serviceAccountEmail = account.email;
        this.modelUri = modelUri;
        this.authMode = settings.auth;
        this.registerOutputs({ url: this.url, serviceName: this.serviceName, revisionName: this.revisionName, authMode: this.authMode });
    }
}

function checkGsUri(fail: (message: string) => never, uri: string): string {
    if (!/^gs:\/\/[^/]+/.test(uri)) fail(`model.artifactUri "${uri}" is not a gs:// directory; Cloud Run's server downloads the model from GCS`);
    return uri;
}

/** A service account id (6–30 lowercase letters, digits, dashes; starts with a letter) unique per service. */
function runtimeAccountId(serviceName: string): string {
    const digest = crypto.createHash("sha256").update(serviceName).digest("hex").slice(0, 6);
    return `run-${nameSlug(serviceName, 19).replace(/-+$/, "")}-${digest}`;
}

/** A stable, readable resource-name suffix for an IAM member; the digest keeps distinct members apart. */
function memberSlug(member: string): string {
    return `${nameSlug(member, 32)}-${crypto.createHash("sha256").update(member).digest("hex").slice(0, 6)}`;
}
