import { expect } from "chai";
import { prodSageMakerMinInstances } from "../../../policy/availability/sagemaker";
import { AWS } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

const PROD_TAGS = { stage: "prod", "managed-by": "ml-endpoints", model: "churn" };
const compliantConfig = {
    productionVariants: [{ variantName: "AllTraffic", modelName: "m", instanceType: "ml.m5.xlarge", initialInstanceCount: 2 }],
    tags: PROD_TAGS,
};
const compliantScalingTarget = {
    serviceNamespace: "sagemaker",
    scalableDimension: "sagemaker:variant:DesiredInstanceCount",
    resourceId: "endpoint/churn-prod/variant/AllTraffic",
    minCapacity: 2,
    maxCapacity: 10,
    tags: PROD_TAGS,
};

describe("policy prod-sagemaker-min-instances", () => {
    const policy = prodSageMakerMinInstances;

    it("passes a compliant prod endpoint config and scaling target", async () => {
        expect(await violationsOf(policy, [
            resource(AWS.sagemakerEndpointConfiguration, compliantConfig),
            resource(AWS.appautoscalingTarget, compliantScalingTarget),
        ])).to.deep.equal([]);
    });

    it("denies a prod variant with one instance, naming the property and the values", async () => {
        const props = mutate(compliantConfig, (config) => { config.productionVariants[0]!.initialInstanceCount = 1; });
        const violations = await violationsOf(policy, resource(AWS.sagemakerEndpointConfiguration, props, { name: "sm-config" }));
        expect(violations).to.have.length(1);
        expect(violations[0]).to.include({ policy: "prod-sagemaker-min-instances", level: "mandatory", resource: "sm-config" });
        expect(violations[0]!.message).to.equal("sm-config: productionVariants[0].initialInstanceCount is 1; production requires at least 2");
    });

    it("denies serverless inference in prod", async () => {
        const props = mutate(compliantConfig, (config) => {
            (config.productionVariants[0] as Record<string, unknown>) = { variantName: "AllTraffic", serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 } };
        });
        const [violation] = await violationsOf(policy, resource(AWS.sagemakerEndpointConfiguration, props));
        expect(violation?.message).to.match(/serverlessConfig is "serverless"; production requires at least 2 standing instances/);
    });

    it("denies an autoscaling minimum below 2 in prod", async () => {
        const props = mutate(compliantScalingTarget, (target) => { target.minCapacity = 1; });
        const [violation] = await violationsOf(policy, resource(AWS.appautoscalingTarget, props));
        expect(violation?.message).to.equal("subject: minCapacity is 1; production requires at least 2");
    });

    it("ignores dev, reading the stage from the tag before the stack name", async () => {
        const dev = mutate(compliantConfig, (config) => { config.productionVariants[0]!.initialInstanceCount = 1; config.tags.stage = "dev"; });
        expect(await violationsOf(policy, resource(AWS.sagemakerEndpointConfiguration, dev, { stack: "prod" }))).to.deep.equal([]);
        const untagged = mutate(compliantConfig, (config) => { config.productionVariants[0]!.initialInstanceCount = 1; delete (config as { tags?: unknown }).tags; });
        expect(await violationsOf(policy, resource(AWS.sagemakerEndpointConfiguration, untagged, { stack: "prod" }))).to.have.length(1);
    });

    it("honours configured production stages and minimum", async () => {
        const staging = mutate(compliantConfig, (config) => { config.tags.stage = "staging"; });
        expect(await violationsOf(policy, resource(AWS.sagemakerEndpointConfiguration, staging), { productionStages: ["prod", "staging"], minInstances: 3 }))
            .to.have.length(1);
    });

    it("reports an instance count unknown at preview as advisory, like the CLI", async () => {
        const props = mutate(compliantConfig, (config) => {
            (config.productionVariants[0] as Record<string, unknown>)["initialInstanceCount"] = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
        });
        const [violation] = await violationsOf(policy, resource(AWS.sagemakerEndpointConfiguration, props));
        expect(violation).to.include({ level: "advisory" });
        expect(violation?.message).to.match(/can't run policy 'prod-sagemaker-min-instances' during preview: number value at \.productionVariants\.0\.initialInstanceCount/);
    });
});
