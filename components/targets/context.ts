import * as pulumi from "@pulumi/pulumi";
import type { ImageArgs, ModelArgs, Stage } from "../args";
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
        public readonly image: ImageArgs | undefined,
    ) {}

    /**
     * The serving image on ECR, built once per stack and shared by every AWS target, so SageMaker
     * and Lambda serve the same bytes. When the stack config names an image URI, that is used instead.
     */
    awsImageUri(): pulumi.Input<string> {
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
     * target (Vertex AI and Cloud Run). When the stack config names an image URI, that is used instead.
     */
    gcpImageUri(location: pulumi.Input<string>, project?: pulumi.Input<string>): pulumi.Input<string> {
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
