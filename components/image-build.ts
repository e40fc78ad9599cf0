import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as docker from "@pulumi/docker";
import { fingerprintFiles, listFiles } from "./fingerprint";
import { resolveProjectPath } from "./project-path";
import { DEFAULT_IMAGE_CONTEXT, EndpointArgsError } from "./settings";

/** Where and how to build a serving image; every registry component (ECR, Artifact Registry, ACR) takes these. */
export interface ImageBuildArgs {
    /** The Docker build context. Default: this package's `app/` inference server. */
    readonly context?: string;
    /** The Dockerfile, relative to `context`. Default: `Dockerfile`. */
    readonly dockerfile?: string;
    /** The build platform. Default: `linux/amd64`, what every target runs unless told otherwise. */
    readonly platform?: string;
    /** Docker build arguments (`--build-arg`). Plain values, since they are hashed into the tag. Default: none. */
    readonly buildArgs?: Record<string, string>;
}

/** A resolved build: the `@pulumi/docker` build settings and the tag to push. */
export interface ImageBuild {
    readonly build: docker.types.input.DockerBuild;
    /**
     * The first 16 hex digits of a sha256 over everything that changes the build: the context's files, the
     * Dockerfile (its path and bytes, wherever it lives), the platform and the build arguments. An unchanged
     * build keeps its tag, so nothing rebuilds; any change gets a new tag, as immutable-tag registries
     * (ECR `IMMUTABLE`, Artifact Registry `immutableTags`) require: pushing a changed image under a tag that
     * already exists fails there.
     */
    readonly tag: string;
}

/** The build settings of a stack's or component's `image` (its `uri`, if any, is the caller's concern). */
export function imageBuildArgs(image: ImageBuildArgs | undefined): ImageBuildArgs {
    return { context: image?.context, dockerfile: image?.dockerfile, platform: image?.platform, buildArgs: image?.buildArgs };
}

export function resolveImageBuild(args: ImageBuildArgs): ImageBuild {
    const context = resolveProjectPath(args.context ?? DEFAULT_IMAGE_CONTEXT);
    // @pulumi/docker reads a relative Dockerfile path from the working directory, not the context.
    const dockerfile = path.resolve(context, args.dockerfile ?? "Dockerfile");
    const platform = args.platform ?? "linux/amd64";
    const buildArgs = args.buildArgs ?? {};
    return {
        build: {
            context,
            dockerfile,
            platform,
            args: Object.keys(buildArgs).length > 0 ? buildArgs : undefined,
        },
        tag: imageTag(context, dockerfile, platform, buildArgs),
    };
}

/** The build's identity; see `ImageBuild.tag`. Each part is length-framed, so no two builds hash alike by shifting bytes. */
function imageTag(context: string, dockerfile: string, platform: string, buildArgs: Record<string, string>): string {
    if (!fs.existsSync(dockerfile)) {
        throw new EndpointArgsError(`image.dockerfile "${dockerfile}" does not exist; it is read relative to image.context "${context}"`);
    }
    const hash = crypto.createHash("sha256");
    const part = (label: string, value: string | Buffer) => hash.update(`${label}:${value.length}:`).update(value).update("\0");
    part("context", fingerprintFiles(context, listFiles(context)));
    part("dockerfile", path.relative(context, dockerfile));
    part("dockerfile-bytes", fs.readFileSync(dockerfile));
    part("platform", platform);
    for (const key of Object.keys(buildArgs).sort()) part(`build-arg ${key}`, buildArgs[key]!);
    return hash.digest("hex").slice(0, 16);
}
