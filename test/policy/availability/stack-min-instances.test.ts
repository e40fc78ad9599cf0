import { expect } from "chai";
import { prodStackMinServingInstances } from "../../../policy/availability/stack-min-instances";
import { AWS, CROSS_CLOUD } from "../../../policy/lib/resource-types";
import type { OfflineResource } from "../../../policy/offline";
import { messagesOf, mutate, resource, violationsOf } from "../harness";

// A prod stack with one target on every cloud, each at 2 standing instances; each test lowers one.
const tags = { stage: "prod", "managed-by": "ml-endpoints", model: "churn" };
const labels = { stage: "prod", "managed-by": "ml-endpoints", model: "churn" };
const baseline = {
    sagemakerConfig: { productionVariants: [{ variantName: "AllTraffic", instanceType: "ml.m5.xlarge", initialInstanceCount: 2 }], tags },
    sagemakerScaling: { serviceNamespace: "sagemaker", minCapacity: 2, maxCapacity: 10, tags },
    lambdaFunction: { packageType: "Image", imageUri: "repo@sha256:abc", tags },
    lambdaProvisioned: { functionName: "churn-prod", qualifier: "live", provisionedConcurrentExecutions: 2 },
    vertex: { endpoint: "projects/p/locations/r/endpoints/1", machineType: "n1-standard-4", minReplicaCount: 2, maxReplicaCount: 10, labels },
    cloudRun: { template: { scaling: { minInstanceCount: 2, maxInstanceCount: 20 }, containers: [{ image: "img@sha256:abc" }] }, labels },
    azureDeployment: { sku: { name: "Default", capacity: 3 }, properties: { instanceType: "Standard_DS3_v2" }, tags },
    azureAutoscale: { profiles: [{ name: "default", capacity: { minimum: "3", maximum: "10", default: "3" } }], tags },
};
type Baseline = typeof baseline;

function stackOf(props: Baseline): OfflineResource[] {
    const lambdaTarget = resource("ml-endpoints:aws:LambdaEndpoint", {}, { name: "lambda", stack: "prod" });
    return [
        resource(AWS.sagemakerEndpointConfiguration, props.sagemakerConfig, { name: "sm-config" }),
        resource(AWS.appautoscalingTarget, props.sagemakerScaling, { name: "sm-scaling" }),
        lambdaTarget,
        resource(AWS.lambdaFunction, props.lambdaFunction, { name: "fn", parent: lambdaTarget }),
        resource(AWS.lambdaProvisionedConcurrency, props.lambdaProvisioned, { name: "fn-provisioned", stack: "prod", parent: lambdaTarget }),
        resource(CROSS_CLOUD.dynamicResource, props.vertex, { name: "vertex-deployment" }),
        resource(CROSS_CLOUD.gcpCloudRunService, props.cloudRun, { name: "run" }),
        resource(CROSS_CLOUD.azureOnlineDeployment, props.azureDeployment, { name: "aml-deployment" }),
        resource(CROSS_CLOUD.azureAutoscaleSetting, props.azureAutoscale, { name: "aml-autoscale" }),
    ];
}

async function messagesFor(change: (copy: Baseline) => void, config = {}) {
    return messagesOf(await violationsOf(prodStackMinServingInstances, stackOf(mutate(baseline, change)), config));
}

describe("policy prod-stack-min-serving-instances", () => {
    it("passes a prod stack whose every target keeps 2 or more standing instances", async () => {
        expect(await violationsOf(prodStackMinServingInstances, stackOf(baseline))).to.deep.equal([]);
    });

    const required = "production requires at least 2 serving instances on every target";
    const cases: [string, (copy: Baseline) => void, string][] = [
        ["a SageMaker variant with 1 instance", (s) => { s.sagemakerConfig.productionVariants[0]!.initialInstanceCount = 1; }, `sm-config: productionVariants[0].initialInstanceCount is 1; ${required}`],
        ["a SageMaker autoscaling minimum of 1", (s) => { s.sagemakerScaling.minCapacity = 1; }, `sm-scaling: minCapacity is 1; ${required}`],
        ["Lambda provisioned concurrency of 1", (s) => { s.lambdaProvisioned.provisionedConcurrentExecutions = 1; }, `fn-provisioned: provisionedConcurrentExecutions is 1; ${required}`],
        ["a Vertex deployment with 1 replica", (s) => { s.vertex.minReplicaCount = 1; }, `vertex-deployment: minReplicaCount is 1; ${required}`],
        ["Cloud Run scaling to zero", (s) => { s.cloudRun.template.scaling.minInstanceCount = 0; }, `run: template.scaling.minInstanceCount is 0; ${required}`],
        ["an Azure ML deployment with capacity 1", (s) => { s.azureDeployment.sku.capacity = 1; }, `aml-deployment: sku.capacity is 1; ${required}`],
        ["an Azure autoscale minimum of 1", (s) => { s.azureAutoscale.profiles[0]!.capacity.minimum = "1"; }, `aml-autoscale: profiles[0].capacity.minimum is "1"; ${required}`],
    ];
    for (const [what, change, message] of cases) {
        it(`denies ${what}`, async () => {
            expect(await messagesFor(change)).to.deep.equal([message]);
        });
    }

    it("denies Cloud Run with no minimum at all (it scales to zero by default)", async () => {
        expect(await messagesFor((s) => { delete (s.cloudRun.template as { scaling?: unknown }).scaling; }))
            .to.deep.equal([`run: template.scaling.minInstanceCount is not set; ${required}`]);
    });

    it("denies a prod Lambda target with no provisioned concurrency on its alias", async () => {
        const stack = stackOf(baseline).filter((found) => found.type !== AWS.lambdaProvisionedConcurrency);
        expect(messagesOf(await violationsOf(prodStackMinServingInstances, stack)))
            .to.deep.equal([`fn: provisioned concurrency is not set; ${required}; add a ProvisionedConcurrencyConfig on its alias`]);
    });

    it("ignores targets outside production, and honours a configured minimum and stages", async () => {
        const dev = (s: Baseline) => { s.sagemakerConfig.tags = { ...tags, stage: "dev" }; s.sagemakerConfig.productionVariants[0]!.initialInstanceCount = 1; };
        expect(await messagesFor(dev)).to.deep.equal([]);
        expect(await messagesFor(dev, { productionStages: ["prod", "dev"] })).to.have.length(1);
        // Azure runs 3; every other target runs 2.
        expect(await messagesFor(() => undefined, { minInstances: 3 })).to.have.length(5);
    });

    it("identifies the Vertex deployment by its props, not every dynamic resource", async () => {
        const other = resource(CROSS_CLOUD.dynamicResource, { minReplicaCount: 0, labels }, { name: "unrelated" });
        expect(await violationsOf(prodStackMinServingInstances, [...stackOf(baseline), other])).to.deep.equal([]);
    });
});
