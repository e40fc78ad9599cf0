import * as path from "node:path";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import type { ModelArgs, Stage } from "../args";
import { artifactPath, artifactRetentionDays, readLocalModel } from "../model-artifact";
import { nameSlug } from "../settings";

export interface GcsModelArtifactArgs {
    /** The model; its local `path` directory is uploaded file by file. Required. */
    readonly model: ModelArgs;
    /** The stage: outside prod `pulumi destroy` empties and deletes the bucket; in prod it keeps the models. Required. */
    readonly stage: Stage;
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
 * A private GCS bucket (uniform access, public access prevented, versioned) holding the model under
 * `models/<name>/<version>/<content hash>/`. Vertex AI's `artifactUri` and the server's `AIP_STORAGE_URI`
 * both take the directory URI, so the files are uploaded as they are, not archived.
 *
 * Every content gets its own object names, so an upload never replaces an object of the same name: on GCS
 * that replacement (create-before-delete) deletes the file just written, because the provider deletes by
 * bucket and name, not generation (pulumi-gcp#152; terraform-provider-google
 * `google/services/storage/resource_storage_bucket_object.go`: `name` and `source` are ForceNew, and
 * `resourceStorageBucketObjectDelete` calls `Objects.Delete(bucket, name)`). Uploaded objects are kept when
 * the model moves on (a Cloud Run stable revision may still read them); noncurrent versions are pruned after
 * `model.retentionDays`.
 */
export class GcsModelArtifact extends pulumi.ComponentResource {
    /** The bucket. */
    public readonly bucket: storage.Bucket;
    /** The uploaded files. */
    public readonly objects: readonly storage.BucketObject[];
    /** The model directory, `gs://<bucket>/models/<name>/<version>/<content hash>/`, known only once every file is uploaded. */
    public readonly artifactUri: pulumi.Output<string>;

    constructor(name: string, args: GcsModelArtifactArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:gcp:GcsModelArtifact", name, {}, opts);
        const component = `GcsModelArtifact "${name}"`;
        if (args.model.path === undefined) {
            throw new pulumi.RunError(`${component}: model.path is required; with model.artifactUri there is nothing to upload`);
        }
        const local = readLocalModel(component, args.model.path);
        const retentionDays = artifactRetentionDays(component, args.model);

        this.bucket = new storage.Bucket(`${name}-bucket`, {
            location: args.location,
            project: args.project,
            uniformBucketLevelAccess: true,
            publicAccessPrevention: "enforced",
            versioning: { enabled: true },
            encryption: args.kmsKeyName === undefined ? undefined : { defaultKmsKeyName: args.kmsKeyName },
            // A bucket holding objects (or object versions) is deleted only with force_destroy
            // (terraform-provider-google resource_storage_bucket.go: "Error trying to delete bucket … without
            // `force_destroy` set to true"). Outside prod destroy must work; in prod it keeps the models.
            forceDestroy: args.stage !== "prod",
            // Content-addressed names are never overwritten, so a version turns noncurrent only when its object
            // is deleted (a retired artifact, or a destroy); without this rule such versions are kept forever.
            lifecycleRules: [{
                action: { type: "Delete" },
                condition: { withState: "ARCHIVED", daysSinceNoncurrentTime: retentionDays, matchesPrefixes: ["models/"] },
            }],
            labels: args.labels,
        }, { parent: this });

        const prefix = `models/${artifactPath(args.model, local.contentHash)}/`;
        this.objects = local.files.map((file) => new storage.BucketObject(`${name}-${nameSlug(file, 40)}`, {
            bucket: this.bucket.name,
            name: `${prefix}${file}`,
            source: new pulumi.asset.FileAsset(path.join(local.dir, file)),
        // Kept when the model moves on: the stable revision of a canary, or a rollback, may still read it.
        }, { parent: this, retainOnDelete: true }));
        // Built from the objects, so nothing reads the directory (Vertex models:upload, a new Cloud Run
        // revision) before every file is there.
        this.artifactUri = pulumi.all([this.bucket.name, ...this.objects.map((object) => object.name)])
            .apply(([bucket]) => `gs://${bucket}/${prefix}`);
        this.registerOutputs({ artifactUri: this.artifactUri });
    }
}
