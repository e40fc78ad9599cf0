import { expect } from "chai";
import { imagesPinnedByDigest } from "../../../policy/access/images-pinned";
import { AWS, CROSS_CLOUD } from "../../../policy/lib/resource-types";
import { messagesOf, resource, violationsOf } from "../harness";

const DIGEST = `sha256:${"a".repeat(64)}`;
const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serving";
const AR = "us-central1-docker.pkg.dev/p/serving/serving";
const ACR = "mlregistry.azurecr.io/serving";

// One serving resource per cloud, each naming its image by digest; each case retags one of them.
const pinned: [string, string, (image: string) => Record<string, unknown>, string][] = [
    ["SageMaker model", AWS.sagemakerModel, (image) => ({ primaryContainer: { image, modelDataUrl: "s3://b/m.tar.gz" } }), "primaryContainer.image"],
    ["Lambda function", AWS.lambdaFunction, (image) => ({ packageType: "Image", imageUri: image }), "imageUri"],
    ["Cloud Run service", CROSS_CLOUD.gcpCloudRunService, (image) => ({ template: { containers: [{ image }] } }), "template.containers[0].image"],
    ["Azure ML environment", CROSS_CLOUD.azureEnvironmentVersion, (image) => ({ properties: { image } }), "properties.image"],
    ["Vertex deployment", CROSS_CLOUD.dynamicResource, (image) => ({ endpoint: "e", machineType: "n1-standard-4", minReplicaCount: 2, image }), "image"],
];
const registryFor = (type: string) => (type.startsWith("aws:") ? ECR : type.startsWith("azure") ? ACR : AR);

describe("policy images-pinned-by-digest", () => {
    const check = async (type: string, props: Record<string, unknown>) => violationsOf(imagesPinnedByDigest, resource(type, props, { name: "serving" }));

    for (const [what, type, props, property] of pinned) {
        it(`passes a ${what} pinned by digest, and advises one pinned by tag`, async () => {
            expect(await check(type, props(`${registryFor(type)}@${DIGEST}`))).to.deep.equal([]);
            const [violation] = await check(type, props(`${registryFor(type)}:latest`));
            expect(violation).to.include({ level: "advisory" });
            expect(violation!.message).to.equal(`serving: ${property} is "${registryFor(type)}:latest"; pin the image by digest: <repository>@sha256:<64 hex digits>`);
        });
    }

    it("ignores a zip-packaged Lambda function and dynamic resources that are not Vertex deployments", async () => {
        expect(await check(AWS.lambdaFunction, { packageType: "Zip", handler: "index.handler" })).to.deep.equal([]);
        expect(await check(CROSS_CLOUD.dynamicResource, { image: "x:latest" })).to.deep.equal([]);
    });

    it("reports an image digest unknown at preview (built by this update) as can't-run, advisory", async () => {
        const [violation] = await check(AWS.sagemakerModel, { primaryContainer: { image: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } });
        expect(messagesOf([violation!])).to.deep.equal(["can't run policy 'images-pinned-by-digest' during preview: string value at .primaryContainer.image can't be known during preview"]);
    });
});
