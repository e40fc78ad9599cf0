import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import type { ModelArgs } from "../../components/args";
import { SageMakerEndpoint } from "../../components/aws/sagemaker-endpoint";
import { AzureMlEndpoint } from "../../components/azure/azureml-endpoint";
import { StackConfigError, validateStackConfig } from "../../components/config/load";
import { GcsModelArtifact } from "../../components/gcp/model-bucket";
import { DEFAULT_ARTIFACT_RETENTION_DAYS } from "../../components/model-artifact";
import type { RecordedResource } from "../harness/recorder";
import { input, ofType, single } from "../harness/query";
import { readStackFile, recordResources, runProgram, stackFilePath } from "../harness/run-program";

// Day-2 behaviour of uploaded model artifacts (issue #14, section 1), on every cloud that uploads one.

const T = {
    s3Object: "aws:s3/bucketObjectv2:BucketObjectv2",
    s3Bucket: "aws:s3/bucket:Bucket",
    s3Lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    sageMakerModel: "aws:sagemaker/model:Model",
    gcsObject: "gcp:storage/bucketObject:BucketObject",
    gcsBucket: "gcp:storage/bucket:Bucket",
    blob: "azure-native:storage:Blob",
    modelVersion: "azure-native:machinelearningservices:ModelVersion",
    ecrRepository: "aws:ecr/repository:Repository",
};

/** The sample model, and a copy whose bytes differ (one more newline in model.json) under the same version. */
function modelDirs(): { original: string; changed: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ml-endpoints-artifacts-test-"));
    const original = path.join(root, "original");
    const changed = path.join(root, "changed");
    for (const dir of [original, changed]) fs.cpSync("app/model", dir, { recursive: true });
    fs.appendFileSync(path.join(changed, "model.json"), "\n");
    return { original, changed };
}
const DIRS = modelDirs();
const model = (dir: string, extra: Partial<ModelArgs> = {}): ModelArgs => ({ name: "churn-classifier", version: "1.0.0", path: dir, ...extra });

/** Records, per `<type>::<name>`, the `retainOnDelete` option each registration sent to the engine. */
function recordRetainOnDelete(retained: Map<string, boolean>): void {
    type Request = { getType(): string; getName(): string; getRetainondelete(): boolean };
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(request: Request, callback: unknown): unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) => {
        retained.set(`${request.getType()}::${request.getName()}`, request.getRetainondelete());
        return register(request, callback);
    };
}

async function build<T>(create: () => T) {
    const retained = new Map<string, boolean>();
    const { resources, result } = await recordResources("test", () => {
        recordRetainOnDelete(retained);
        return create();
    });
    const retainedOf = (resource: RecordedResource) => retained.get(`${resource.type}::${resource.name}`) ?? false;
    return { resources, result, retainedOf };
}

const SAGEMAKER_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serving@sha256:" + "a".repeat(64);
const sageMaker = (stage: "dev" | "prod", modelArgs: ModelArgs) => build(() => new SageMakerEndpoint("sm", {
    stage,
    model: modelArgs,
    image: { uri: SAGEMAKER_IMAGE },
    instanceType: "ml.m5.xlarge",
    scaling: { minInstances: 2, maxInstances: 4 },
}));
const gcs = (stage: "dev" | "prod", modelArgs: ModelArgs) => build(() => new GcsModelArtifact("gm", { stage, model: modelArgs, location: "us-central1" }));
const azure = (modelArgs: ModelArgs) => build(() => new AzureMlEndpoint("azureml", {
    stage: "prod",
    model: modelArgs,
    image: { uri: "mlacr.azurecr.io/serving@sha256:" + "a".repeat(64) },
    instanceCount: 3,
    scaling: { minInstances: 3, maxInstances: 10 },
    auth: "iam",
}));

