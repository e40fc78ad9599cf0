import { expect } from "chai";
import { s3BucketsEncryptedAndPrivate } from "../../../policy/encryption/artifact-buckets";
import { AWS } from "../../../policy/lib/resource-types";
import type { OfflineResource } from "../../../policy/offline";
import { messagesOf, resource, violationsOf } from "../harness";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const allBlocked = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

/** A bucket with its encryption and public access block, linked the way the engine links them at preview. */
function bucketWithConfigs(name: string, block: Record<string, unknown> = allBlocked): OfflineResource[] {
    const bucket = resource(AWS.s3Bucket, { tags: { stage: "prod" } }, { name });
    const linked = { propertyDependencies: { bucket: [bucket] } };
    return [
        bucket,
        resource(AWS.s3BucketEncryption, { bucket: UNKNOWN, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }, { name: `${name}-encryption`, ...linked }),
        resource(AWS.s3BucketPublicAccessBlock, { bucket: UNKNOWN, ...block }, { name: `${name}-public-access`, ...linked }),
    ];
}

describe("policy s3-buckets-encrypted-and-private", () => {
    const check = async (resources: OfflineResource[]) => messagesOf(await violationsOf(s3BucketsEncryptedAndPrivate, resources));

    it("passes buckets that each have encryption and a full public access block (linked by dependency, even at preview)", async () => {
        expect(await check([...bucketWithConfigs("artifacts"), ...bucketWithConfigs("captures")])).to.deep.equal([]);
    });

    it("links configurations that name the bucket when no dependency is recorded", async () => {
        const bucket = resource(AWS.s3Bucket, { bucket: "my-artifacts" }, { name: "artifacts" });
        expect(await check([
            bucket,
            resource(AWS.s3BucketEncryption, { bucket: "my-artifacts", rules: [] }, { name: "enc" }),
            resource(AWS.s3BucketPublicAccessBlock, { bucket: "my-artifacts", ...allBlocked }, { name: "pab" }),
        ])).to.deep.equal([]);
    });

    it("denies a bucket without an encryption configuration", async () => {
        const resources = bucketWithConfigs("artifacts").filter((found) => found.type !== AWS.s3BucketEncryption);
        expect(await check(resources)).to.deep.equal(["artifacts: server-side encryption configuration is not set; every bucket needs a BucketServerSideEncryptionConfiguration"]);
    });

    it("denies a bucket without a public access block", async () => {
        const resources = bucketWithConfigs("artifacts").filter((found) => found.type !== AWS.s3BucketPublicAccessBlock);
        expect(await check(resources)).to.deep.equal(["artifacts: public access block is not set; every bucket needs a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets true"]);
    });

    for (const flag of Object.keys(allBlocked)) {
        it(`denies a public access block with ${flag} off`, async () => {
            expect(await check(bucketWithConfigs("artifacts", { ...allBlocked, [flag]: false })))
                .to.deep.equal([`artifacts-public-access: ${flag} is false; must be true for bucket artifacts`]);
        });
    }

    it("does not credit one bucket's configurations to another", async () => {
        const [artifacts, encryption, block] = bucketWithConfigs("artifacts");
        const other = resource(AWS.s3Bucket, {}, { name: "other" });
        expect(await check([artifacts!, encryption!, block!, other])).to.have.length(2);
    });
});
