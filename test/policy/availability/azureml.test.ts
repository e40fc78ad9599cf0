import { expect } from "chai";
import { prodAzureMlMinInstances } from "../../../policy/availability/azureml";
import { AZURE } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

const PROD_TAGS = { stage: "prod", "managed-by": "ml-endpoints", model: "churn" };
const DEPLOYMENT_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/churn-prod/deployments/blue";
const compliantDeployment = {
    endpointName: "churn-prod",
    deploymentName: "blue",
    sku: { name: "Default", capacity: 3 },
    properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2" },
    tags: PROD_TAGS,
};
// Azure's autoscale capacities are strings.
const compliantAutoscale = {
    targetResourceUri: DEPLOYMENT_ID,
    profiles: [{ name: "cpu", capacity: { minimum: "3", maximum: "10", default: "3" }, rules: [] }],
    tags: PROD_TAGS,
};

describe("policy prod-azureml-min-instances", () => {
    const policy = prodAzureMlMinInstances;

    it("passes a compliant prod deployment and autoscale setting", async () => {
        expect(await violationsOf(policy, [
            resource(AZURE.onlineDeployment, compliantDeployment),
            resource(AZURE.autoscaleSetting, compliantAutoscale),
        ])).to.deep.equal([]);
    });

    it("denies a prod deployment with one instance, naming the property and the values", async () => {
        const props = mutate(compliantDeployment, (deployment) => { deployment.sku.capacity = 1; });
        const violations = await violationsOf(policy, resource(AZURE.onlineDeployment, props, { name: "azureml-blue" }));
        expect(violations).to.have.length(1);
        expect(violations[0]).to.include({ policy: "prod-azureml-min-instances", level: "mandatory", resource: "azureml-blue" });
        expect(violations[0]!.message).to.equal("azureml-blue: sku.capacity is 1; production requires at least 2");
    });

    it("denies a prod autoscale minimum of 1, read from Azure's string capacity", async () => {
        const props = mutate(compliantAutoscale, (setting) => { setting.profiles[0]!.capacity.minimum = "1"; });
        const [violation] = await violationsOf(policy, resource(AZURE.autoscaleSetting, props));
        expect(violation?.message).to.equal('subject: profiles[0].capacity.minimum is "1"; production requires at least 2');
    });

    it("ignores autoscale settings known to target something else, and judges those whose target is unknown at preview", async () => {
        const elsewhere = mutate(compliantAutoscale, (setting) => {
            setting.profiles[0]!.capacity.minimum = "1";
            setting.targetResourceUri = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan";
        });
        expect(await violationsOf(policy, resource(AZURE.autoscaleSetting, elsewhere))).to.deep.equal([]);
        const unknownTarget = mutate(elsewhere, (setting) => { setting.targetResourceUri = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; });
        const [violation] = await violationsOf(policy, resource(AZURE.autoscaleSetting, unknownTarget));
        expect(violation).to.include({ level: "mandatory" });
    });

    it("ignores dev, and honours a configured minimum", async () => {
        const dev = mutate(compliantDeployment, (deployment) => { deployment.sku.capacity = 1; deployment.tags.stage = "dev"; });
        expect(await violationsOf(policy, resource(AZURE.onlineDeployment, dev, { stack: "prod" }))).to.deep.equal([]);
        expect(await violationsOf(policy, resource(AZURE.onlineDeployment, compliantDeployment), { minInstances: 4 })).to.have.length(1);
    });
});
