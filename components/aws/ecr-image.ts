import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ImageArgs } from "../args";
import { ImageBuildArgs, imageBuildArgs, resolveImageBuild } from "../image-build";
import { awsPlacement } from "./iam";

export interface EcrImageArgs extends ImageBuildArgs {
    /**
     * Days after which the lifecycle policy expires *untagged* images (leftovers of interrupted pushes). Tagged
     * images are never expired: every image pushed here keeps its immutable content tag, and an old Lambda version
     * or a retained SageMaker model may still pull it (by digest). Default: 14.
     */
    readonly untaggedExpiryDays?: number;
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

        // A count rule ("keep the last N") expired images that a published Lambda version (a canary's stable
        // version) or a retained SageMaker model still pulls, by digest, on every cold start or scale-out. ECR's
        // lifecycle policy cannot see those references, so it may only expire what nothing can reference: untagged images.
        new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: this.repository.name,
            policy: JSON.stringify(lifecyclePolicyDocument(args.untaggedExpiryDays ?? 14)),
        }, { parent: this });

        // Lambda pulls a container image with its own service principal, which the repository policy must allow
        // for this account's functions ("Amazon ECR permissions", Lambda Developer Guide). Without it a
        // least-privilege deployer fails with "Lambda does not have permission to access the ECR image", and a
        // broad one has Lambda write the policy itself, outside Pulumi.
        const where = awsPlacement(this);
        new aws.ecr.RepositoryPolicy(`${name}-lambda-pull`, {
            repository: this.repository.name,
            policy: pulumi.all([where.partition, where.region, where.account]).apply(([partition, region, account]) =>
                JSON.stringify(lambdaPullPolicyDocument(partition, region, account))),
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

/** Expire untagged images only; tagged images may be referenced by a live Lambda version or SageMaker model. */
export function lifecyclePolicyDocument(untaggedExpiryDays: number): object {
    return {
        rules: [{
            rulePriority: 1,
            description: `Expire untagged images after ${untaggedExpiryDays} days; tagged images may still be served by an old Lambda version or a retained SageMaker model.`,
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedExpiryDays },
            action: { type: "expire" },
        }],
    };
}

/** The statement Lambda itself would add: pull, by lambda.amazonaws.com, for this account's functions only. */
export function lambdaPullPolicyDocument(partition: string, region: string, account: string): object {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "LambdaECRImageRetrievalPolicy",
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Condition: { StringLike: { "aws:sourceArn": `arn:${partition}:lambda:${region}:${account}:function:*` } },
        }],
    };
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
 * The platform an image is known to run: `image.platform` (default `linux/amd64`, as `resolveImageBuild` builds it)
 * when the image is built from a context here, `undefined` for a given `image.uri` (what it was built for is unknown).
 */
export function builtImagePlatform(image: { readonly uri?: unknown; readonly platform?: string } | undefined): string | undefined {
    return image?.uri === undefined ? image?.platform ?? "linux/amd64" : undefined;
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
