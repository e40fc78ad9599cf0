import { expect } from "chai";
import { AWS } from "../../../policy/lib/resource-types";
import { prodSageMakerDataCapture } from "../../../policy/logging/sagemaker-data-capture";
import { messagesOf, mutate, resource, violationsOf } from "../harness";

const compliantConfig = {
    productionVariants: [{ variantName: "AllTraffic", instanceType: "ml.m5.xlarge", initialInstanceCount: 2 }],
    dataCaptureConfig: { enableCapture: true, initialSamplingPercentage: 20, destinationS3Uri: "s3://b/data-capture/" },
    tags: { stage: "prod" },
};

describe("policy prod-sagemaker-data-capture", () => {
    const check = async (props: object) => violationsOf(prodSageMakerDataCapture, resource(AWS.sagemakerEndpointConfiguration, props as Record<string, unknown>, { name: "cfg" }));

    it("passes a prod endpoint config that captures data", async () => {
        expect(await check(compliantConfig)).to.deep.equal([]);
    });

    it("advises data capture on a prod endpoint config without it", async () => {
        const violations = await check(mutate(compliantConfig, (config) => { delete (config as { dataCaptureConfig?: unknown }).dataCaptureConfig; }));
        expect(violations[0]).to.include({ level: "advisory" });
        expect(messagesOf(violations)).to.deep.equal(["cfg: dataCaptureConfig.enableCapture is not set; production should capture data"]);
    });

    it("says nothing outside production", async () => {
        expect(await check(mutate(compliantConfig, (config) => { config.dataCaptureConfig.enableCapture = false; config.tags.stage = "dev"; }))).to.deep.equal([]);
    });
});
