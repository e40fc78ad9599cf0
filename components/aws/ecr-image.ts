import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ImageArgs } from "../args";
import { ImageBuildArgs, imageBuildArgs, resolveImageBuild } from "../image-build";

export interface EcrImageArgs extends ImageBuildArgs {
    /** How many tagged images the repository keeps before the lifecycle policy expires older ones. Default: 20. */
    readonly keepImages?: number;
    /**
     * Delete the repository with its images on `pulumi destroy`. `docker.Image` deletes no tags when destroyed,
     * so without this DeleteRepository always fails (RepositoryNotEmptyException). Default: false; the stack
     * program sets it outside prod.
     */
    readonly forceDelete?: boolean;
    /** Tags for the repository. Default: none. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An ECR repository (scan on push, immutable tags) with the serving image built and pushed by
 * `@pulumi/docker`. `imageUri` is pinned by digest. One per stack serves every AWS target, so
 * SageMaker and Lambda run the very same bytes.
 */
export class EcrImage extends pulumi.ComponentResource {
    /** The repository the image lives in. */
    public readonly repository: aws.ecr.Repository;
    /** The image, pinned by digest: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:…`. */
    public readonly imageUri: pulumi.Output<string>;
    /** The tag pushed: 16 hex digits of a sha256 over the context, Dockerfile, platform and build args (see `resolveImageBuild`). */
    public readonly contextTag: string;

    constructor(name: string, args: EcrImageArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:aws:EcrImage", name, {}, opts);
        const { build, tag } = resolveImageBuild(args);
        this.contextTag = tag;

        this.repository = new aws.ecr.Repository(`${name}-repo`, {
            imageScanningConfiguration: { scanOnPush: true },
            imageTagMutability: "IMMUTABLE",
            encryptionConfigurations: [{ encryptionType: "AES256" }],
            forceDelete: args.forceDelete ?? false,
            tags: args.tags,
        }, { parent: this });

        new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: this.repository.name,
            policy: JSON.stringify({
                rules: [{
                    rulePriority: 1,
                    description: "Keep the most recent images; older ones are never served again.",
                    selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: args.keepImages ?? 20 },
                    action: { type: "expire" },
                }],
            }),
        }, { parent: this });

        // Short-lived registry credentials, fetched per run: never a stored key.
        const credentials = aws.ecr.getAuthorizationTokenOutput({ registryId: this.repository.registryId }, { parent: this });
        const image = new docker.Image(`${name}-image`, {
            imageName: pulumi.interpolate`${this.repository.repositoryUrl}:${this.contextTag}`,
            build,
            registry: {
                server: this.repository.repositoryUrl,
                username: credentials.userName,
                password: pulumi.secret(credentials.password),
            },
        }, { parent: this });
        this.imageUri = image.repoDigest;

        this.registerOutputs({ repositoryUrl: this.repository.repositoryUrl, imageUri: this.imageUri });
    }
}

/**
 * The ARN of the ECR repository an image URI points into (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`),
 * so a role can be granted pull on exactly that repository. `undefined` for images outside ECR.
 */
export function ecrRepositoryArn(imageUri: string): string | undefined {
    const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(imageUri);
    if (!match) return undefined;
    const [, account, region, repository] = match;
    const partition = region!.startsWith("cn-") ? "aws-cn" : region!.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

/** The image a component serves, and the ECR repository its role may pull from. */
export interface ServingImage {
    /** The image URI, pinned by digest when built here. */
    readonly imageUri: pulumi.Input<string>;
    /** The repository's ARN; `undefined` for an image outside ECR. */
    readonly repositoryArn: pulumi.Input<string | undefined>;
}

/**
 * The image every AWS component serves: `image.uri` as given, else an `EcrImage` built from
 * `image.context` (default: this package's `app/`) as a child of `parent`.
 */
export function servingImage(name: string, image: ImageArgs | undefined, tags: Record<string, string>, parent: pulumi.Resource, forceDelete = false): ServingImage {
    if (image?.uri !== undefined) {
        return { imageUri: image.uri, repositoryArn: pulumi.output(image.uri).apply(ecrRepositoryArn) };
    }
    const built = new EcrImage(name, { ...imageBuildArgs(image), forceDelete, tags }, { parent });
    return { imageUri: built.imageUri, repositoryArn: built.repository.arn };
}
