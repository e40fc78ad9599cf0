import * as pulumi from "@pulumi/pulumi";
import type { RolloutStrategy } from "../args";
import { ARM_URL, ArmClientOptions, armRequest, ArmTokenSource, armTokenSource, awaitArmOperation, AzureRestError } from "./arm-rest";

/** The two deployment names of a blue/green endpoint. */
export type DeploymentColor = "blue" | "green";
export const DEPLOYMENT_COLORS: readonly DeploymentColor[] = ["blue", "green"];

/** Which deployments exist and what share of the endpoint's traffic each one takes. */
export interface TrafficPlan {
    /** The deployment serving the released model. */
    readonly live: DeploymentColor;
    /** The deployment serving the new model beside it during a blue/green or canary rollout. */
    readonly candidate?: DeploymentColor;
    /** Deployment name → percent; always whole numbers summing to 100. */
    readonly traffic: Readonly<Record<string, number>>;
}

/**
 * The endpoint's traffic map, computed here and nowhere else: everything to the live deployment, or,
 * while a rollout asks for one, `canaryPercent` to the candidate beside it and the rest to the live one.
 */
export function trafficSplit(strategy: RolloutStrategy, canaryPercent: number, live: DeploymentColor): TrafficPlan {
    if (strategy === "all-at-once") return { live, traffic: { [live]: 100 } };
    if (!Number.isInteger(canaryPercent) || canaryPercent < 1 || canaryPercent > 99) {
        throw new RangeError(`rollout.canaryPercent ${canaryPercent} must be a whole number from 1 to 99: Azure ML traffic shares are whole percents`);
    }
    const candidate: DeploymentColor = live === "blue" ? "green" : "blue";
    return { live, candidate, traffic: { [live]: 100 - canaryPercent, [candidate]: canaryPercent } };
}

/** What the traffic resource sends to Azure. */
export interface EndpointTrafficInputs {
    /** The online endpoint's ARM id. */
    readonly endpointId: string;
    /** Deployment name → percent. */
    readonly traffic: Record<string, number>;
    /** Changes whenever the endpoint resource itself is updated (a hash of all its inputs), so the map is re-applied after it. */
    readonly endpointRevision: string;
    /** The management API's base URL. */
    readonly armUrl: string;
    readonly apiVersion: string;
    readonly pollMs: number;
}

/** The endpoint's writable properties: a PUT must carry them all, and must not carry the read-only ones. */
const WRITABLE_ENDPOINT_PROPERTIES = ["authMode", "compute", "description", "keys", "mirrorTraffic", "properties", "publicNetworkAccess"];

/**
 * Refuses a traffic map Azure would refuse. azure-rest-api-specs, machinelearningservices
 * `OnlineEndpointProperties.traffic`: "Percentage of traffic from endpoint to divert to each deployment.
 * Traffic values need to sum to 100." An empty map is what a drained endpoint has (azure-ai-ml's
 * `_strip_zeroes_from_traffic` drops every 0 before it PUTs), so it is allowed only when `drain` is true.
 */
export function checkTrafficMap(traffic: Readonly<Record<string, number>>, drain = false): void {
    const entries = Object.entries(traffic);
    if (entries.length === 0) {
        if (drain) return;
        throw new RangeError("traffic {} sends no requests anywhere: an endpoint that serves needs a map summing to 100");
    }
    for (const [deployment, share] of entries) {
        if (!Number.isInteger(share) || share < 0 || share > 100) {
            throw new RangeError(`traffic.${deployment} ${share} must be a whole percent from 0 to 100`);
        }
    }
    const total = entries.reduce((sum, [, share]) => sum + share, 0);
    if (total !== 100) throw new RangeError(`traffic ${JSON.stringify(traffic)} sums to ${total}; Azure requires the shares to sum to 100`);
}

/** Reads the endpoint and PUTs it back with `traffic` replaced, waiting for the operation and for the endpoint to settle. */
export async function putEndpointTraffic(inputs: EndpointTrafficInputs, traffic: Record<string, number>, client: ArmClientOptions): Promise<void> {
    const url = `${inputs.armUrl}${inputs.endpointId}?api-version=${inputs.apiVersion}`;
    const { body: endpoint } = await armRequest("GET", url, client);
    const current = (endpoint["properties"] ?? {}) as Record<string, unknown>;
    const properties: Record<string, unknown> = Object.fromEntries(
        WRITABLE_ENDPOINT_PROPERTIES.filter((key) => current[key] !== undefined && current[key] !== null).map((key) => [key, current[key]]));
    const identity = endpoint["identity"] as { type?: string; userAssignedIdentities?: Record<string, unknown> } | undefined;
    // A 409 (the endpoint is Updating: a deployment or autoscale operation is running) is retried with backoff.
    const response = await armRequest("PUT", url, client, {
        location: endpoint["location"],
        tags: endpoint["tags"],
        kind: endpoint["kind"],
        sku: endpoint["sku"],
        identity: identity && {
            type: identity.type,
            userAssignedIdentities: identity.userAssignedIdentities && Object.fromEntries(Object.keys(identity.userAssignedIdentities).map((id) => [id, {}])),
        },
        properties: { ...properties, traffic },
    });
    await awaitArmOperation(response, client, url);
}

