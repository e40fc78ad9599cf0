import { expect } from "chai";
import { AWS, CROSS_CLOUD } from "../../../policy/lib/resource-types";
import { requiredTags } from "../../../policy/tagging/required-tags";
import { messagesOf, resource, violationsOf } from "../harness";

const TAGS = { stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier" };
const REQUIRED = "required: stage, managed-by, model";

describe("policy required-tags", () => {
    const check = async (type: string, props: Record<string, unknown>, config = {}) =>
        messagesOf(await violationsOf(requiredTags, resource(type, props, { name: "subject" }), config));

    it("passes tagged resources on all three clouds (tags on AWS and Azure, labels on GCP, userLabels on alert policies)", async () => {
        expect(await check(AWS.sagemakerEndpoint, { tags: TAGS })).to.deep.equal([]);
        expect(await check(CROSS_CLOUD.gcpCloudRunService, { labels: TAGS })).to.deep.equal([]);
        expect(await check("gcp:monitoring/alertPolicy:AlertPolicy", { userLabels: TAGS })).to.deep.equal([]);
        expect(await check(CROSS_CLOUD.azureOnlineDeployment, { tags: TAGS })).to.deep.equal([]);
    });

    it("denies a taggable AWS resource with no tags at all", async () => {
        expect(await check(AWS.s3Bucket, {})).to.deep.equal([`subject: tags is not set; missing stage, managed-by, model; ${REQUIRED}`]);
    });

    it("denies a GCP resource missing one label, naming the labels it has", async () => {
        expect(await check(CROSS_CLOUD.gcpStorageBucket, { labels: { stage: "prod", "managed-by": "ml-endpoints" } }))
            .to.deep.equal([`subject: labels is ["managed-by","stage"]; missing model; ${REQUIRED}`]);
    });

    it("denies an Azure resource whose required tag is empty", async () => {
        expect(await check("azure-native:machinelearningservices:Workspace", { tags: { ...TAGS, model: "" } }))
            .to.deep.equal([`subject: tags is ["managed-by","model","stage"]; missing model; ${REQUIRED}`]);
    });

    it("checks a type the table does not list once it carries a tag map, and skips untaggable ones", async () => {
        expect(await check("aws:s3/bucketObjectv2:BucketObjectv2", { tags: { stage: "prod" } })).to.have.length(1);
        expect(await check("aws:iam/rolePolicy:RolePolicy", { policy: "{}" })).to.deep.equal([]);
        expect(await check("pulumi:providers:aws", { region: "us-east-1" })).to.deep.equal([]);
    });

    it("honours an organisation's extra required tags", async () => {
        expect(await check(AWS.sagemakerEndpoint, { tags: TAGS }, { requiredTags: ["stage", "managed-by", "model", "cost-center"] }))
            .to.deep.equal(['subject: tags is ["managed-by","model","stage"]; missing cost-center; required: stage, managed-by, model, cost-center']);
    });
});
