import { expect } from "chai";
import { sageMakerNetworkIsolation } from "../../../policy/access/sagemaker-network-isolation";
import { AWS } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

const compliantModel = { executionRoleArn: "arn:aws:iam::123456789012:role/r", enableNetworkIsolation: true, primaryContainer: { image: "i" } };

describe("policy sagemaker-model-network-isolation", () => {
    it("passes a model with network isolation", async () => {
        expect(await violationsOf(sageMakerNetworkIsolation, resource(AWS.sagemakerModel, compliantModel))).to.deep.equal([]);
    });

    it("advises isolation on a model without it", async () => {
        const props = mutate(compliantModel, (model) => { model.enableNetworkIsolation = false; });
        expect(await violationsOf(sageMakerNetworkIsolation, resource(AWS.sagemakerModel, props, { name: "model" }))).to.deep.equal([
            { policy: "sagemaker-model-network-isolation", level: "advisory", resource: "model", message: "model: enableNetworkIsolation is false; should be true" },
        ]);
    });
});
