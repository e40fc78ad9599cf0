// Build once, promote the digest: the images dev's state holds become staging's and prod's, and a stack that is
// given them builds no image of its own.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { imagesInState, withPromotedImages } from "../harness/promote-images";
import { readStackFile, stackFilePath } from "../harness/run-program";
import { synthesize } from "../harness/synth";

const digest = (registry: string, n: number) => `${registry}@sha256:${String(n).repeat(64)}`;
const AWS = digest("123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-serving-image-repo", 1);
const GCP = digest("us-central1-docker.pkg.dev/ml-endpoints-dev/gcp-serving-image/serving", 2);
const AZURE = digest("azuremlwsacr.azurecr.io/ml-endpoints-serving", 3);

describe("promoting dev's images to later stages", function () {
    this.timeout(60_000);

    it("reads each cloud's pinned image from a `pulumi stack export` (docker Image repoDigest)", () => {
        const image = (name: string, repoDigest: string) => ({ type: "docker:index/image:Image", urn: `urn:pulumi:dev::ml-endpoints::ml-endpoints:aws:EcrImage$docker:index/image:Image::${name}`, outputs: { repoDigest } });
        const exported = { deployment: { resources: [
            image("aws-serving-image-image", AWS),
            image("gcp-serving-image-image", GCP),
            image("azureml-image-image", AZURE),
            image("azureml-image-image-unpinned", "azuremlwsacr.azurecr.io/ml-endpoints-serving:latest"),
            { type: "aws:s3/bucket:Bucket", urn: "urn:pulumi:dev::ml-endpoints::aws:s3/bucket:Bucket::x", outputs: {} },
        ] } };
        expect(imagesInState(exported)).to.deep.equal({ aws: AWS, gcp: GCP, azure: AZURE });
    });

    it("refuses an image that is not pinned by digest, naming the cloud", () => {
        expect(() => withPromotedImages("config: {}\n", { aws: "repo:latest" })).to.throw(/promoted image for aws must be pinned by digest/);
    });

    it("a stack given dev's digests serves them on every target and builds no image", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-endpoints-promote-"));
        try {
            const file = path.join(dir, "Pulumi.prod.yaml");
            fs.writeFileSync(file, withPromotedImages(fs.readFileSync(stackFilePath("prod"), "utf8"), { aws: AWS, gcp: GCP, azure: AZURE }));
            expect((readStackFile(file)["ml-endpoints:image"] as { promoted: unknown }).promoted).to.deep.equal({ aws: AWS, gcp: GCP, azure: AZURE });
            const { report } = await synthesize("prod", file);
            expect(report.resources.filter((resource) => resource.type === "docker:index/image:Image")).to.deep.equal([]);
            const text = JSON.stringify(report.resources.map((resource) => resource.inputs));
            for (const promoted of [AWS, GCP, AZURE]) expect(text).to.contain(promoted);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
