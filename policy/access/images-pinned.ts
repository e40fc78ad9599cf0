import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { SERVING_TYPES, containerImages } from "../lib/serving";

// A serving image named by digest is the same bytes on every cloud and every rollback; a tag can move.

const DIGEST = /@sha256:[0-9a-f]{64}$/;

export const imagesPinnedByDigest = resourceGuardrail({
    name: "images-pinned-by-digest",
    description: "Serving containers (SageMaker models, Lambda functions, Cloud Run services, Azure ML environments, Vertex deployments) reference their image by digest, not by tag.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediationSteps: "Let the components build the image (they reference `repoDigest`), or give `image.uri` as `<registry>/<repo>@sha256:<digest>`.",
    metadata: { id: "ACC-104", mirrors: ["Kubernetes: CKV_K8S_43 (image by digest)"], reads: SERVING_TYPES.images },
    appliesTo: (type) => (SERVING_TYPES.images as readonly string[]).includes(type),
    validate: (args, reportViolation) => {
        for (const image of containerImages(args.type, args.props)) {
            if (typeof image.value !== "string" || !DIGEST.test(image.value)) {
                reportViolation(violationMessage(args.name, image.property, image.value, "pin the image by digest: <repository>@sha256:<64 hex digits>"));
            }
        }
    },
});
