import { expect } from "chai";
import { instanceTypeAllowList } from "../../../policy/cost/instance-types";
import { AWS, CROSS_CLOUD } from "../../../policy/lib/resource-types";
import { messagesOf, resource, violationsOf } from "../harness";

const sagemaker = (stage: string, instanceType: string) =>
    resource(AWS.sagemakerEndpointConfiguration, { productionVariants: [{ variantName: "AllTraffic", instanceType, initialInstanceCount: 1 }], tags: { stage } }, { name: "cfg" });
const vertex = (stage: string, machineSpec: Record<string, unknown>) =>
    resource(CROSS_CLOUD.dynamicResource, { endpoint: "e", minReplicaCount: 1, maxReplicaCount: 2, machineSpec, labels: { stage } }, { name: "vertex" });
const azure = (stage: string, instanceType: string) =>
    resource(CROSS_CLOUD.azureOnlineDeployment, { properties: { endpointComputeType: "Managed", instanceType }, sku: { name: "Default", capacity: 1 }, tags: { stage } }, { name: "aml" });

describe("policy instance-type-allow-list", () => {
    const check = async (subject: ReturnType<typeof sagemaker>, config = {}) => messagesOf(await violationsOf(instanceTypeAllowList, subject, config));

    it("passes the small CPU types our dev stacks use and the prod types our prod stacks use", async () => {
        for (const subject of [sagemaker("dev", "ml.m5.large"), vertex("dev", { machineType: "n1-standard-2" }), azure("dev", "Standard_DS2_v2"),
            sagemaker("prod", "ml.m5.xlarge"), vertex("prod", { machineType: "n1-standard-4" }), azure("prod", "Standard_DS3_v2"),
            vertex("prod", { machineType: "g2-standard-8", acceleratorType: "NVIDIA_L4", acceleratorCount: 1 })]) {
            expect(await check(subject), subject.type).to.deep.equal([]);
        }
    });

    it("denies a GPU instance in dev on SageMaker", async () => {
        const [message] = await check(sagemaker("dev", "ml.g5.xlarge"));
        expect(message).to.match(/^cfg: productionVariants\[0\]\.instanceType is "ml\.g5\.xlarge"; stage "dev" allows instance types ml\.t2\.\*, ml\.t3\.\*, /);
    });

    it("denies a large instance in dev on Azure, and a GPU accelerator in dev on Vertex", async () => {
        expect(await check(azure("dev", "Standard_DS5_v2"))).to.have.length(1);
        expect(await check(vertex("dev", { machineType: "n1-standard-4", acceleratorType: "NVIDIA_TESLA_T4", acceleratorCount: 1 })))
            .to.deep.equal(['vertex: machineSpec.acceleratorType is "NVIDIA_TESLA_T4"; stage "dev" allows no accelerators']);
    });

    it("denies training-class GPUs even in prod by default", async () => {
        expect(await check(sagemaker("prod", "ml.p4d.24xlarge"))).to.have.length(1);
        expect(await check(vertex("prod", { machineType: "a2-ultragpu-8g" }))).to.have.length(1);
        expect(await check(azure("prod", "Standard_ND96asr_v4"))).to.have.length(1);
    });

    it("applies the `default` list to a stage it does not name", async () => {
        expect(await check(sagemaker("qa", "ml.m5.4xlarge"))).to.have.length(1);
        expect(await check(sagemaker("qa", "ml.m5.4xlarge"), { instanceTypes: { default: ["ml.m5.*"] } })).to.deep.equal([]);
    });

    it("honours an organisation's smaller prod list", async () => {
        expect(await check(sagemaker("prod", "ml.m5.xlarge"), { instanceTypes: { prod: ["ml.c5.xlarge"] } }))
            .to.deep.equal(['cfg: productionVariants[0].instanceType is "ml.m5.xlarge"; stage "prod" allows instance types ml.c5.xlarge']);
    });
});
