import * as path from "node:path";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import type { ModelArgs } from "../args";
import { readLocalModel } from "../model-artifact";
import { nameSlug } from "../settings";

export interface GcsModelArtifactArgs {
    /** The model; its local `path` directory is uploaded file by file. Required. */
    readonly model: ModelArgs;
    /** The bucket location (a region, or a multi-region such as `US`). Required. */
    readonly location: pulumi.Input<string>;
    /** The project. Default: the provider's project. */
    readonly project?: pulumi.Input<string>;
    /** A Cloud KMS key for the bucket's default encryption. Default: none (Google-managed encryption). */
    readonly kmsKeyName?: pulumi.Input<string>;
    /** Labels for the bucket. Default: none. */
    readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A private GCS bucket (uniform access, public access prevented, versioned) holding one model version
 * under `models/<name>/<version>/`. Vertex AI's `artifactUri` and the server's `AIP_STORAGE_URI` both
 * take the directory URI, so the files are uploaded as they are, not archived.
 */
export class GcsModelArtifact extends pulumi.ComponentResource {
    /** The bucket. */
    public readonly bucket: storage.Bucket;
    /** The model directory: `gs://<bucket>/models/<name>/<version>/`. */
    public readonly artifactUri: pulumi.Output<string>;

    constructor(name: string, args: GcsModelArtifactArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:gcp:GcsModelArtifact", name, {}, opts);
        if (args.model.path === undefined) {
            throw new pulumi.RunError(`GcsModelArtifact "${name}": model.path is required; with model.artifactUri there is nothing to upload`);
        }
        const local = readLocalModel(`GcsModelArtifact "${name}"`, args.model.path);

        this.bucket = new storage.Bucket(`${name}-bucket`, {
            location: args.location,
            project: args.project,
            uniformBucketLevelAccess: true,
            publicAccessPrevention: "enforced",
            versioning: { enabled: true },
            encryption: args.kmsKeyName === undefined ? undefined : { defaultKmsKeyName: args.kmsKeyName },
            forceDestroy: false,
            labels: args.labels,
        }, { parent: this });

        const prefix = `models/${nameSlug(args.model.name, 100)}/${nameSlug(args.model.version, 64)}/`;
        for (const file of local.files) {
            new storage.BucketObject(`${name}-${nameSlug(file, 40)}`, {
                bucket: this.bucket.name,
                name: `${prefix}${file}`,
                source: new pulumi.asset.FileAsset(path.join(local.dir, file)),
            }, { parent: this });
        }
        this.artifactUri = pulumi.interpolate`gs://${this.bucket.name}/${prefix}`;
        this.registerOutputs({ artifactUri: this.artifactUri });
    }
}