/** What the provider talks to ARM with; injectable so tests can drive it against a fake ARM on loopback. */
export interface EndpointTrafficDependencies {
    /** Default: `armTokenSource()` (GitHub OIDC client assertion when `ARM_USE_OIDC=true`, else DefaultAzureCredential). */
    readonly token?: ArmTokenSource;
    /** Default: a timer. */
    readonly sleep?: (ms: number) => Promise<void>;
}

/** The dynamic provider behind `EndpointTraffic`. */
export function endpointTrafficProvider(dependencies: EndpointTrafficDependencies = {}): pulumi.dynamic.ResourceProvider<EndpointTrafficInputs, EndpointTrafficInputs> {
    const client = (inputs: EndpointTrafficInputs): ArmClientOptions => ({
        token: dependencies.token ?? armTokenSource(),
        sleep: dependencies.sleep,
        pollMs: inputs.pollMs,
        timeoutMs: 30 * 60_000,
    });
    return {
        async check(_olds, news) {
            try {
                checkTrafficMap(news.traffic);
                return { inputs: news };
            } catch (error) {
                return { failures: [{ property: "traffic", reason: (error as Error).message }] };
            }
        },
        async create(inputs) {
            await putEndpointTraffic(inputs, inputs.traffic, client(inputs));
            return { id: `${inputs.endpointId}/traffic`, outs: inputs };
        },
        async diff(_id, olds, news) {
            const changed = (["endpointId", "traffic", "endpointRevision", "armUrl"] as const)
                .filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
            return { changes: changed.length > 0, replaces: changed.includes("endpointId") ? ["endpointId"] : [], deleteBeforeReplace: false };
        },
        async update(_id, _olds, news) {
            await putEndpointTraffic(news, news.traffic, client(news));
            return { outs: news };
        },
        // Azure refuses to delete a deployment that still takes traffic, so the map is emptied first: `{}`,
        // not zeros per deployment (a map of zeros does not sum to 100). A missing endpoint has no traffic left to move.
        async delete(_id, olds) {
            try {
                await putEndpointTraffic(olds, {}, client(olds));
            } catch (error) {
                if (!(error instanceof AzureRestError && error.status === 404)) throw error;
            }
        },
    };
}

export interface EndpointTrafficArgs {
    /** The online endpoint's ARM id. */
    readonly endpointId: pulumi.Input<string>;
    /** Deployment name → percent, from `trafficSplit`. */
    readonly traffic: Record<string, number>;
    /** A hash of every input of the endpoint resource: any update to it is a full PUT, so the map is re-applied after it. */
    readonly endpointRevision: pulumi.Input<string>;
    /** The management API's base URL. Default: `https://management.azure.com`. */
    readonly armUrl?: string;
    /** The Microsoft.MachineLearningServices API version. Default: the azure-native SDK's, 2025-12-01. */
    readonly apiVersion?: string;
}

/**
 * An online endpoint's traffic map, set after its deployments exist. The endpoint cannot name
 * deployments when it is created (they need the endpoint first), and azure-native has no resource
 * that updates one property of an existing resource, so this resource reads the endpoint and PUTs it
 * back with the map (what `az ml online-endpoint update --traffic` does). It is the map's only owner:
 * the endpoint resource ignores changes to `properties.traffic` and `mirrorTraffic`. On delete it sets
 * the map to `{}` so the deployments can be deleted.
 */
export class EndpointTraffic extends pulumi.dynamic.Resource {
    declare public readonly traffic: pulumi.Output<Record<string, number>>;

    constructor(name: string, args: EndpointTrafficArgs, opts?: pulumi.CustomResourceOptions) {
        const inputs: pulumi.Inputs = {
            endpointId: args.endpointId,
            traffic: args.traffic,
            endpointRevision: args.endpointRevision,
            armUrl: args.armUrl ?? ARM_URL,
            apiVersion: args.apiVersion ?? "2025-12-01",
            pollMs: 5000,
        };
        super(endpointTrafficProvider(), name, inputs, opts, "ml-endpoints", "EndpointTraffic");
    }
}
