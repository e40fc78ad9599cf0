/**
 * An Azure ML endpoint's key when the stack does not export it (`exposeKeys` off): found through Azure Resource
 * Manager with the deploying identity's Entra token, the way `az ml online-endpoint get-credentials` does —
 * the workspace's resource id by name in the subscription, then `onlineEndpoints/{name}/listKeys`.
 */
import { excerpt } from "./contract";
import { requestJson, SmokeFailure, type HttpAnswer } from "./http";

export const ARM_URL = "https://management.azure.com";
export const ARM_SCOPE = "https://management.azure.com/.default";
/** A GA Microsoft.MachineLearningServices API version with workspaces list and onlineEndpoints listKeys. */
export const ML_API_VERSION = "2024-04-01";

export interface ArmKeyLookup {
    /** An Entra token for ARM (scope https://management.azure.com/.default). */
    readonly token: () => Promise<string>;
    readonly subscriptionId: string;
    /** ARM's base URL (tests point it at loopback). */
    readonly armUrl?: string;
    readonly timeoutMs: number;
}

function parsed(answer: HttpAnswer, what: string): Record<string, unknown> {
    if (answer.status < 200 || answer.status > 299) throw new SmokeFailure(`${what}: HTTP ${answer.status}: ${excerpt(answer.text)}`);
    try {
        return JSON.parse(answer.text) as Record<string, unknown>;
    } catch {
        throw new SmokeFailure(`${what}: answer is not JSON: ${excerpt(answer.text)}`);
    }
}

export async function azureMlEndpointKey(workspaceName: string, endpointName: string, lookup: ArmKeyLookup): Promise<string> {
    const base = lookup.armUrl ?? ARM_URL;
    const headers = { authorization: `Bearer ${await lookup.token()}` };
    let page: string | undefined = `${base}/subscriptions/${lookup.subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${ML_API_VERSION}`;
    let workspaceId: string | undefined;
    while (page !== undefined && workspaceId === undefined) {
        const listing = parsed(await requestJson("GET", page, undefined, headers, lookup.timeoutMs), "listing Azure ML workspaces");
        const workspaces = Array.isArray(listing.value) ? (listing.value as { id?: string; name?: string }[]) : [];
        workspaceId = workspaces.find((workspace) => workspace.name?.toLowerCase() === workspaceName.toLowerCase())?.id;
        page = typeof listing.nextLink === "string" ? listing.nextLink : undefined;
    }
    if (workspaceId === undefined) throw new SmokeFailure(`no Azure ML workspace "${workspaceName}" in subscription ${lookup.subscriptionId}`);
    const listKeys = `${base}${workspaceId}/onlineEndpoints/${encodeURIComponent(endpointName)}/listKeys?api-version=${ML_API_VERSION}`;
    const keys = parsed(await requestJson("POST", listKeys, "", headers, lookup.timeoutMs), `listing the keys of endpoint "${endpointName}"`);
    if (typeof keys.primaryKey !== "string" || keys.primaryKey === "") throw new SmokeFailure(`endpoint "${endpointName}" has no primaryKey (is its authMode Key?)`);
    return keys.primaryKey;
}
