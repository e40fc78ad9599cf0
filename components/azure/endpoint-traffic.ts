import * as pulumi from "@pulumi/pulumi";
import type { RolloutStrategy } from "../args";
import { ARM_URL, ArmTokenSource, awaitArmOperation, AzureRestError, defaultArmToken, requestJson } from "./arm-rest";

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
    /** Changes whenever the endpoint resource itself is updated, so the map is re-applied after it. */
    readonly endpointRevision: string;
    /** The management API's base URL. */
    readonly armUrl: string;
    readonly apiVersion: string;
    readonly pollMs: number;
}

/** The endpoint's writable properties: a PUT must carry them all, and must not carry the read-only ones. */
const WRITABLE_ENDPOINT_PROPERTIES = ["authMode", "compute", "description", "keys", "mirrorTraffic", "properties", "publicNetworkAccess"];

/** Reads the endpoint and PUTs it back with `traffic` replaced, waiting for the operation to finish. */
export async function putEndpointTraffic(inputs: EndpointTrafficInputs, traffic: Record<string, number>, token: string): Promise<void> {
    const url = `${inputs.armUrl}${inputs.endpointId}?api-version=${inputs.apiVersion}`;
    const { body: endpoint } = await requestJson("GET", url, { token });
    const current = (endpoint["properties"] ?? {}) as Record<string, unknown>;
    const properties: Record<string, unknown> = Object.fromEntries(
        WRITABLE_ENDPOINT_PROPERTIES.filter((key) => current[key] !== undefined && current[key] !== null).map((key) => [key, current[key]]));
    const identity = endpoint["identity"] as { type?: string; userAssignedIdentities?: Record<string, unknown> } | undefined;
    const { headers } = await requestJson("PUT", url, {
        token,
        json: {
            location: endpoint["location"],
            tags: endpoint["tags"],
            kind: endpoint["kind"],
            sku: endpoint["sku"],
            identity: identity && {
                type: identity.type,
                userAssignedIdentities: identity.userAssignedIdentities && Object.fromEntries(Object.keys(identity.userAssignedIdentities).map((id) => [id, {}])),
            },
            properties: { ...properties, traffic },
        },
    });
    await awaitArmOperation(headers, token, { pollMs: inputs.pollMs, timeoutMs: 30 * 60_000 });
}

/**
 * The dynamic provider behind `EndpointTraffic`. `token` is injectable so tests can drive create, update
 * and delete against a fake ARM on loopback.
 */
export function endpointTrafficProvider(token: ArmTokenSource = defaultArmToken): pulumi.dynamic.ResourceProvider<EndpointTrafficInputs, EndpointTrafficInputs> {
    return {
        async create(inputs) {
            await putEndpointTraffic(inputs, inputs.traffic, await token());
            return { id: `${inputs.endpointId}/traffic`, outs: inputs };
        },
        async diff(_id, olds, news) {
            const changed = (["endpointId", "traffic", "endpointRevision", "armUrl"] as const)
                .filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
            return { changes: changed.length > 0, replaces: changed.includes("endpointId") ? ["endpointId"] : [], deleteBeforeReplace: false };
        },
        async update(_id, _olds, news) {
            await putEndpointTraffic(news, news.traffic, await token());
            return { outs: news };
        },
        // Azure refuses to delete a deployment that still takes traffic, so the map is emptied first.
        // A missing endpoint has no traffic left to move.
        async delete(_id, olds) {
            const drained = Object.fromEntries(Object.keys(olds.traffic).map((deployment) => [deployment, 0]));
            try {
                await putEndpointTraffic(olds, drained, await token());
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
    /** Anything that changes when the endpoint resource is updated (its settings), so the map is re-applied after it. */
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
 * back with the map (what `az ml online-endpoint update --traffic` does). On delete it drains the map
 * so the deployments can be deleted.
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
