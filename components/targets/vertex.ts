import { z } from "zod";
import { targetFields } from "../config/schema";
import { isVertexPredictionMachineType, VERTEX_MACHINE_TYPES_DESCRIPTION, VertexEndpoint } from "../gcp/vertex-endpoint";
import { gcpRegionFor } from "./cloudrun";
import type { StackContext, TargetOutputs } from "./context";

/**
 * `ml-endpoints:targets.vertex` in a stack file. `scaling.minInstances`/`maxInstances` are the replica
 * bounds (min ≥ 1: Vertex AI keeps at least one), `scaling.targetLoadPerInstance` the CPU utilisation target (%).
 */
export const vertexTargetSchema = z.strictObject({
    ...targetFields,
    instanceType: z.string().refine(isVertexPredictionMachineType, {
        error: (issue) => `instanceType ${JSON.stringify(issue.input)} is not ${VERTEX_MACHINE_TYPES_DESCRIPTION}`,
    }).optional(),
    region: z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, "region must be a GCP region such as us-central1").optional(),
    project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "project must be a GCP project id (6–30 lowercase letters, digits, dashes)").optional(),
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
});

export type VertexTargetConfig = z.infer<typeof vertexTargetSchema>;

export function deployVertex(name: string, target: VertexTargetConfig, stack: StackContext): TargetOutputs {
    const { region, project, ...settings } = target;
    const location = gcpRegionFor(name, region);
    const endpoint = new VertexEndpoint(name, {
        ...settings,
        stage: stack.stage,
        model: stack.model,
        region: location,
        project,
        // One image per stack on Artifact Registry, shared with Cloud Run.
        image: { uri: stack.gcpImageUri(location, project) },
    });
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
