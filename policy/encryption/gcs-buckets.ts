import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { peek, peekEach, read } from "../lib/props";
import { CROSS_CLOUD } from "../lib/resource-types";

// GCS artifact buckets: IAM-only access, public access prevented, and never granted to the public.
// (GCS always encrypts at rest; a customer-managed key is each target's own, advisory, choice.)

export const gcsBucketsPrivate = resourceGuardrail({
    name: "gcs-buckets-private",
    description: "Every GCS bucket uses uniform bucket-level access and enforces public access prevention.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `uniformBucketLevelAccess: true` and `publicAccessPrevention: \"enforced\"` on the bucket (GcsModelArtifact does).",
    metadata: { id: "ENC-101", mirrors: ["CKV_GCP_29", "CKV_GCP_114"], reads: [CROSS_CLOUD.gcpStorageBucket] },
    validate: (args, reportViolation) => {
        const uniform = read(args.props, "uniformBucketLevelAccess");
        if (uniform !== true) reportViolation(violationMessage(args.name, "uniformBucketLevelAccess", uniform, "must be true"));
        const prevention = read(args.props, "publicAccessPrevention");
        if (prevention !== "enforced") reportViolation(violationMessage(args.name, "publicAccessPrevention", prevention, 'must be "enforced"'));
    },
});

const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];
const BUCKET_IAM = {
    member: "gcp:storage/bucketIAMMember:BucketIAMMember",
    binding: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
    policy: "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
} as const;

export const gcsBucketsNotPublic = resourceGuardrail({
    name: "gcs-buckets-not-public",
    description: "No GCS bucket IAM member, binding or policy grants access to allUsers or allAuthenticatedUsers.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Grant bucket roles to named service accounts or groups only; serve public content through a CDN or signed URLs instead.",
    metadata: { id: "ENC-102", mirrors: ["CKV_GCP_28"], reads: Object.values(BUCKET_IAM) },
    validate: (args, reportViolation) => {
        // A member unknown at preview is an identity another resource computes (a service account's
        // email), never the literal allUsers or allAuthenticatedUsers, so it is read with `peek`.
        const required = `must not be one of ${PUBLIC_MEMBERS.join(", ")}`;
        const check = (property: string, member: unknown) => {
            if (typeof member === "string" && PUBLIC_MEMBERS.includes(member)) reportViolation(violationMessage(args.name, property, member, required));
        };
        if (args.type === BUCKET_IAM.member) check("member", peek(args.props, "member"));
        if (args.type === BUCKET_IAM.binding) peekEach(args.props, "members").forEach((member, index) => check(`members[${index}]`, member));
        if (args.type === BUCKET_IAM.policy) {
            const policy = JSON.parse(String(read(args.props, "policyData") ?? "{}")) as { bindings?: { members?: string[] }[] };
            (policy.bindings ?? []).forEach((binding, b) => (binding.members ?? []).forEach((member, m) => check(`policyData.bindings[${b}].members[${m}]`, member)));
        }
    },
});
