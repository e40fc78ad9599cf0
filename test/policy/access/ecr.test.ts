import { expect } from "chai";
import { ecrImmutableTags, ecrScanOnPush } from "../../../policy/access/ecr";
import { AWS } from "../../../policy/lib/resource-types";
import { messagesOf, mutate, resource, violationsOf } from "../harness";

const compliantRepository = { imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: "IMMUTABLE", tags: { stage: "prod" } };

describe("policies ecr-scan-on-push and ecr-immutable-tags", () => {
    const check = async (props: object) => messagesOf([
        ...await violationsOf(ecrScanOnPush, resource(AWS.ecrRepository, props as Record<string, unknown>, { name: "repo" })),
        ...await violationsOf(ecrImmutableTags, resource(AWS.ecrRepository, props as Record<string, unknown>, { name: "repo" })),
    ]);

    it("passes a repository that scans on push and has immutable tags", async () => {
        expect(await check(compliantRepository)).to.deep.equal([]);
    });

    it("denies a repository that does not scan on push", async () => {
        expect(await check(mutate(compliantRepository, (repo) => { repo.imageScanningConfiguration.scanOnPush = false; })))
            .to.deep.equal(["repo: imageScanningConfiguration.scanOnPush is false; must be true"]);
    });

    it("denies a repository with no scanning configuration", async () => {
        expect(await check(mutate(compliantRepository, (repo) => { delete (repo as { imageScanningConfiguration?: unknown }).imageScanningConfiguration; })))
            .to.deep.equal(["repo: imageScanningConfiguration.scanOnPush is not set; must be true"]);
    });

    it("denies mutable tags (and the provider's default, which is mutable)", async () => {
        expect(await check(mutate(compliantRepository, (repo) => { repo.imageTagMutability = "MUTABLE"; })))
            .to.deep.equal(['repo: imageTagMutability is "MUTABLE"; must be "IMMUTABLE"']);
        expect(await check(mutate(compliantRepository, (repo) => { delete (repo as { imageTagMutability?: string }).imageTagMutability; })))
            .to.deep.equal(['repo: imageTagMutability is not set; must be "IMMUTABLE"']);
    });
});
