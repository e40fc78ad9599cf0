import * as docker from "@pulumi/docker";
import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import * as organizations from "@pulumi/gcp/organizations";
import * as pulumi from "@pulumi/pulumi";
import { ImageBuildArgs, resolveImageBuild } from "../image-build";
import { nameSlug } from "../settings";

export interface ArtifactRegistryImageArgs extends ImageBuildArgs {
    /** The Artifact Registry location (a region such as `us-central1`). Required. */
    readonly location: pulumi.Input<string>;
    /** The project. Default: the provider's project. */
    readonly project?: pulumi.Input<string>;
    /** A Cloud KMS key for the repository (CKV_GCP_84). Default: none (Google-managed encryption). */
    readonly kmsKeyName?: pulumi.Input<string>;
    /** Labels for the repository. Default: none. */
    readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An Artifact Registry Docker repository (immutable tags) with the serving image built and pushed by
 * `@pulumi/docker`. `imageUri` is pinned by digest. One per stack serves every GCP target.
 */
export class ArtifactRegistryImage extends pulumi.ComponentResource {
    /** The repository the image lives in. */
    public readonly repository: artifactregistry.Repository;
    /** The image, pinned by digest: `<location>-docker.pkg.dev/<project>/<repo>/serving@sha256:…`. */
    public readonly imageUri: pulumi.Output<string>;
    /** The tag pushed: 16 hex digits of a sha256 over the context, Dockerfile, platform and build args (see `resolveImageBuild`). */
    public readonly contextTag: string;

    constructor(name: string, args: ArtifactRegistryImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:gcp:ArtifactRegistryImage", name, {}, opts);
        const { build, tag } = resolveImageBuild(args);
        this.contextTag = tag;

        this.repository = new artifactregistry.Repository(`${name}-repo`, {
            repositoryId: nameSlug(name, 63),
            location: args.location,
            project: args.project,
            format: "DOCKER",
            description: "ml-endpoints serving images",
            dockerConfig: { immutableTags: true },
            kmsKeyName: args.kmsKeyName,
            labels: args.labels,
        }, { parent: this });

        const registryHost = pulumi.interpolate`${this.repository.location}-docker.pkg.dev`;
        // The caller's short-lived OAuth token: never a stored service-account key.
        const client = organizations.getClientConfigOutput({ parent: this });
        const image = new docker.Image(`${name}-image`, {
            imageName: pulumi.interpolate`${registryHost}/${this.repository.project}/${this.repository.repositoryId}/serving:${this.contextTag}`,
            build,
            registry: { server: registryHost, username: "oauth2accesstoken", password: pulumi.secret(client.accessToken) },
        }, { parent: this });
        this.imageUri = image.repoDigest;

        this.registerOutputs({ imageUri: this.imageUri });
    }
}
