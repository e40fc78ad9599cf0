import { z } from "zod";
import { targetFields } from "../config/schema";
import { CLOUD_RUN_CPUS, CLOUD_RUN_INGRESS, cloudRunArgsProblems, CloudRunEndpoint, publicAccessProblem } from "../gcp/cloudrun-endpoint";
import { EndpointArgsError } from "../settings";
import type { StackContext, TargetOutputs } from "./context";
import { gcpPlacement, gcpPlacementFields } from "./gcp-placement";

/** `ml-endpoints:targets.cloudrun` in a stack file. `scaling.targetLoadPerInstance` is the concurrency per instance. */
export const cloudrunTargetSchema = z.strictObject({
    ...targetFields,
    // Refused with its reason by cloudRunArgsProblems: Cloud Run sizes instances by cpu and memory.
    instanceType: z.unknown().optional(),
    ...gcpPlacementFields,
    serviceName: z.string().regex(/^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/, "serviceName must be ≤ 49 lowercase letters, digits and inner dashes, starting with a letter").optional(),
    cpu: z.enum(CLOUD_RUN_CPUS).optional(),
    memory: z.string().optional(),
    cpuIdle: z.boolean().optional(),
    startupCpuBoost: z.boolean().optional(),
    ingress: z.enum(CLOUD_RUN_INGRESS).optional(),
    invokers: z.array(z.string()).optional(),
    stableRevision: z.string().min(1).optional(),
    requestTimeoutSeconds: z.int().min(1).max(3600).optional(),
    deletionProtection: z.boolean().optional(),
}).superRefine((target, ctx) => {
    for (const problem of cloudRunArgsProblems(target)) ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
});

export type CloudRunTargetConfig = z.infer<typeof cloudrunTargetSchema>;

export function deployCloudRun(name: string, target: CloudRunTargetConfig, stack: StackContext): TargetOutputs {
    // The one rule the schema cannot check (it needs the stage), reported with its config key.
    const publicAccess = publicAccessProblem(stack.stage, target.auth);
    if (publicAccess) throw new EndpointArgsError(`ml-endpoints:targets.${name}.auth: ${publicAccess}`);
    const { region: _region, project: _project, instanceType: _unused, ...settings } = target;
    const endpoint = new CloudRunEndpoint(name, { ...settings, ...gcpPlacement(name, target, stack) });
    return {
        url: endpoint.url,
        serviceName: endpoint.serviceName,
        authMode: endpoint.authMode,
        revisionName: endpoint.revisionName,
    };
}
