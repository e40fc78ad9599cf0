import type { PolicyResource } from "@pulumi/policy";
import { stackGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { peek, read } from "../lib/props";
import { AWS } from "../lib/resource-types";

// S3 artifact buckets: encryption and the public access block are separate resources in the AWS provider,
// so only a stack-level rule can see that every bucket has both. A configuration belongs to a bucket when
// its `bucket` input came from that bucket (the engine's property dependencies), or names it.

const BUCKETS: readonly string[] = [AWS.s3Bucket, AWS.s3BucketV2];
const ENCRYPTIONS: readonly string[] = [AWS.s3BucketEncryption, AWS.s3BucketEncryptionV2];
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const s3BucketsEncryptedAndPrivate = stackGuardrail({
    name: "s3-buckets-encrypted-and-private",
    description: "Every S3 bucket in the stack has a server-side encryption configuration and a public access block with all four flags on.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Create the bucket through an ml-endpoints component, or add an `aws.s3.BucketServerSideEncryptionConfiguration` and an `aws.s3.BucketPublicAccessBlock` (all four flags true) for it.",
    metadata: {
        id: "ENC-100",
        mirrors: ["CKV_AWS_145", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6", "SecurityHub S3.8"],
        reads: [...BUCKETS, ...ENCRYPTIONS, AWS.s3BucketPublicAccessBlock],
    },
    validateStack: (args, reportViolation) => {
        const configsOf = (bucket: PolicyResource, types: readonly string[]) =>
            args.resources.filter((resource) => types.includes(resource.type) && belongsTo(resource, bucket));
        for (const bucket of args.resources.filter((resource) => BUCKETS.includes(resource.type))) {
            if (configsOf(bucket, ENCRYPTIONS).length === 0) {
                reportViolation(violationMessage(bucket.name, "server-side encryption configuration", undefined, "every bucket needs a BucketServerSideEncryptionConfiguration"), bucket.urn);
            }
            const blocks = configsOf(bucket, [AWS.s3BucketPublicAccessBlock]);
            if (blocks.length === 0) {
                reportViolation(violationMessage(bucket.name, "public access block", undefined, `every bucket needs a BucketPublicAccessBlock with ${PUBLIC_ACCESS_FLAGS.join(", ")} true`), bucket.urn);
            }
            for (const block of blocks) {
                for (const flag of PUBLIC_ACCESS_FLAGS) {
                    const value = read(block.props, flag);
                    if (value !== true) reportViolation(violationMessage(block.name, flag, value, `must be true for bucket ${bucket.name}`), block.urn);
                }
            }
        }
    },
});

function belongsTo(config: PolicyResource, bucket: PolicyResource): boolean {
    if ((config.propertyDependencies["bucket"] ?? []).some((source) => source.urn === bucket.urn)) return true;
    const named = peek(config.props, "bucket");
    return named !== undefined && [peek(bucket.props, "bucket"), peek(bucket.props, "id")].includes(named);
}
