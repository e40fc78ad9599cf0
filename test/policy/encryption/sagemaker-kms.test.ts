import { expect } from "chai";
import { prodSageMakerEndpointKms, sageMakerEndpointKms } from "../../../policy/encryption/sagemaker-kms";
import { AWS } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const compliantConfig = {
    productionVariants: [{ variantName: "AllTraffic", instanceType: "ml.m5.xlarge", initialInstanceCount: 2 }],
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc",
    tags: { stage: "prod" },
};
const withoutKey = (stage: string) => mutate(compliantConfig, (config) => { delete (config as { kmsKeyArn?: string }).kmsKeyArn; config.tags.stage = stage; });

describe("policies prod-sagemaker-endpoint-kms and sagemaker-endpoint-kms", () => {
    const both = async (props: Record<string, unknown>) => [
        ...await violationsOf(prodSageMakerEndpointKms, resource(AWS.sagemakerEndpointConfiguration, props, { name: "cfg" })),
        ...await violationsOf(sageMakerEndpointKms, resource(AWS.sagemakerEndpointConfiguration, props, { name: "cfg" })),
    ];

    it("passes an endpoint config with a KMS key, in prod and elsewhere", async () => {
        expect(await both(compliantConfig)).to.deep.equal([]);
        expect(await both(mutate(compliantConfig, (config) => { config.tags.stage = "dev"; }))).to.deep.equal([]);
    });

    it("denies a prod endpoint config without a key (mandatory)", async () => {
        expect(await both(withoutKey("prod"))).to.deep.equal([
            { policy: "prod-sagemaker-endpoint-kms", level: "mandatory", resource: "cfg", message: "cfg: kmsKeyArn is not set; a KMS key ARN is required" },
        ]);
    });

    it("advises a key outside prod (advisory)", async () => {
        expect(await both(withoutKey("dev"))).to.deep.equal([
            { policy: "sagemaker-endpoint-kms", level: "advisory", resource: "cfg", message: "cfg: kmsKeyArn is not set; a KMS key ARN is required" },
        ]);
    });

    it("accepts a key ARN unknown at preview: it comes from a key the stack creates", async () => {
        expect(await both(mutate(compliantConfig, (config) => { config.kmsKeyArn = UNKNOWN; }))).to.deep.equal([]);
    });
});
