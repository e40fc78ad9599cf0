import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { EcrImage } from "../../components/aws/ecr-image";
import { single } from "../harness/query";
import { recordResources, REPO_ROOT } from "../harness/run-program";

describe("the shared ECR image (issue #11)", () => {
    let resources: Awaited<ReturnType<typeof recordResources>>["resources"];
    before(async () => {
        resources = (await recordResources("test", () => new EcrImage("img", { tags: { stage: "dev" } }))).resources;
    });

    // Finding 10. Lambda Developer Guide, "Amazon ECR permissions": the repository policy must allow the Lambda
    // service principal ecr:BatchGetImage and ecr:GetDownloadUrlForLayer, conditioned on this account's functions.
    it("lets lambda.amazonaws.com pull, for this account's functions only", () => {
        const policy = JSON.parse(String(single(resources, "aws:ecr/repositoryPolicy:RepositoryPolicy").inputs["policy"]));
        expect(policy.Statement).to.deep.equal([{
            Sid: "LambdaECRImageRetrievalPolicy",
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Condition: { StringLike: { "aws:sourceArn": "arn:aws:lambda:us-east-1:123456789012:function:*" } },
        }]);
    });

    // Hardening. ECR User Guide, "Lifecycle policies": a rule acts on tagStatus tagged/untagged/any and cannot see
    // which images a Lambda version or a SageMaker model references; both pull by digest on cold start / scale-out.
    it("expires only untagged images, never one a live Lambda version or SageMaker model may still pull", () => {
        const rules = JSON.parse(String(single(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs["policy"])).rules as { selection: Record<string, unknown> }[];
        expect(rules.length).to.be.greaterThan(0);
        for (const rule of rules) expect(rule.selection).to.deep.include({ tagStatus: "untagged", countType: "sinceImagePushed" });
    });
});

// Finding 11. docker/buildx#510 and the Dockerfile reference ("Automatic platform ARGs in the global scope"):
// BuildKit fills TARGETARCH only when it is declared without a default; `ARG TARGETARCH=amd64` kept amd64 on
// an arm64 build, so the image shipped the x64 onnxruntime binary.
describe("app/Dockerfile", () => {
    it("declares every TARGETARCH without a default, so BuildKit sets it per platform", () => {
        const lines = fs.readFileSync(path.join(REPO_ROOT, "app/Dockerfile"), "utf8").split("\n");
        const declarations = lines.filter((line) => /^\s*ARG\s+TARGETARCH\b/.test(line));
        expect(declarations.length).to.be.greaterThan(0);
        for (const line of declarations) expect(line.trim()).to.equal("ARG TARGETARCH");
    });
});
