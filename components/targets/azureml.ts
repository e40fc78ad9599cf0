import { z } from "zod";
import { AzureMlEndpoint } from "../azure/azureml-endpoint";
import { DEPLOYMENT_COLORS } from "../azure/endpoint-traffic";
import { AZUREML_DEFAULT_INSTANCE_TYPE, managedOnlineSku, unofferedSkuMessage } from "../azure/instance-types";
import { targetFields } from "../config/schema";
import type { StackContext, TargetOutputs } from "./context";

const publicNetworkAccess = z.enum(["Enabled", "Disabled"]);
const instanceType = z.string().refine((value) => managedOnlineSku(value) !== undefined, {
    error: (issue) => unofferedSkuMessage(String(issue.input)),
});

/** `ml-endpoints:targets.azureml` in a stack file. */
export const azuremlTargetSchema = z.strictObject({
    ...targetFields,
    instanceType: instanceType.optional(),
    liveInstanceType: instanceType.optional(),
    auth: z.string().refine((value) => value === "key" || value === "iam", {
        error: (issue) => `auth ${JSON.stringify(issue.input)} is not offered by Azure ML managed online endpoints, which always require a key or a Microsoft Entra ID token; allowed: key (default), iam`,
    }).transform((value) => value as "key" | "iam").optional(),
    resourceGroupName: z.string().min(1).optional(),
    location: z.string().min(1).optional(),
    endpointName: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/, "endpointName must be 3–32 letters, digits and dashes, starting with a letter").optional(),
    instanceCount: z.int().min(1).optional(),
    workspacePublicNetworkAccess: publicNetworkAccess.optional(),
    endpointPublicNetworkAccess: publicNetworkAccess.optional(),
    requestTimeoutSeconds: z.int().min(1).max(180).optional(),
    maxConcurrentRequestsPerInstance: z.int().min(1).optional(),
    liveDeployment: z.enum(DEPLOYMENT_COLORS).optional(),
    liveModelVersion: z.string().min(1).optional(),
    exposeKeys: z.boolean().optional(),
    registrySku: z.enum(["Basic", "Standard", "Premium"]).optional(),
    logRetentionDays: z.int().min(30).max(730).optional(),
}).superRefine((target, ctx) => {
    const { instanceCount, scaling } = target;
    if (instanceCount !== undefined && scaling !== undefined && (instanceCount < scaling.minInstances || instanceCount > scaling.maxInstances)) {
        ctx.addIssue({
            code: "custom",
            path: ["instanceCount"],
            message: `instanceCount ${instanceCount} is outside the autoscale bounds ${scaling.minInstances}–${scaling.maxInstances} (scaling.minInstances–maxInstances)`,
        });
    }
    if (scaling !== undefined && scaling.minInstances < 1) {
        ctx.addIssue({ code: "custom", path: ["scaling", "minInstances"], message: `minInstances ${scaling.minInstances} must be ≥ 1: managed online deployments do not scale to zero` });
    }
    if (target.workspacePublicNetworkAccess === "Disabled") {
        ctx.addIssue({
            code: "custom",
            path: ["workspacePublicNetworkAccess"],
            message: `workspacePublicNetworkAccess "Disabled" would break every deployment: managed online deployments reach the workspace API over public outbound, which a workspace without public access refuses `
                + `(Microsoft Learn, "Network isolation with managed online endpoints"), and this target builds no workspace managed network; allowed: Enabled`,
        });
    }
    const strategy = target.rollout?.strategy ?? "all-at-once";
    if (target.liveInstanceType !== undefined && target.liveInstanceType.toLowerCase() !== (target.instanceType ?? AZUREML_DEFAULT_INSTANCE_TYPE).toLowerCase() && strategy === "all-at-once") {
        ctx.addIssue({
            code: "custom",
            path: ["liveInstanceType"],
            message: `liveInstanceType "${target.liveInstanceType}" differs from instanceType, but rollout.strategy "all-at-once" runs no candidate deployment for the new type; `
                + `Azure cannot change a deployment's instance type in place (Azure/AML-Kubernetes#247): set rollout.strategy blue-green or canary`,
        });
    }
    if (target.exposeKeys && target.auth === "iam") {
        ctx.addIssue({ code: "custom", path: ["exposeKeys"], message: `exposeKeys needs auth "key"; auth "iam" uses Entra ID tokens, which have no endpoint keys` });
    }
});

export type AzureMlTargetConfig = z.infer<typeof azuremlTargetSchema>;

export function deployAzureMl(name: string, target: AzureMlTargetConfig, stack: StackContext): TargetOutputs {
    const endpoint = new AzureMlEndpoint(name, {
        ...target,
        stage: stack.stage,
        model: stack.model,
        // An image promoted from an earlier stage is used as is (no build), like a configured URI.
        image: stack.image?.promoted?.azure !== undefined ? { uri: stack.image.promoted.azure } : stack.image,
    });
    return {
        scoringUri: endpoint.scoringUri,
        endpointName: endpoint.endpointName,
        deploymentName: endpoint.deploymentName,
        workspaceName: endpoint.workspaceName,
        authMode: endpoint.authMode,
        // What `liveModelVersion` names during the next blue/green or canary rollout.
        registeredModelVersion: endpoint.registeredModelVersion,
        ...(endpoint.primaryKey ? { primaryKey: endpoint.primaryKey } : {}),
    };
}
