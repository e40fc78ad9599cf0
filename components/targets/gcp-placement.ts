import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ModelArgs, Stage } from "../args";
import { EndpointArgsError } from "../settings";
import type { StackContext } from "./context";

// Where a GCP target lives, shared by every GCP target's stack-config entry: its region and project, with
// its model bucket and the stack's shared Artifact Registry image in the same place.

/** The `region` and `project` keys of a GCP target's stack-config entry. */
export const gcpPlacementFields = {
    region: z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, "region must be a GCP region such as us-central1").optional(),
    project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "project must be a GCP project id (6–30 lowercase letters, digits, dashes)").optional(),
};

/**
 * The target's region: its own `region`, else the GCP provider's `gcp:region`, so the target, its model bucket
 * and the stack's shared Artifact Registry image all live in one place.
 */
export function gcpRegionFor(target: string, configured: string | undefined): string {
    const region = configured ?? new pulumi.Config("gcp").get("region");
    if (region === undefined) {
        throw new EndpointArgsError(`ml-endpoints:targets.${target}.region: not set, and gcp:region is not set either; set gcp:region (e.g. us-central1) in the stack file`);
    }
    return region;
}

/** The args every GCP component takes from the stack: stage, model, region, project, and the shared image by digest. */
export interface GcpPlacement {
    readonly stage: Stage;
    readonly model: ModelArgs;
    readonly region: string;
    readonly project: string | undefined;
    readonly image: { readonly uri: pulumi.Input<string> };
}

export function gcpPlacement(name: string, target: { region?: string; project?: string }, stack: StackContext): GcpPlacement {
    const region = gcpRegionFor(name, target.region);
    return {
        stage: stack.stage,
        model: stack.model,
        region,
        project: target.project,
        // One image per stack on Artifact Registry, shared by every GCP target.
        image: { uri: stack.gcpImageUri(region, target.project) },
    };
}
