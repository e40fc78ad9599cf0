import { expect } from "chai";
import { prodCloudRunNotPublic } from "../../../policy/access/cloudrun";
import { GCP } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

// IAM resources carry no labels: their stage is the stack's, read from the URN.
const compliantMember = { name: "churn-classifier-prod", location: "us-central1", role: "roles/run.invoker", member: "group:ml-platform@example.com" };
const compliantBinding = { name: "churn-classifier-prod", location: "us-central1", role: "roles/run.invoker", members: ["group:ml-platform@example.com", "serviceAccount:ci@p.iam.gserviceaccount.com"] };
const compliantPolicy = { name: "churn-classifier-prod", location: "us-central1", policyData: JSON.stringify({ bindings: [{ role: "roles/run.invoker", members: ["user:ana@example.com"] }] }) };
const compliantService = { name: "churn-classifier-prod", labels: { stage: "prod" }, ingress: "INGRESS_TRAFFIC_ALL", invokerIamDisabled: false };

const inProd = (type: string, props: object, name = "subject") => resource(type, props as Record<string, unknown>, { stack: "prod", name });

describe("policy prod-cloudrun-not-public", () => {
    const policy = prodCloudRunNotPublic;

    it("passes named invokers granted by member, binding and policy, v2 and v1, and a service with its IAM check on", async () => {
        expect(await violationsOf(policy, [
            inProd(GCP.cloudRunServiceIamMember, compliantMember),
            inProd(GCP.cloudRunV1IamMember, compliantMember),
            inProd(GCP.cloudRunServiceIamBinding, compliantBinding),
            inProd(GCP.cloudRunV1IamBinding, compliantBinding),
            inProd(GCP.cloudRunServiceIamPolicy, compliantPolicy),
            inProd(GCP.cloudRunService, compliantService),
        ])).to.deep.equal([]);
    });

    it("denies allUsers as a member in prod, naming the property, value and role", async () => {
        const props = mutate(compliantMember, (member) => { member.member = "allUsers"; });
        const violations = await violationsOf(policy, inProd(GCP.cloudRunServiceIamMember, props, "cloudrun-invoker-allusers"));
        expect(violations).to.have.length(1);
        expect(violations[0]).to.include({ policy: "prod-cloudrun-not-public", level: "mandatory", resource: "cloudrun-invoker-allusers" });
        expect(violations[0]!.message).to.equal('cloudrun-invoker-allusers: member is "allUsers"; production services must not be invocable by allUsers or allAuthenticatedUsers; grant roles/run.invoker to named principals (role roles/run.invoker)');
    });

    it("denies allAuthenticatedUsers through the v1 API too", async () => {
        const props = mutate(compliantMember, (member) => { member.member = "allAuthenticatedUsers"; });
        const [violation] = await violationsOf(policy, inProd(GCP.cloudRunV1IamMember, props));
        expect(violation?.message).to.match(/^subject: member is "allAuthenticatedUsers"; /);
    });

    it("denies a public member inside a binding", async () => {
        const props = mutate(compliantBinding, (binding) => { binding.members.push("allUsers"); });
        const [violation] = await violationsOf(policy, inProd(GCP.cloudRunServiceIamBinding, props));
        expect(violation?.message).to.match(/^subject: members\[2\] is "allUsers"; /);
    });

    it("denies a public member inside a whole IAM policy", async () => {
        const props = mutate(compliantPolicy, (policyProps) => {
            policyProps.policyData = JSON.stringify({ bindings: [{ role: "roles/run.invoker", members: ["user:ana@example.com", "allUsers"] }] });
        });
        const [violation] = await violationsOf(policy, inProd(GCP.cloudRunServiceIamPolicy, props));
        expect(violation?.message).to.match(/^subject: policyData\.bindings\[0\]\.members\[1\] is "allUsers"; /);
    });

    it("denies a prod service with the invoker IAM check disabled", async () => {
        const props = mutate(compliantService, (service) => { service.invokerIamDisabled = true; });
        const [violation] = await violationsOf(policy, inProd(GCP.cloudRunService, props));
        expect(violation?.message).to.match(/^subject: invokerIamDisabled is true; /);
    });

    it("allows allUsers outside production", async () => {
        const props = mutate(compliantMember, (member) => { member.member = "allUsers"; });
        expect(await violationsOf(policy, resource(GCP.cloudRunServiceIamMember, props, { stack: "dev" }))).to.deep.equal([]);
    });
});
