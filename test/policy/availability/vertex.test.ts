import { expect } from "chai";
import { prodVertexMinReplicas } from "../../../policy/availability/vertex";
import { GCP } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

// The deployment as the engine sees it: a generic dynamic resource whose props carry our `kind` marker.
const compliantDeployment = {
    __provider: "exports.handler = __f0; …",
    kind: "ml-endpoints:gcp:VertexModelDeployment",
    endpoint: "projects/ml-prod/locations/us-central1/endpoints/123456789",
    machineType: "n1-standard-4",
    minReplicaCount: 2,
    maxReplicaCount: 10,
    cpuTarget: 60,
    labels: { stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier" },
};

describe("policy prod-vertex-min-replicas", () => {
    const policy = prodVertexMinReplicas;

    it("passes a compliant prod deployment", async () => {
        expect(await violationsOf(policy, resource(GCP.vertexModelDeployment, compliantDeployment))).to.deep.equal([]);
    });

    it("denies a prod deployment with one replica, naming the property and the values", async () => {
        const props = mutate(compliantDeployment, (deployment) => { deployment.minReplicaCount = 1; });
        const violations = await violationsOf(policy, resource(GCP.vertexModelDeployment, props, { name: "vertex-deployment" }));
        expect(violations).to.deep.equal([{
            policy: "prod-vertex-min-replicas",
            level: "mandatory",
            resource: "vertex-deployment",
            message: "vertex-deployment: minReplicaCount is 1; production requires at least 2",
        }]);
    });

    it("ignores other dynamic resources and dev deployments", async () => {
        const other = mutate(compliantDeployment, (deployment) => { deployment.minReplicaCount = 1; (deployment as { kind?: string }).kind = "someone-else"; });
        expect(await violationsOf(policy, resource(GCP.vertexModelDeployment, other))).to.deep.equal([]);
        const dev = mutate(compliantDeployment, (deployment) => { deployment.minReplicaCount = 1; deployment.labels.stage = "dev"; });
        expect(await violationsOf(policy, resource(GCP.vertexModelDeployment, dev, { stack: "prod" }))).to.deep.equal([]);
    });

    it("honours a configured minimum", async () => {
        expect(await violationsOf(policy, resource(GCP.vertexModelDeployment, compliantDeployment), { minReplicas: 3 })).to.have.length(1);
    });
});