describe("model artifacts: content-addressed, retained, pruned", () => {
    describe("same model.version, new bytes: a new path, never a rewrite in place", () => {
        it("SageMaker: a new S3 key, so a new Model instead of instances serving a mix of old and new bytes", async () => {
            // terraform-provider-aws internal/service/sagemaker/model.go: primary_container.model_data_url is ForceNew,
            // so a new key replaces the Model, and with it the endpoint config the endpoint rolls to.
            // One mocked run at a time: the mocks are process-wide.
            const before = await sageMaker("prod", model(DIRS.original));
            const after = await sageMaker("prod", model(DIRS.original));
            const changed = await sageMaker("prod", model(DIRS.changed));
            const key = (run: typeof before) => String(single(run.resources, T.s3Object).inputs["key"]);
            expect(key(before)).to.equal(key(after)); // unchanged bytes: no diff
            expect(key(before)).to.match(/^models\/churn-classifier\/1-0-0\/[0-9a-f]{16}\/model\.tar\.gz$/);
            expect(key(changed)).to.not.equal(key(before));
            const modelDataUrl = (run: typeof before) => input(single(run.resources, T.sageMakerModel), "primaryContainer", "modelDataUrl");
            expect(String(modelDataUrl(changed))).to.match(/^s3:\/\/[^/]+\//).and.satisfy((url: string) => url.endsWith(`/${key(changed)}`));
        });

        it("GCS (Vertex, Cloud Run): new object names, so no same-name create-before-delete (pulumi-gcp#152) and Vertex re-uploads", async () => {
            // terraform-provider-google google/services/storage/resource_storage_bucket_object.go: `name` and
            // `source` are ForceNew, and the delete is Objects.Delete(bucket, name) with no generation, so a
            // same-name replacement deletes the object it has just written.
            const before = await gcs("prod", model(DIRS.original));
            const changed = await gcs("prod", model(DIRS.changed));
            const names = (run: typeof before) => ofType(run.resources, T.gcsObject).map((object) => String(object.inputs["name"])).sort();
            expect(names(before)).to.have.length(2);
            for (const name of names(changed)) expect(names(before)).to.not.include(name);
            const [uriBefore, uriChanged] = await Promise.all([before, changed].map((run) => new Promise((done) => (run.result as unknown as GcsModelArtifact).artifactUri.apply(done))));
            expect(uriBefore).to.match(/^gs:\/\/gm-bucket\/models\/churn-classifier\/1-0-0\/[0-9a-f]{16}\/$/);
            expect(uriChanged).to.not.equal(uriBefore);
        });

        it("Azure: new blobs and a new registered version, since a registered ModelVersion is immutable", async () => {
            const before = await azure(model(DIRS.original));
            const changed = await azure(model(DIRS.changed));
            const blobNames = (run: typeof before) => ofType(run.resources, T.blob).map((blob) => String(blob.inputs["blobName"]));
            for (const name of blobNames(changed)) expect(blobNames(before)).to.not.include(name);
            const version = (run: typeof before) => String(single(run.resources, T.modelVersion).inputs["version"]);
            expect(version(before)).to.match(/^1\.0\.0-[0-9a-f]{8}$/);
            expect(version(changed)).to.match(/^1\.0\.0-[0-9a-f]{8}$/);
            expect(version(changed)).to.not.equal(version(before));
            expect((changed.result as unknown as AzureMlEndpoint).registeredModelVersion).to.equal(version(changed));
        });
    });

    describe("the URI depends on the uploaded files, so nothing reads the model before it is there", () => {
        it("GCS: artifactUri carries every BucketObject, not only the bucket", async () => {
            const { result } = await gcs("prod", model(DIRS.original));
            const artifact = result as unknown as GcsModelArtifact;
            const resources = await (artifact.artifactUri as unknown as { resources(): Promise<Set<pulumi.Resource>> }).resources();
            const objects = [...resources].filter((resource) => resource instanceof storage.BucketObject);
            expect(objects).to.have.length(2); // model.onnx and model.json
        });

        it("Azure: the registered version's modelUri depends on every blob", async () => {
            const { resources } = await azure(model(DIRS.original));
            const blobUrns = ofType(resources, T.blob).map((blob) => blob.urn);
            expect(blobUrns).to.have.length(2);
            const dependencies = single(resources, T.modelVersion).propertyDependencies["properties"] ?? [];
            expect(dependencies).to.include.members(blobUrns);
        });

        it("SageMaker: the Model's modelDataUrl depends on the S3 object", async () => {
            const { resources } = await sageMaker("prod", model(DIRS.original));
            const dependencies = single(resources, T.sageMakerModel).propertyDependencies["primaryContainer"] ?? [];
            expect(dependencies).to.include(single(resources, T.s3Object).urn);
        });
    });

    describe("old artifacts are not deleted by the update that supersedes them", () => {
        it("every uploaded object and blob is retainOnDelete (a Cloud Run stable revision or a rolled-back endpoint may still load it)", async () => {
            // Pulumi docs, "Resource option: retainOnDelete": the provider's Delete is not called "when deleting or
            // replacing the resource during pulumi up or pulumi destroy".
            const runs = [await sageMaker("prod", model(DIRS.original)), await gcs("prod", model(DIRS.original)), await azure(model(DIRS.original))];
            const uploads = runs.flatMap((run) => [T.s3Object, T.gcsObject, T.blob].flatMap((type) => ofType(run.resources, type)).map((resource) => ({ resource, retained: run.retainedOf(resource) })));
            expect(uploads).to.have.length(1 + 2 + 2);
            for (const { resource, retained } of uploads) expect(retained, `${resource.type} ${resource.name}`).to.equal(true);
        });

        it("the SageMaker role may read every version of the model, so a rollback can still load the old artifact", async () => {
            const { resources } = await sageMaker("prod", model(DIRS.original));
            const statements = JSON.parse(String(single(resources, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])).Statement as { Sid: string; Resource: string[] }[];
            expect(statements.find((statement) => statement.Sid === "ReadModelArtifact")!.Resource).to.deep.equal(["arn:aws:s3:::sm-artifacts/models/churn-classifier/*"]);
        });
    });

    describe("a lifecycle rule, its age from model.retentionDays, prunes noncurrent versions", () => {
        it("S3: NoncurrentVersionExpiration.NoncurrentDays under models/ (AWS S3 API reference, NoncurrentVersionExpiration)", async () => {
            const { resources } = await sageMaker("prod", model(DIRS.original, { retentionDays: 7 }));
            const rules = single(resources, T.s3Lifecycle).inputs["rules"] as Record<string, unknown>[];
            const prune = rules.find((rule) => rule["noncurrentVersionExpiration"] !== undefined)!;
            expect(prune).to.deep.include({ status: "Enabled", filter: { prefix: "models/" }, noncurrentVersionExpiration: { noncurrentDays: 7 } });
        });

        it("GCS: Delete on ARCHIVED versions after daysSinceNoncurrentTime, default 30", async () => {
            const { resources } = await gcs("prod", model(DIRS.original));
            expect(single(resources, T.gcsBucket).inputs["lifecycleRules"]).to.deep.equal([{
                action: { type: "Delete" },
                condition: { withState: "ARCHIVED", daysSinceNoncurrentTime: DEFAULT_ARTIFACT_RETENTION_DAYS, matchesPrefixes: ["models/"] },
            }]);
        });

        it("the stack config key ml-endpoints:model.retentionDays takes whole days ≥ 1 and names itself when wrong", () => {
            const base = { stage: "dev", targets: { sagemaker: {} } };
            const accepted = validateStackConfig("dev", { ...base, model: { name: "m", version: "1", path: "app/model", retentionDays: 14 } });
            expect(accepted.model.retentionDays).to.equal(14);
            for (const bad of [0, 1.5, "30"]) {
                const attempt = () => validateStackConfig("dev", { ...base, model: { name: "m", version: "1", path: "app/model", retentionDays: bad } });
                expect(attempt).to.throw(StackConfigError, /ml-endpoints:model\.retentionDays/);
            }
        });

        it("a component given a bad retentionDays directly refuses it with the value", async () => {
            let message = "";
            try {
                await sageMaker("prod", model(DIRS.original, { retentionDays: 0 }));
            } catch (error) {
                message = (error as Error).message;
            }
            expect(message).to.match(/model\.retentionDays 0 must be a whole number of days ≥ 1/);
        });
    });

    describe("teardown: destroy succeeds outside prod, prod keeps the data", () => {
        it("GCS: forceDestroy outside prod only (resource_storage_bucket.go refuses a non-empty bucket without force_destroy)", async () => {
            const dev = await gcs("dev", model(DIRS.original));
            const prod = await gcs("prod", model(DIRS.original));
            expect(single(dev.resources, T.gcsBucket).inputs["forceDestroy"]).to.equal(true);
            expect(single(prod.resources, T.gcsBucket).inputs["forceDestroy"]).to.equal(false);
        });

        it("the dev stack can be destroyed: every bucket empties itself and the ECR repository goes with its images", async () => {
            // terraform-provider-aws internal/service/ecr/repository.go: DeleteRepository sends Force = force_delete,
            // and @pulumi/docker's Image "does not delete tags, locally or remotely, when destroyed".
            const dev = await runProgram("dev", readStackFile(stackFilePath("dev")));
            const prod = await runProgram("prod", readStackFile(stackFilePath("prod")));
            const teardown = (run: typeof dev) => ({
                s3: ofType(run.resources, T.s3Bucket).map((bucket) => bucket.inputs["forceDestroy"]),
                gcs: ofType(run.resources, T.gcsBucket).map((bucket) => bucket.inputs["forceDestroy"]),
                ecr: ofType(run.resources, T.ecrRepository).map((repository) => repository.inputs["forceDelete"]),
            });
            const devTeardown = teardown(dev);
            expect(devTeardown.s3.length + devTeardown.gcs.length + devTeardown.ecr.length).to.be.greaterThan(2);
            expect([...devTeardown.s3, ...devTeardown.gcs, ...devTeardown.ecr].every((value) => value === true), JSON.stringify(devTeardown)).to.equal(true);
            const prodTeardown = teardown(prod);
            expect([...prodTeardown.s3, ...prodTeardown.gcs, ...prodTeardown.ecr].every((value) => value === false), JSON.stringify(prodTeardown)).to.equal(true);
        });
    });
});
