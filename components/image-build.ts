import * as path from "node:path";
import type * as docker from "@pulumi/docker";
import { fingerprintFiles, listFiles } from "./fingerprint";
import { resolveProjectPath } from "./project-path";
import { DEFAULT_IMAGE_CONTEXT } from "./settings";

/** Where and how to build a serving image; every registry component (ECR, Artifact Registry, ACR) takes these. */
export interface ImageBuildArgs {
    /** The Docker build context. Default: this package's `app/` inference server. */
    readonly context?: string;
    /** The Dockerfile, relative to `context`. Default: `Dockerfile`. */
    readonly dockerfile?: string;
    /** The build platform. Default: `linux/amd64`, what every target runs unless told otherwise. */
    readonly platform?: string;
}

/** A resolved build: the `@pulumi/docker` build settings and the tag to push. */
export interface ImageBuild {
    readonly build: docker.types.input.DockerBuild;
    /**
     * The first 16 hex digits of the context's sha256: an unchanged context keeps its tag, so nothing
     * rebuilds, and a changed one gets a new tag, as immutable-tag registries require.
     */
    readonly tag: string;
}

export function resolveImageBuild(args: ImageBuildArgs): ImageBuild {
    const context = resolveProjectPath(args.context ?? DEFAULT_IMAGE_CONTEXT);
    return {
        build: {
            context,
            // @pulumi/docker reads a relative Dockerfile path from the working directory, not the context.
            dockerfile: path.join(context, args.dockerfile ?? "Dockerfile"),
            platform: args.platform ?? "linux/amd64",
        },
        tag: fingerprintFiles(context, listFiles(context)).slice(0, 16),
    };
}
