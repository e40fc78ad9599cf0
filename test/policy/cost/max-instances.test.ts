import { expect } from "chai";
import { maxInstancesCap } from "../../../policy/cost/max-instances";
import { AWS, CROSS_CLOUD } from "../../../policy/lib/resource-types";
import type { OfflineResource } from "../../../policy/offline";
import { messagesOf, resource, violationsOf } from "../harness";

const scalingTarget = (stage: string, maxCapacity: number) => resource(AWS.appautoscalingTarget, { serviceNamespace: "sagemaker", minCapacity: 1, maxCapacity, tags: { stage } }, { name: "scaling" });

describe("policy max-instances-cap", () => {
    const check = async (subject: OfflineResource, config = {}) => messagesOf(await violationsOf(maxInstancesCap, subject, config));

    it("passes maximums within each stage's cap (dev 4, staging 10, prod 20)", async () => {
        expect(await check(scalingTarget("dev", 4))).to.deep.equal([]);
        expect(await check(scalingTarget("staging", 10))).to.deep.equal([]);
        expect(await check(scalingTarget("prod", 20))).to.deep.equal([]);
    });

    it("denies a dev SageMaker autoscaling maximum above the cap", async () => {
        expect(await check(scalingTarget("dev", 10))).to.deep.equal(['scaling: maxCapacity is 10; stage "dev" allows at most 4']);
    });

    it("denies a prod Cloud Run maximum, Vertex maximum and Azure autoscale maximum above the cap", async () => {
        expect(await check(resource(CROSS_CLOUD.gcpCloudRunService, { template: { scaling: { minInstanceCount: 2, maxInstanceCount: 100 } }, labels: { stage: "prod" } }, { name: "run" })))
            .to.deep.equal(['run: template.scaling.maxInstanceCount is 100; stage "prod" allows at most 20']);
        expect(await check(resource(CROSS_CLOUD.dynamicResource, { endpoint: "e", machineType: "n1-standard-4", minReplicaCount: 2, maxReplicaCount: 50, labels: { stage: "prod" } }, { name: "vertex" })))
            .to.deep.equal(['vertex: maxReplicaCount is 50; stage "prod" allows at most 20']);
        expect(await check(resource(CROSS_CLOUD.azureAutoscaleSetting, { profiles: [{ capacity: { minimum: "3", maximum: "30", default: "3" } }], tags: { stage: "prod" } }, { name: "autoscale" })))
            .to.deep.equal(['autoscale: profiles[0].capacity.maximum is "30"; stage "prod" allows at most 20']);
    });

    it("caps fixed instance counts where there is no autoscaling", async () => {
        const config = resource(AWS.sagemakerEndpointConfiguration, { productionVariants: [{ instanceType: "ml.m5.large", initialInstanceCount: 6 }], tags: { stage: "dev" } }, { name: "cfg" });
        expect(await check(config)).to.deep.equal(['cfg: productionVariants[0].initialInstanceCount is 6; stage "dev" allows at most 4']);
    });

    it("honours configured caps", async () => {
        expect(await check(scalingTarget("prod", 20), { maxInstances: { prod: 8 } })).to.have.length(1);
        expect(await check(scalingTarget("dev", 10), { maxInstances: { dev: 10 } })).to.deep.equal([]);
    });
});
