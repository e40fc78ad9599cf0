/** Start-up: readiness follows the model, and a bad model stops the process with a clear message. */
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeGcs } from "./helpers/fake-gcs";
import { removeTempDirs, tempDir, writeVariant } from "./helpers/models";
import { call, postJson, SAMPLE_MODEL_DIR, startServer } from "./helpers/server";

async function failsToStart(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const server = await startServer(env, { waitFor: false, args });
  const code = await Promise.race([server.exited, new Promise<null>((r) => setTimeout(() => r(null), 8000))]);
  if (code === null) await server.stop();
  return { code, output: server.output() };
}

describe("app: start-up", function () {
  after(removeTempDirs);

  it("is live but not ready until the model is loaded (Vertex download held back)", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gcs = await startFakeGcs("b", { "m/model.onnx": readFileSync(join(SAMPLE_MODEL_DIR, "model.onnx")) }, gate);
    const server = await startServer(
      { AIP_STORAGE_URI: "gs://b/m", STORAGE_EMULATOR_HOST: gcs.host, MODEL_DOWNLOAD_DIR: join(tempDir(), "model"), AIP_HEALTH_ROUTE: "/healthz" },
      { waitFor: "/health/live" },
    );
    try {
      expect((await call(server, "/health/ready")).status).to.equal(503);
      expect((await call(server, "/healthz")).status).to.equal(503);
      expect((await call(server, "/ping")).body).to.deep.equal({ status: "loading" });
      const early = await postJson(server, "/predict", { instances: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] });
      expect(early.status).to.equal(503);
      expect(early.body.error).to.equal("the model is still loading");
      release();
      const deadline = Date.now() + 5000;
      while ((await call(server, "/healthz")).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect((await postJson(server, "/predict", { instances: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] })).status).to.equal(200);
    } finally {
      release();
      await server.stop();
      await gcs.close();
    }
  });

  it("turns ready on the main thread's session, before the inference workers start, and then starts them", async () => {
    // Cold start: the pool's sessions (one per worker) never delay readiness or the first answer.
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, WORKERS: "2" });
    try {
      expect((await postJson(server, "/predict", { instances: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] })).status).to.equal(200);
      const deadline = Date.now() + 5000;
      while (!server.output().includes('"inference workers ready"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const messages = server.output().split("\n").flatMap((line) => {
        try {
          return [(JSON.parse(line) as { msg?: string }).msg];
        } catch {
          return [];
        }
      });
      expect(messages.indexOf("model ready"), "readiness").to.be.at.least(0);
      expect(messages.indexOf("inference workers ready"), "the pool starts after readiness").to.be.greaterThan(messages.indexOf("model ready"));
    } finally {
      await server.stop();
    }
  });

  it("exits 1 naming the path when model.onnx is missing", async () => {
    const dir = tempDir();
    const { code, output } = await failsToStart({ MODEL_DIR: dir });
    expect(code).to.equal(1);
    expect(output).to.include(`no model.onnx at ${join(dir, "model.onnx")} (MODEL_DIR)`);
  });

  // Finding 4: a wrong path never falls back to the model baked into the image.
  it("refuses a MODEL_DIR that is missing or a file, and serves the image's model only with DEMO_MODEL=true", async () => {
    const image = { IMAGE_MODEL_DIR: SAMPLE_MODEL_DIR, DEFAULT_MODEL_DIR: SAMPLE_MODEL_DIR, SM_MODEL_DIR: "" };
    const missing = await failsToStart({ ...image, MODEL_DIR: "/nonexistent/model" });
    expect(missing.code, "a missing MODEL_DIR").to.equal(1);
    expect(missing.output).to.include("MODEL_DIR /nonexistent/model does not exist");
    const file = join(SAMPLE_MODEL_DIR, "model.onnx");
    const notDir = await failsToStart({ ...image, MODEL_DIR: file });
    expect(notDir.code, "a MODEL_DIR that is a file").to.equal(1);
    expect(notDir.output).to.include(`MODEL_DIR ${file} is a file, not a directory`);
    const nothing = await failsToStart({ ...image, SM_MODEL_DIR: "" });
    expect(nothing.code, "no model configured").to.equal(1);
    expect(nothing.output).to.include("the image's sample model is served only with DEMO_MODEL=true");
    const demo = await startServer({ IMAGE_MODEL_DIR: SAMPLE_MODEL_DIR, DEMO_MODEL: "true" });
    try {
      expect((await postJson(demo, "/predict", { instances: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] })).status).to.equal(200);
    } finally {
      await demo.stop();
    }
  });

  it("exits 1 when an explicit SageMaker directory lacks model.onnx or does not exist", async () => {
    const sageMakerDir = tempDir();
    const empty = await failsToStart({ SM_MODEL_DIR: sageMakerDir, IMAGE_MODEL_DIR: SAMPLE_MODEL_DIR });
    expect(empty.code, "an artifact without model.onnx must not fall back to the baked model").to.equal(1);
    expect(empty.output).to.include(`no model.onnx at ${join(sageMakerDir, "model.onnx")} (SageMaker model directory)`);
    const { code, output } = await failsToStart({ SM_MODEL_DIR: "/nonexistent/opt/ml/model" });
    expect(code).to.equal(1);
    expect(output).to.include("SageMaker model directory /nonexistent/opt/ml/model does not exist");
  });

  it("exits 1 naming the path when model.onnx is corrupt", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "model.onnx"), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]));
    const { code, output } = await failsToStart({ MODEL_DIR: dir });
    expect(code).to.equal(1);
    expect(output).to.include(`cannot load model ${join(dir, "model.onnx")}: not a valid ONNX protobuf`);
  });

  it("exits 1 when model.json contradicts the model", async () => {
    const { dir } = writeVariant({ features: 4 });
    writeFileSync(join(dir, "model.json"), JSON.stringify({ class_labels: ["a", "b", "c"] }));
    const { code, output } = await failsToStart({ MODEL_DIR: dir });
    expect(code).to.equal(1);
    expect(output).to.include("the model outputs 2 class probabilities but has 3 class labels");
  });

  it("exits 1 when AIP_STORAGE_URI holds no files", async () => {
    const gcs = await startFakeGcs("b", {});
    try {
      const { code, output } = await failsToStart({ AIP_STORAGE_URI: "gs://b/empty", STORAGE_EMULATOR_HOST: gcs.host, MODEL_DOWNLOAD_DIR: tempDir() });
      expect(code).to.equal(1);
      expect(output).to.include("cannot download the model from AIP_STORAGE_URI gs://b/empty: no files under gs://b/empty");
    } finally {
      await gcs.close();
    }
  });

  it("exits 2 on an argument other than `serve`, or a bad setting", async () => {
    const args = await failsToStart({ MODEL_DIR: SAMPLE_MODEL_DIR }, ["train"]);
    expect(args.code).to.equal(2);
    expect(args.output).to.include('unknown arguments "train"');
    const setting = await failsToStart({ MODEL_DIR: SAMPLE_MODEL_DIR, MAX_BODY_BYTES: "lots" });
    expect(setting.code).to.equal(2);
    expect(setting.output).to.include('MAX_BODY_BYTES must be a positive integer, got "lots"');
  });
});
