import * as pulumi from "@pulumi/pulumi";
import type { ModelArgs, Stage } from "../args";
import type { StackImage } from "../config/load";
import { EcrImage } from "../aws/ecr-image";
import { ArtifactRegistryImage } from "../gcp/artifact-registry-image";
import { imageBuildArgs } from "../image-build";
import { requiredTags, toGcpLabels } from "../settings";

/** What every target of one stack shares: its stage, model, image, and images built once per cloud. */
export class StackContext {
    private awsImage?: EcrImage;
    private gcpImage?: ArtifactRegistryImage;

    constructor(
        public readonly stack: string,
        public readonly stage: Stage,
        public readonly model: ModelArgs,
        public readonly image: StackImage | undefined,
    ) {}

    /**
     * The serving image on ECR, built once per stack and shared by every AWS target, so SageMaker
     * and Lambda serve the same bytes. An image promoted from an earlier stage, or the stack config's image URI, is used instead.
     */
    awsImageUri(): pulumi.Input<string> {
        if (this.image?.promoted?.aws !== undefined) return this.image.promoted.aws;
        if (this.image?.uri !== undefined) return this.image.uri;
        this.awsImage ??= new EcrImage("aws-serving-image", {
            ...imageBuildArgs(this.image),
            // Outside prod `pulumi destroy` must succeed; in prod the images stay (see README, teardown).
            forceDelete: this.stage !== "prod",
            tags: requiredTags(this),
        });
        return this.awsImage.imageUri;
    }

    /**
     * The serving image on Artifact Registry in `location`, built once per stack and shared by every GCP
     * target (Vertex AI and Cloud Run). An image promoted from an earlier stage, or the stack config's image URI, is used instead.
     */
    gcpImageUri(location: pulumi.Input<string>, project?: pulumi.Input<string>): pulumi.Input<string> {
        if (this.image?.promoted?.gcp !== undefined) return this.image.promoted.gcp;
        if (this.image?.uri !== undefined) return this.image.uri;
        this.gcpImage ??= new ArtifactRegistryImage("gcp-serving-image", {
            location,
            project,
            ...imageBuildArgs(this.image),
            labels: toGcpLabels(requiredTags(this)),
        });
        return this.gcpImage.imageUri;
    }
}

/** The stack outputs one target exports, e.g. `{ endpointName, endpointArn }`. */
export type TargetOutputs = Record<string, pulumi.Input<unknown>>;
