import { expect } from "chai";
import { gcsBucketsNotPublic, gcsBucketsPrivate } from "../../../policy/encryption/gcs-buckets";
import { CROSS_CLOUD } from "../../../policy/lib/resource-types";
import { messagesOf, mutate, resource, violationsOf } from "../harness";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const compliantBucket = { location: "US", uniformBucketLevelAccess: true, publicAccessPrevention: "enforced", labels: { stage: "prod" } };

describe("policy gcs-buckets-private", () => {
    const check = async (props: object) => messagesOf(await violationsOf(gcsBucketsPrivate, resource(CROSS_CLOUD.gcpStorageBucket, props as Record<string, unknown>, { name: "models" })));

    it("passes a bucket with uniform access and public access prevention enforced", async () => {
        expect(await check(compliantBucket)).to.deep.equal([]);
    });

    it("denies fine-grained (ACL) access", async () => {
        expect(await check(mutate(compliantBucket, (bucket) => { bucket.uniformBucketLevelAccess = false; })))
            .to.deep.equal(["models: uniformBucketLevelAccess is false; must be true"]);
    });

    it("denies public access prevention left to inherit", async () => {
        expect(await check(mutate(compliantBucket, (bucket) => { bucket.publicAccessPrevention = "inherited"; })))
            .to.deep.equal(['models: publicAccessPrevention is "inherited"; must be "enforced"']);
    });
});

describe("policy gcs-buckets-not-public", () => {
    const check = async (type: string, props: object) => messagesOf(await violationsOf(gcsBucketsNotPublic, resource(type, props as Record<string, unknown>, { name: "grant" })));
    const MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember";
    const BINDING = "gcp:storage/bucketIAMBinding:BucketIAMBinding";
    const POLICY = "gcp:storage/bucketIAMPolicy:BucketIAMPolicy";

    it("passes grants to named identities, including one whose email is unknown at preview", async () => {
        expect(await check(MEMBER, { bucket: "b", role: "roles/storage.objectViewer", member: "serviceAccount:sa@p.iam.gserviceaccount.com" })).to.deep.equal([]);
        expect(await check(MEMBER, { bucket: "b", role: "roles/storage.objectViewer", member: UNKNOWN })).to.deep.equal([]);
        expect(await check(BINDING, { bucket: "b", role: "roles/storage.objectViewer", members: ["group:ml@example.com", UNKNOWN] })).to.deep.equal([]);
    });

    it("denies a member grant to allUsers", async () => {
        expect(await check(MEMBER, { bucket: "b", role: "roles/storage.objectViewer", member: "allUsers" }))
            .to.deep.equal(['grant: member is "allUsers"; must not be one of allUsers, allAuthenticatedUsers']);
    });

    it("denies a binding that includes allAuthenticatedUsers", async () => {
        expect(await check(BINDING, { bucket: "b", role: "roles/storage.objectViewer", members: ["group:ml@example.com", "allAuthenticatedUsers"] }))
            .to.deep.equal(['grant: members[1] is "allAuthenticatedUsers"; must not be one of allUsers, allAuthenticatedUsers']);
    });

    it("denies a bucket IAM policy document with a public binding", async () => {
        const policyData = JSON.stringify({ bindings: [{ role: "roles/storage.objectViewer", members: ["allUsers"] }] });
        expect(await check(POLICY, { bucket: "b", policyData }))
            .to.deep.equal(['grant: policyData.bindings[0].members[0] is "allUsers"; must not be one of allUsers, allAuthenticatedUsers']);
    });
});
