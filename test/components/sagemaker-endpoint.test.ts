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

interface Statement { Sid: string; Effect: string; Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, string>> }

const T = {
    model: "aws:sagemaker/model:Model",
    config: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    endpoint: "aws:sagemaker/endpoint:Endpoint",
    rollout: "pulumi-nodejs:dynamic/ml-endpoints:SageMakerConfigRollout",
    scalingTarget: "aws:appautoscaling/target:Target",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;

const statementsOf = (resources: Awaited<ReturnType<typeof build>>["resources"]) =>
    JSON.parse(String(single(resources, T.rolePolicy).inputs["policy"])).Statement as Statement[];
const refuse = (args: Partial<SageMakerEndpointArgs>, message: RegExp) =>
    expect(() => new SageMakerEndpoint("bad", { ...PROD_ARGS, ...args })).to.throw(message);

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
        const statements = statementsOf(resources);
        expect(statements.flatMap((statement) => statement.Action).filter((action) => action.includes("*"))).to.deep.equal([]);
        const starResources = statements.filter((statement) => statement.Resource.includes("*"));
        // Both have no resource-level permissions (Service Authorization Reference); PutMetricData is scoped by its namespace instead.
        expect(starResources.map((statement) => statement.Action)).to.deep.equal([["ecr:GetAuthorizationToken"], ["cloudwatch:PutMetricData"]]);
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

    it("serves serverless in dev with no autoscaling, alarms, KMS key, network isolation or data capture", async () => {
        const { resources } = await build({ stage: "dev", model: MODEL, image: PROD_ARGS.image, serverless: { memorySizeMb: 2048, maxConcurrency: 5 } });
        const config = single(resources, "aws:sagemaker/endpointConfiguration:EndpointConfiguration");
        expect(input(config, "productionVariants", 0, "serverlessConfig")).to.deep.equal({ memorySizeInMb: 2048, maxConcurrency: 5 });
        expect(input(config, "productionVariants", 0, "initialInstanceCount")).to.equal(undefined);
        for (const type of ["aws:appautoscaling/target:Target", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:kms/key:Key"]) {
            expect(ofType(resources, type), type).to.have.length(0);
        }
        // Finding 1. SageMaker Developer Guide, "Serverless Inference" (feature exclusions): no network isolation, no data capture.
        expect(single(resources, T.model).inputs["enableNetworkIsolation"]).to.equal(false);
        expect(config.inputs["dataCaptureConfig"]).to.equal(undefined);
        expect(config.inputs["kmsKeyArn"]).to.equal(undefined);
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

    describe("what AWS refuses, refused first (issue #11)", () => {
        const SERVERLESS: Partial<SageMakerEndpointArgs> = { stage: "dev", serverless: {}, instanceType: undefined, scaling: undefined, rollout: undefined, monitoring: undefined };

        // Finding 1. "Serverless Inference", feature exclusions: VPC configuration, network isolation, data capture;
        // CreateEndpointConfig KmsKeyId encrypts "the storage volume attached to the ML compute instance" (serverless has none).
        it("refuses serverless with network isolation, data capture or a KMS key, naming the key", () => {
            refuse({ ...SERVERLESS, networkIsolation: true }, /networkIsolation true is not supported by SageMaker Serverless Inference/);
            refuse({ ...SERVERLESS, dataCapture: { enabled: true } }, /dataCapture.enabled true is not supported by SageMaker Serverless Inference/);
            refuse({ ...SERVERLESS, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" }, /kmsKeyArn encrypts the ML compute instance's storage volume/);
            refuse({ ...SERVERLESS, createKmsKey: true }, /createKmsKey true makes an ML storage volume key/);
        });

        // Finding 4. CreateEndpointConfig KmsKeyId: "If you specify a value for KmsKeyId when using any nitro-based
        // instances with local storage, the call to CreateEndpointConfig fails."
        it("refuses a KMS key (prod creates one by default) on local-NVMe instance types", async () => {
            refuse({ instanceType: "ml.m5d.xlarge" }, /instanceType ml\.m5d\.xlarge has local NVMe storage.*choose an EBS-only type \(e\.g\. ml\.m5\.xlarge\)/);
            refuse({ instanceType: "ml.g4dn.xlarge" }, /ml\.g4dn\.xlarge has local NVMe storage/);
            refuse({ instanceType: "ml.g5.2xlarge", createKmsKey: false, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" }, /ml\.g5\.2xlarge has local NVMe/);
            const { resources } = await build({ ...PROD_ARGS, instanceType: "ml.m5d.xlarge", createKmsKey: false });
            expect(single(resources, T.config).inputs["kmsKeyArn"]).to.equal(undefined);
        });

        // Finding 5. The container must match the instance's architecture (Graviton ml.*g* types are arm64).
        it("refuses an image built for another architecture than the instances", async () => {
            refuse({ imagePlatform: "linux/arm64" }, /instanceType ml\.m5\.xlarge runs linux\/amd64 containers, but the image is built for linux\/arm64/);
            refuse({ imagePlatform: "linux/amd64", instanceType: "ml.c7g.xlarge" }, /ml\.c7g\.xlarge runs linux\/arm64 containers/);
            refuse({ image: { platform: "linux/arm64" } }, /built for linux\/arm64/);
            const { resources } = await build({ ...PROD_ARGS, imagePlatform: "linux/arm64", instanceType: "ml.c7g.xlarge" });
            expect(input(single(resources, T.config), "productionVariants", 0, "instanceType")).to.equal("ml.c7g.xlarge");
        });

        // Findings 14–16. ProductionVariant InitialInstanceCount ≥ 1; "Use canary traffic shifting": canary ≤ 50%;
        // TrafficRoutingConfig WaitIntervalInSeconds 0–3600 (and terraform-provider-aws endpoint.go IntBetween(0, 3600)).
        it("refuses minInstances 0 on instances, a canary above 50% and a bake above 3600 s", () => {
            refuse({ scaling: { minInstances: 0, maxInstances: 4 } }, /scaling.minInstances 0 is not allowed on SageMaker instances/);
            refuse({ rollout: { strategy: "blue-green", canaryPercent: 60 } }, /rollout.canaryPercent 60 is above SageMaker's limit.*allowed: 1–50/);
            refuse({ rollout: { strategy: "blue-green", bakeSeconds: 3601 } }, /rollout.bakeSeconds 3601 is outside SageMaker's WaitIntervalInSeconds range; allowed: 0–3600/);
        });

        // Finding 17. SageMaker names: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62} (no trailing '-').
        it("never leaves a trailing dash when it cuts the default endpoint name to 63 characters", async () => {
            const model = { ...MODEL, name: `${"a".repeat(62)}-b` };
            const { resources } = await build({ ...PROD_ARGS, model });
            const name = String(single(resources, T.endpoint).inputs["name"]);
            expect(name).to.equal("a".repeat(62));
            expect(name).to.match(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
        });
    });

    describe("day 2: update, rollback and destroy (issue #11)", () => {
        // Finding 2. terraform-provider-aws internal/service/sagemaker/endpoint.go: `name` and
        // `deployment_config.auto_rollback_configuration` are ForceNew; with a fixed name a replacement collided.
        it("leaves the endpoint's config and deployment config to the rollout (one owner), so only a new name replaces it", async () => {
            const { resources } = await build(PROD_ARGS);
            const endpoint = single(resources, T.endpoint);
            expect(endpoint.options.ignoreChanges).to.have.members(["endpointConfigName", "deploymentConfig"]);
            const rollout = single(resources, T.rollout);
            expect(endpoint.dependencies, "the endpoint is deleted before the rollout retires its config").to.include(rollout.urn);
            expect(rollout.inputs).to.deep.include({ endpointName: "churn-classifier-prod", instanceType: "ml.m5.xlarge", autoscaled: true });
            const alarmNames = ofType(resources, T.alarm).map((alarm) => alarm.name);
            expect(input(rollout, "deploymentConfig", "AutoRollbackConfiguration", "Alarms")).to.deep.equal(alarmNames.map((AlarmName) => ({ AlarmName })));
            expect(input(rollout, "deploymentConfig", "BlueGreenUpdatePolicy", "TrafficRoutingConfiguration")).to.deep.equal({
                Type: "CANARY", CanarySize: { Type: "CAPACITY_PERCENT", Value: 10 }, WaitIntervalInSeconds: 600,
            });
        });

        // Finding 6. terraform-provider-aws#48997: after an auto-rollback Pulumi deleted what the endpoint still ran on.
        it("never lets Pulumi delete a model or endpoint config, and exports the config it asked for", async () => {
            const { resources, result } = await build(PROD_ARGS);
            expect(single(resources, T.model).options.retainOnDelete).to.equal(true);
            expect(single(resources, T.config).options.retainOnDelete).to.equal(true);
            const requested = await resolve((result as unknown as SageMakerEndpoint).endpointConfigName);
            expect(requested).to.equal(single(resources, T.config).name);
        });

        // Finding 3, step 1 of its refusal: min = max is a fixed fleet with no scalable target.
        it("registers no scalable target for a fixed fleet (minInstances = maxInstances)", async () => {
            const { resources } = await build({ ...PROD_ARGS, scaling: { minInstances: 3, maxInstances: 3 } });
            expect(ofType(resources, T.scalingTarget)).to.have.length(0);
            expect(single(resources, T.rollout).inputs["autoscaled"]).to.equal(false);
        });
    });

    describe("execution role and bucket (issue #11)", () => {
        // Finding 7. "Auto-Rollback Configuration and Monitoring": the execution role needs cloudwatch:DescribeAlarms on the rollback alarms.
        it("may describe the rollback alarms, by their ARNs only", async () => {
            const { resources } = await build(PROD_ARGS);
            const describe = statementsOf(resources).find((statement) => statement.Action.includes("cloudwatch:DescribeAlarms"))!;
            const alarmArns = ofType(resources, T.alarm).map((alarm) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarm.name}`);
            expect(describe.Resource).to.have.members(alarmArns);
            const { resources: allAtOnce } = await build({ ...PROD_ARGS, rollout: { strategy: "all-at-once" } });
            expect(statementsOf(allAtOnce).flatMap((statement) => statement.Action)).to.not.include("cloudwatch:DescribeAlarms");
        });

        // Finding 12. The role could read only its own prefix; a given artifact lives elsewhere.
        it("may read a given artifactUri object, and decrypt it with its SSE-KMS key", async () => {
            const { resources } = await build({
                ...PROD_ARGS,
                model: { name: "churn-classifier", version: "1.0.0", artifactUri: "s3://shared-models/churn/1.0.0/model.tar.gz" },
                artifactKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/shared",
            });
            const statements = statementsOf(resources);
            expect(statements.find((statement) => statement.Sid === "ReadModelArtifact")!.Resource).to.deep.equal(["arn:aws:s3:::shared-models/churn/1.0.0/model.tar.gz"]);
            expect(statements.find((statement) => statement.Sid === "DecryptModelArtifact")).to.deep.include({ Action: ["kms:Decrypt"], Resource: ["arn:aws:kms:us-east-1:123456789012:key/shared"] });
        });

        // Finding 13. "CreateModel API: Execution Role Permissions": cloudwatch:PutMetricData and logs:CreateLogGroup.
        it("has AWS's documented minimum: PutMetricData in the endpoint namespace only, CreateLogGroup on its own group", async () => {
            const statements = statementsOf((await build(PROD_ARGS)).resources);
            expect(statements.find((statement) => statement.Action.includes("cloudwatch:PutMetricData"))!.Condition)
                .to.deep.equal({ StringEquals: { "cloudwatch:namespace": "/aws/sagemaker/Endpoints" } });
            expect(statements.find((statement) => statement.Action.includes("logs:CreateLogGroup"))!.Resource)
                .to.deep.equal(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/churn-classifier-prod"]);
        });

        // Hardening. KMS Developer Guide, "kms:GrantIsForAWSResource"; IAM "The confused deputy problem"; S3 "aws:SecureTransport".
        it("grants on its key only for AWS resources, trusts SageMaker for this account only, and denies plain HTTP to its bucket", async () => {
            const { resources } = await build(PROD_ARGS);
            const grant = statementsOf(resources).find((statement) => statement.Action.includes("kms:CreateGrant"))!;
            expect(grant.Condition).to.deep.equal({ Bool: { "kms:GrantIsForAWSResource": "true" } });
            const trust = JSON.parse(String(single(resources, T.role).inputs["assumeRolePolicy"])).Statement[0];
            expect(trust.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": "123456789012" } });
            const policy = JSON.parse(String(single(resources, T.bucketPolicy).inputs["policy"])).Statement[0];
            expect(policy).to.deep.include({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
            expect(policy.Resource).to.deep.equal(["arn:aws:s3:::sm-artifacts", "arn:aws:s3:::sm-artifacts/*"]);
        });
    });
});
