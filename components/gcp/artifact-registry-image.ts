import * as docker from "@pulumi/docker";
import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import * as organizations from "@pulumi/gcp/organizations";
import * as pulumi from "@pulumi/pulumi";
import { ImageBuildArgs, resolveImageBuild } from "../image-build";
import { nameSlug } from "../settings";

/** The Artifact Registry repository an image is served from, as `RepositoryIamMember` addresses it. */
export interface ImageRepository {
    readonly location: string;
    readonly project: string;
    readonly repository: string;
}

/**
 * Container Registry hosts and the Artifact Registry `gcr.io` repositories that now serve them ("gcr.io
 * repositories", Artifact Registry docs: Container Registry is shut down since 18 March 2025; its URLs are served
 * from these repositories, and access is granted with Artifact Registry IAM on them, no longer on a bucket).
 */
const GCR_REPOSITORIES: Readonly<Record<string, string>> = { "gcr.io": "us", "us.gcr.io": "us", "eu.gcr.io": "europe", "asia.gcr.io": "asia" };

/**
 * The repository of `{location}-docker.pkg.dev/{project}/{repository}/…` or of a `gcr.io` image
 * (`[us.|eu.|asia.]gcr.io/{project}/…`, or `gcr.io/{domain}/{project}/…` for a domain-scoped project
 * `{domain}:{project}`); `undefined` for any other registry.
 */
export function imageRepositoryOf(imageUri: string): ImageRepository | undefined {
    const pkgDev = /^([a-z0-9-]+)-docker\.pkg\.dev\/([^/]+)\/([^/@:]+)\//.exec(imageUri);
    if (pkgDev) return { location: pkgDev[1]!, project: pkgDev[2]!, repository: pkgDev[3]! };
    const gcr = /^((?:us\.|eu\.|asia\.)?gcr\.io)\/([^/@:]+)\/(?:([^/@:]+)\/)?[^@:]/.exec(imageUri);
    if (!gcr) return undefined;
    const [, host, first, second] = gcr;
    // A first segment with a dot is a domain (gcr.io/example.com/project/image), if a project segment follows.
    const project = first!.includes(".") && second !== undefined ? `${first}:${second}` : first!;
    return { location: GCR_REPOSITORIES[host!]!, project, repository: host! };
}

/**
 * Grants `member` (a service's agent, which pulls images for it) `roles/artifactregistry.reader` on the image's
 * repository: needed whenever the repository is in another project than the service, harmless otherwise.
 * `imageUri` must resolve to an Artifact Registry or `gcr.io` image (`imageRepositoryOf`).
 */
export function grantImagePull(name: string, imageUri: pulumi.Input<string>, member: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): artifactregistry.RepositoryIamMember {
    const repository = pulumi.output(imageUri).apply((uri) => {
        const found = imageRepositoryOf(uri);
        if (found === undefined) throw new pulumi.RunError(`${name}: image ${uri} is not an Artifact Registry (…-docker.pkg.dev) or gcr.io image`);
        return found;
    });
    return new artifactregistry.RepositoryIamMember(name, {
        project: repository.project,
        location: repository.location,
        repository: repository.repository,
        role: "roles/artifactregistry.reader",
        member,
    }, opts);
}

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
