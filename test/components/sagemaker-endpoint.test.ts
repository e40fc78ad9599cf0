import { expect } from "chai";
import { SageMakerEndpoint, SageMakerEndpointArgs } from "../../components/aws/sagemaker-endpoint";
import { input, ofType, single } from "../harness/query";
import { recordResources, resolve } from "../harness/run-program";

const MODEL = { name: "churn-classifier", version: "1.0.0", path: "app/model" };
const PROD_ARGS: SageMakerEndpointArgs = {
    stage: "prod",
    model: MODEL,
    image: { uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/serving@sha256:" + "a".repeat(64) },
    instanceType: "ml.m5.xlarge",
    scaling: { minInstances: 2, maxInstances: 10, targetLoadPerInstance: 70 },
    rollout: { strategy: "blue-green", canaryPercent: 10, bakeSeconds: 600 },
    monitoring: { alarms: true },
};

async function build(args: SageMakerEndpointArgs) {
    return recordResources("test", () => new SageMakerEndpoint("sm", args));
}

interface Statement { Sid: string; Action: string[]; Resource: string[] }

describe("SageMakerEndpoint", () => {
    it("builds a 2–10 instance variant with target tracking on invocations per instance", async () => {
        const { resources } = await build(PROD_ARGS);
        const config = single(resources, "aws:sagemaker/endpointConfiguration:EndpointConfiguration");
        expect(input(config, "productionVariants", 0, "instanceType")).to.equal("ml.m5.xlarge");
        expect(input(config, "productionVariants", 0, "initialInstanceCount")).to.equal(2);
        const target = single(resources, "aws:appautoscaling/target:Target");
        expect(target.inputs).to.include({ minCapacity: 2, maxCapacity: 10, scalableDimension: "sagemaker:variant:DesiredInstanceCount" });
        expect(target.inputs["resourceId"]).to.equal("endpoint/churn-classifier-prod/variant/AllTraffic");
        const policy = single(resources, "aws:appautoscaling/policy:Policy");
        expect(input(policy, "targetTrackingScalingPolicyConfiguration", "predefinedMetricSpecification", "predefinedMetricType"))
            .to.equal("SageMakerVariantInvocationsPerInstance");
        expect(input(policy, "targetTrackingScalingPolicyConfiguration", "targetValue")).to.equal(70);
    });

    it("grants its role no wildcard actions, and only the one resource-less ECR action on *", async () => {
        const { resources } = await build({ ...PROD_ARGS, image: undefined });
        const statements = JSON.parse(String(single(resources, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])).Statement as Statement[];
        expect(statements.flatMap((statement) => statement.Action).filter((action) => action.includes("*"))).to.deep.equal([]);
        const starResources = statements.filter((statement) => statement.Resource.includes("*"));
        expect(starResources.map((statement) => statement.Action)).to.deep.equal([["ecr:GetAuthorizationToken"]]);
        const read = statements.find((statement) => statement.Sid === "ReadModelArtifact")!;
        // Every version and content of the model, so a rolled-back endpoint can still load an earlier artifact.
        expect(read.Resource).to.deep.equal(["arn:aws:s3:::sm-artifacts/models/churn-classifier/*"]);
    });

    it("keeps the artifact bucket private, versioned and encrypted with the endpoint's KMS key in prod", async () => {
        const { resources } = await build(PROD_ARGS);
        expect(single(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).to.include({
            blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        });
        expect(input(single(resources, "aws:s3/bucketVersioning:BucketVersioning"), "versioningConfiguration", "status")).to.equal("Enabled");
        const encryption = single(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        expect(input(encryption, "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm")).to.equal("aws:kms");
        const key = single(resources, "aws:kms/key:Key");
        expect(key.inputs["enableKeyRotation"]).to.equal(true);
        expect(single(resources, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs["kmsKeyArn"]).to.match(/^arn:aws:kms:/);
    });

    it("rolls out blue/green with a canary and rolls back on its own alarms", async () => {
        const { resources } = await build(PROD_ARGS);
        const endpoint = single(resources, "aws:sagemaker/endpoint:Endpoint");
        expect(input(endpoint, "deploymentConfig", "blueGreenUpdatePolicy", "trafficRoutingConfiguration")).to.deep.equal({
            type: "CANARY", canarySize: { type: "CAPACITY_PERCENT", value: 10 }, waitIntervalInSeconds: 600,
        });
        const alarmNames = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").map((alarm) => alarm.inputs["name"] ?? alarm.name);
        expect(alarmNames).to.have.length(2);
        const rollbackAlarms = (input(endpoint, "deploymentConfig", "autoRollbackConfiguration", "alarms") as { alarmName: string }[]).map((alarm) => alarm.alarmName);
        expect(rollbackAlarms).to.have.members(alarmNames as string[]);
    });

    it("serves serverless in dev with no autoscaling, alarms or KMS key", async () => {
        const { resources } = await build({ stage: "dev", model: MODEL, image: PROD_ARGS.image, serverless: { memorySizeMb: 2048, maxConcurrency: 5 } });
        const config = single(resources, "aws:sagemaker/endpointConfiguration:EndpointConfiguration");
        expect(input(config, "productionVariants", 0, "serverlessConfig")).to.deep.equal({ memorySizeInMb: 2048, maxConcurrency: 5 });
        expect(input(config, "productionVariants", 0, "initialInstanceCount")).to.equal(undefined);
        for (const type of ["aws:appautoscaling/target:Target", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:kms/key:Key"]) {
            expect(ofType(resources, type), type).to.have.length(0);
        }
    });

    it("tags every taggable child with stage, managed-by and model, and parents every child on itself", async () => {
        const { resources } = await build({ ...PROD_ARGS, tags: { team: "ml", stage: "overridden?" } });
        const children = resources.filter((resource) => resource.custom);
        expect(children.every((resource) => resource.parent === "sm"), "every child's parent is the component").to.equal(true);
        const tagged = children.filter((resource) => "tags" in resource.inputs);
        expect(tagged.length).to.be.greaterThan(8);
        for (const resource of tagged) {
            expect(resource.inputs["tags"], resource.name).to.include({ stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier", team: "ml" });
        }
    });

    it("exposes the endpoint name, ARN, model name and image digest", async () => {
        const { result } = await build(PROD_ARGS);
        const endpoint = result as unknown as SageMakerEndpoint;
        const [name, arn, digest] = await Promise.all([resolve(endpoint.endpointName), resolve(endpoint.endpointArn), resolve(endpoint.imageDigest)]);
        expect(name).to.equal("churn-classifier-prod");
        expect(arn).to.equal("arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-classifier-prod");
        expect(digest).to.match(/@sha256:[0-9a-f]{64}$/);
    });

    it("refuses contradictory args with a message naming the field", () => {
        expect(() => new SageMakerEndpoint("bad", { ...PROD_ARGS, scaling: { minInstances: 3, maxInstances: 2 } }))
            .to.throw(/scaling.minInstances 3 is greater than maxInstances 2/);
        expect(() => new SageMakerEndpoint("bad2", { ...PROD_ARGS, model: { name: "m", version: "1", path: "/nonexistent" } }))
            .to.throw(/model.path "\/nonexistent" is not a directory/);
        expect(() => new SageMakerEndpoint("bad3", { ...PROD_ARGS, auth: "none" }))
            .to.throw(/auth "none" is not offered by this target; allowed: iam/);
    });
});
