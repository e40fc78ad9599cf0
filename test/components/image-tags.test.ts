import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { EcrImage } from "../../components/aws/ecr-image";
import { ArtifactRegistryImage } from "../../components/gcp/artifact-registry-image";
import { AcrImage } from "../../components/azure/acr-image";
import { ImageBuildArgs, resolveImageBuild } from "../../components/image-build";
import { input, single } from "../harness/query";
import { recordResources } from "../harness/run-program";

// Image tags (issue #14, section 2). ECR (`imageTagMutability: IMMUTABLE`) answers ImageTagAlreadyExistsException
// to a push under a tag already in the repository ("Preventing image tags from being overwritten in Amazon ECR",
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html); Artifact Registry with
// `dockerConfig.immutableTags` refuses it likewise. So every input that changes the built image must change the tag.

const IMAGE = "docker:index/image:Image";

/** A small build context with two Dockerfiles, so a test can change one input at a time. */
function buildContext(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-endpoints-image-tags-"));
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM node:22-slim\nARG FLAVOUR=plain\nCOPY server.js /srv/\n");
    fs.writeFileSync(path.join(dir, "Dockerfile.debug"), "FROM node:22\nCOPY server.js /srv/\n");
    fs.writeFileSync(path.join(dir, "server.js"), "console.log('serving');\n");
    return dir;
}

describe("image tags hash everything that changes the build", () => {
    const context = buildContext();
    const tag = (args: ImageBuildArgs) => resolveImageBuild({ context, ...args }).tag;
    const base = tag({});

    it("an unchanged build keeps its tag, so nothing rebuilds or re-pushes", () => {
        expect(tag({})).to.equal(base);
        expect(tag({ dockerfile: "Dockerfile", platform: "linux/amd64", buildArgs: {} })).to.equal(base);
        expect(base).to.match(/^[0-9a-f]{16}$/);
    });

    it("a different platform is a different tag (linux/arm64 for a Graviton Lambda)", () => {
        expect(tag({ platform: "linux/arm64" })).to.not.equal(base);
    });

    it("a different Dockerfile, or the same one edited, is a different tag", () => {
        expect(tag({ dockerfile: "Dockerfile.debug" })).to.not.equal(base);
        const edited = buildContext();
        fs.appendFileSync(path.join(edited, "Dockerfile"), "ENV NODE_ENV=production\n");
        expect(resolveImageBuild({ context: edited }).tag).to.not.equal(resolveImageBuild({ context: buildContext() }).tag);
    });

    it("build args are part of the tag, in any key order, and reach the build", () => {
        const flavoured = tag({ buildArgs: { FLAVOUR: "fast", OTHER: "1" } });
        expect(flavoured).to.not.equal(base);
        expect(tag({ buildArgs: { OTHER: "1", FLAVOUR: "fast" } })).to.equal(flavoured);
        expect(tag({ buildArgs: { FLAVOUR: "fast", OTHER: "2" } })).to.not.equal(flavoured);
        expect(resolveImageBuild({ context, buildArgs: { FLAVOUR: "fast" } }).build.args).to.deep.equal({ FLAVOUR: "fast" });
    });

    it("a changed context file is a different tag", () => {
        const changed = buildContext();
        fs.writeFileSync(path.join(changed, "server.js"), "console.log('serving v2');\n");
        expect(resolveImageBuild({ context: changed }).tag).to.not.equal(resolveImageBuild({ context: buildContext() }).tag);
    });

    it("a Dockerfile that is not there is refused up front, naming the path and the context", () => {
        expect(() => tag({ dockerfile: "Dockerfile.missing" })).to.throw(/image\.dockerfile ".*Dockerfile\.missing" does not exist; it is read relative to image\.context/);
    });

    it("ECR, Artifact Registry and ACR push the same tag for the same build, with the Dockerfile resolved in the context", async () => {
        const args = { context, dockerfile: "Dockerfile.debug", platform: "linux/arm64", buildArgs: { FLAVOUR: "fast" } };
        const expected = resolveImageBuild(args).tag;
        const pushed: string[] = [];
        for (const create of [
            () => new EcrImage("ecr", args),
            () => new ArtifactRegistryImage("ar", { ...args, location: "us-central1" }),
            () => new AcrImage("acr", { ...args, loginServer: "mlacr.azurecr.io" }),
        ]) {
            const { resources } = await recordResources("test", create);
            const image = single(resources, IMAGE);
            pushed.push(String(image.inputs["imageName"]).split(":").pop()!);
            // @pulumi/docker reads a relative Dockerfile from the working directory, not the context.
            expect(input(image, "build", "dockerfile")).to.equal(path.join(context, "Dockerfile.debug"));
            expect(input(image, "build", "platform")).to.equal("linux/arm64");
            expect(input(image, "build", "args")).to.deep.equal({ FLAVOUR: "fast" });
        }
        expect(pushed).to.deep.equal([expected, expected, expected]);
    });
});

describe("ECR teardown", () => {
    it("forceDelete is off unless asked: docker.Image deletes no tags, so only a forced DeleteRepository succeeds", async () => {
        // terraform-provider-aws internal/service/ecr/repository.go resourceRepositoryDelete: DeleteRepository with
        // Force = force_delete; without it a repository holding images fails with RepositoryNotEmptyException.
        const context = buildContext();
        const forced = await recordResources("test", () => new EcrImage("ecr", { context, forceDelete: true }));
        expect(single(forced.resources, "aws:ecr/repository:Repository").inputs["forceDelete"]).to.equal(true);
        const kept = await recordResources("test", () => new EcrImage("ecr", { context }));
        expect(single(kept.resources, "aws:ecr/repository:Repository").inputs["forceDelete"]).to.equal(false);
    });
});
