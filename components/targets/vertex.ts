import { z } from "zod";
import { targetFields } from "../config/schema";
import { vertexInt32Problem, vertexMachineTypeProblem, VertexEndpoint } from "../gcp/vertex-endpoint";
import type { StackContext, TargetOutputs } from "./context";
import { gcpPlacement, gcpPlacementFields } from "./gcp-placement";

/**
 * `ml-endpoints:targets.vertex` in a stack file. `scaling.minInstances`/`maxInstances` are the replica
 * bounds (min ≥ 1: Vertex AI keeps at least one), `scaling.targetLoadPerInstance` the CPU utilisation target (%).
 */
export const vertexTargetSchema = z.strictObject({
    ...targetFields,
    instanceType: z.string().refine((machineType) => vertexMachineTypeProblem(machineType) === undefined, {
        error: (issue) => vertexMachineTypeProblem(String(issue.input)),
    }).optional(),
    ...gcpPlacementFields,
    endpointDisplayName: z.string().min(1).max(128).optional(),
    kmsKeyName: z.string().regex(/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/,
        "kmsKeyName must be a Cloud KMS key name: projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>").optional(),
    operationTimeoutSeconds: z.int().min(60).max(4 * 3600).optional(),
}).superRefine((target, ctx) => {
    if (target.scaling !== undefined && target.scaling.minInstances < 1) {
        ctx.addIssue({ code: "custom", path: ["scaling", "minInstances"], message: `minInstances ${target.scaling.minInstances} must be at least 1: Vertex AI dedicated replicas do not scale to zero` });
    }
    const cpuTarget = target.scaling?.targetLoadPerInstance;
    if (cpuTarget !== undefined && cpuTarget > 100) {
        ctx.addIssue({ code: "custom", path: ["scaling", "targetLoadPerInstance"], message: `targetLoadPerInstance ${cpuTarget} is a CPU utilisation on Vertex AI: at most 100 (%)` });
    }
    // minInstances/maxInstances are whole numbers in every target's schema; the CPU target is one only here.
    const fractional = cpuTarget === undefined ? undefined : vertexInt32Problem("targetLoadPerInstance", cpuTarget);
    if (fractional !== undefined) ctx.addIssue({ code: "custom", path: ["scaling", "targetLoadPerInstance"], message: fractional });
});

export type VertexTargetConfig = z.infer<typeof vertexTargetSchema>;

export function deployVertex(name: string, target: VertexTargetConfig, stack: StackContext): TargetOutputs {
    const { region: _region, project: _project, ...settings } = target;
    const endpoint = new VertexEndpoint(name, { ...settings, ...gcpPlacement(name, target, stack) });
    return {
        project: endpoint.project,
        region: endpoint.region,
        endpointId: endpoint.endpointId,
        endpointName: endpoint.endpointName,
        deployedModelId: endpoint.deployedModelId,
        modelName: endpoint.modelName,
        predictUrl: endpoint.predictUrl,
    };
}
