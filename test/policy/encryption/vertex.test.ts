import { expect } from "chai";
import { prodArtifactRegistryCmek, prodVertexEndpointCmek } from "../../../policy/encryption/vertex";
import { GCP } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

const KEY = "projects/ml-prod/locations/us-central1/keyRings/ml/cryptoKeys/endpoints";
const labels = { stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier" };
const compliantEndpoint = { name: "123456789", displayName: "churn-classifier-prod", location: "us-central1", labels, encryptionSpec: { kmsKeyName: KEY } };
const compliantRepository = { repositoryId: "gcp-serving-image", format: "DOCKER", location: "us-central1", dockerConfig: { immutableTags: true }, kmsKeyName: KEY, labels };

describe("policy prod-vertex-endpoint-cmek", () => {
    it("passes a prod endpoint with a customer-managed key", async () => {
        expect(await violationsOf(prodVertexEndpointCmek, resource(GCP.vertexEndpoint, compliantEndpoint))).to.deep.equal([]);
    });

    it("advises a key on a prod endpoint without one, and ignores dev", async () => {
        const props = mutate(compliantEndpoint, (endpoint) => { delete (endpoint as { encryptionSpec?: unknown }).encryptionSpec; });
        expect(await violationsOf(prodVertexEndpointCmek, resource(GCP.vertexEndpoint, props, { name: "vertex-endpoint" }))).to.deep.equal([{
            policy: "prod-vertex-endpoint-cmek",
            level: "advisory",
            resource: "vertex-endpoint",
            message: "vertex-endpoint: encryptionSpec.kmsKeyName is not set; production should use a customer-managed Cloud KMS key",
        }]);
        const dev = mutate(props, (endpoint) => { endpoint.labels.stage = "dev"; });
        expect(await violationsOf(prodVertexEndpointCmek, resource(GCP.vertexEndpoint, dev))).to.deep.equal([]);
    });
});

describe("policy prod-artifact-registry-cmek", () => {
    it("passes a prod repository with a customer-managed key", async () => {
        expect(await violationsOf(prodArtifactRegistryCmek, resource(GCP.artifactRegistryRepository, compliantRepository))).to.deep.equal([]);
    });

    it("advises a key on a prod repository without one", async () => {
        const props = mutate(compliantRepository, (repository) => { delete (repository as { kmsKeyName?: string }).kmsKeyName; });
        const [violation] = await violationsOf(prodArtifactRegistryCmek, resource(GCP.artifactRegistryRepository, props, { name: "repo" }));
        expect(violation).to.include({ level: "advisory", message: "repo: kmsKeyName is not set; production should use a customer-managed Cloud KMS key" });
    });
});
