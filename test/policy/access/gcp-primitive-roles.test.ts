import { expect } from "chai";
import { gcpNoPrimitiveRoles } from "../../../policy/access/gcp-primitive-roles";
import { messagesOf, resource, violationsOf } from "../harness";

const SA = "serviceAccount:serving@p.iam.gserviceaccount.com";
const PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember";

describe("policy gcp-no-primitive-roles", () => {
    const check = async (type: string, props: Record<string, unknown>, config = {}) =>
        messagesOf(await violationsOf(gcpNoPrimitiveRoles, resource(type, props, { name: "grant" }), config));

    it("passes predefined roles on project, bucket and service grants", async () => {
        expect(await check(PROJECT_MEMBER, { project: "p", role: "roles/aiplatform.user", member: SA })).to.deep.equal([]);
        expect(await check("gcp:storage/bucketIAMMember:BucketIAMMember", { bucket: "b", role: "roles/storage.objectViewer", member: SA })).to.deep.equal([]);
        expect(await check("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", { name: "s", role: "roles/run.invoker", member: SA })).to.deep.equal([]);
    });

    it("denies roles/editor granted to our service account on the project", async () => {
        expect(await check(PROJECT_MEMBER, { project: "p", role: "roles/editor", member: SA }))
            .to.deep.equal([`grant: role is "roles/editor"; must not be one of roles/owner, roles/editor; grant a predefined role (granted to ${SA})`]);
    });

    it("denies roles/owner in a binding on any resource type", async () => {
        expect(await check("gcp:serviceaccount/iAMBinding:IAMBinding", { serviceAccountId: "x", role: "roles/owner", members: [SA] })).to.have.length(1);
        expect(await check("gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding", { repository: "r", role: "roles/owner", members: [SA] })).to.have.length(1);
    });

    it("denies a basic role in a project IAM policy document", async () => {
        const policyData = JSON.stringify({ bindings: [{ role: "roles/viewer", members: [SA] }, { role: "roles/owner", members: [SA] }] });
        expect(await check("gcp:projects/iAMPolicy:IAMPolicy", { project: "p", policyData }))
            .to.deep.equal([`grant: policyData.bindings[1].role is "roles/owner"; must not be one of roles/owner, roles/editor; grant a predefined role (granted to ${SA})`]);
    });

    it("honours a configured list, e.g. forbidding roles/viewer too", async () => {
        expect(await check(PROJECT_MEMBER, { project: "p", role: "roles/viewer", member: SA }, { forbiddenRoles: ["roles/owner", "roles/editor", "roles/viewer"] })).to.have.length(1);
    });

    it("still judges the role when the member's email is unknown at preview", async () => {
        expect(await check(PROJECT_MEMBER, { project: "p", role: "roles/editor", member: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }))
            .to.deep.equal(['grant: role is "roles/editor"; must not be one of roles/owner, roles/editor; grant a predefined role (granted to (unknown at preview))']);
    });
});
