/**
 * Each target's contract, driven by the environment variables that target
 * sets, against the real built server and the committed sample model.
 */
import { expect } from "chai";
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeGcs, type FakeGcs } from "./helpers/fake-gcs";
import { removeTempDirs, tempDir } from "./helpers/models";
import { call, postJson, SAMPLE_MODEL_DIR, startServer, type RunningServer } from "./helpers/server";
import { expectAgreement, loadReference } from "./helpers/tree-ensemble";

const reference = loadReference(join(SAMPLE_MODEL_DIR, "model.onnx"));
const ROWS = [
  [0.5, -1.2, 0.3, 2.1, -0.7, 0.0, 1.1, -0.4, 0.9, -1.6],
  [-2, 1, 0.5, -0.3, 1.7, 0.2, -1.1, 0.8, 0, 0.4],
];

function expectPredictions(body: any): void {
  expect(body.predictions).to.have.length(ROWS.length);
  expect(body.model_version).to.equal("1");
  expectAgreement(reference, ROWS, body);
}

describe("app: target contracts", function () {
  after(removeTempDirs);

  describe("SageMaker (SAGEMAKER_BIND_TO_PORT, SM_MODEL_DIR, `serve`)", function () {
    let server: RunningServer;
    before(async () => {
      server = await startServer({ SM_MODEL_DIR: SAMPLE_MODEL_DIR }, { portVariable: "SAGEMAKER_BIND_TO_PORT", args: ["serve"], waitFor: "/ping" });
    });
    after(() => server.stop());

    it("answers GET /ping with 200 once the model is loaded", async () => {
      const res = await call(server, "/ping");
      expect(res.status).to.equal(200);
    });

    it("predicts JSON on POST /invocations", async () => {
      const res = await postJson(server, "/invocations", { instances: ROWS });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.equal("application/json");
      expectPredictions(res.body);
    });

    it("predicts text/csv rows and answers CSV when asked", async () => {
      const csv = ROWS.map((r) => r.join(",")).join("\n") + "\n";
      const json = await call(server, "/invocations", { method: "POST", headers: { "content-type": "text/csv" }, body: csv });
      expectPredictions(json.body);
      const res = await call(server, "/invocations", { method: "POST", headers: { "content-type": "text/csv", accept: "text/csv" }, body: csv });
      expect(res.status).to.equal(200);
      const lines = res.text.trim().split("\n").map((l) => l.split(",").map(Number));
      expect(lines.map((l) => l[0])).to.deep.equal(json.body.predictions);
      expect(lines[0]!.slice(1)).to.deep.equal(json.body.probabilities[0]);
    });
  });

  describe("Vertex AI (AIP_HTTP_PORT, AIP_*_ROUTE, AIP_STORAGE_URI)", function () {
    let gcs: FakeGcs;
    let server: RunningServer;
    const health = "/v1/endpoints/123/deployedModels/456";
    const predict = "/v1/endpoints/123/deployedModels/456:predict";
    let downloadDir: string;
    before(async () => {
      gcs = await startFakeGcs("models-bucket", {
        "forest/v1/model.onnx": readFileSync(join(SAMPLE_MODEL_DIR, "model.onnx")),
        "forest/v1/model.json": readFileSync(join(SAMPLE_MODEL_DIR, "model.json")),
        "forest/v2/model.onnx": Buffer.from("not this one"),
      });
      downloadDir = join(tempDir(), "model");
      server = await startServer(
        {
          AIP_STORAGE_URI: "gs://models-bucket/forest/v1",
          STORAGE_EMULATOR_HOST: gcs.host,
          MODEL_DOWNLOAD_DIR: downloadDir,
          AIP_HEALTH_ROUTE: health,
          AIP_PREDICT_ROUTE: predict,
        },
        { portVariable: "AIP_HTTP_PORT", waitFor: health },
      );
    });
    after(async () => {
      await server.stop();
      await gcs.close();
    });

    it("downloads the model from the gs:// prefix before serving", () => {
      expect(readFileSync(join(downloadDir, "model.onnx"))).to.deep.equal(readFileSync(join(SAMPLE_MODEL_DIR, "model.onnx")));
      expect(gcs.requests.some((r) => r.includes("prefix=forest%2Fv1%2F"))).to.equal(true);
      expect(gcs.requests.some((r) => r.includes("/v2/"))).to.equal(false);
    });

    it("answers the AIP_PREDICT_ROUTE with predictions, ignoring parameters", async () => {
      const res = await postJson(server, predict, { instances: ROWS, parameters: { threshold: 0.5 } });
      expect(res.status).to.equal(200);
      expectPredictions(res.body);
    });

    it("answers the AIP_HEALTH_ROUTE", async () => {
      expect((await call(server, health)).status).to.equal(200);
    });
  });

  describe("Azure ML (AZUREML_MODEL_DIR searched recursively, /score, /health/*)", function () {
    let server: RunningServer;
    before(async () => {
      const root = tempDir();
      const nested = join(root, "azureml-models", "forest", "3", "model");
      mkdirSync(nested, { recursive: true });
      cpSync(SAMPLE_MODEL_DIR, nested, { recursive: true });
      server = await startServer({ AZUREML_MODEL_DIR: root });
    });
    after(() => server.stop());

    it("finds model.onnx nested under AZUREML_MODEL_DIR and scores {\"data\": rows}", async () => {
      const res = await postJson(server, "/score", { data: ROWS });
      expect(res.status).to.equal(200);
      expectPredictions(res.body);
    });

    it("answers liveness and readiness", async () => {
      expect((await call(server, "/health/live")).body).to.deep.equal({ status: "alive" });
      expect((await call(server, "/health/ready")).body).to.deep.equal({ status: "ready" });
    });
  });

  describe("Cloud Run / ECS / API Gateway, Lambda and OIP v2 (PORT, MODEL_DIR)", function () {
    let server: RunningServer;
    before(async () => {
      server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, MODEL_VERSION: "7" });
    });
    after(() => server.stop());

    it("predicts on POST /predict, also with {\"inputs\": rows}, and honours MODEL_VERSION", async () => {
      const res = await postJson(server, "/predict", { inputs: ROWS });
      expect(res.status).to.equal(200);
      expectPredictions({ ...res.body, model_version: "1" });
      expect(res.body.model_version).to.equal("7");
    });

    it("echoes the caller's x-request-id, or makes one", async () => {
      const given = await postJson(server, "/predict", { instances: ROWS }, { "x-request-id": "abc-123" });
      expect(given.headers.get("x-request-id")).to.equal("abc-123");
      const made = await postJson(server, "/predict", { instances: ROWS });
      expect(made.headers.get("x-request-id")).to.match(/^[0-9a-z-]+$/);
    });

    it("answers a Lambda warm-up event on /events at once", async () => {
      const res = await postJson(server, "/events", { warmup: true });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ warmup: true, ready: true });
    });

    it("predicts an event that carries instances on /events, and rejects other events with 400", async () => {
      expectPredictions({ ...(await postJson(server, "/events", { instances: ROWS })).body, model_version: "1" });
      const other = await postJson(server, "/events", { source: "aws.events", "detail-type": "Scheduled Event" });
      expect(other.status).to.equal(400);
      expect(other.body.error).to.match(/unrecognized event/);
    });

    it("serves the Open Inference Protocol v2", async () => {
      expect((await call(server, "/v2/health/ready")).status).to.equal(200);
      const meta = await call(server, "/v2/models/sample-forest");
      expect(meta.body.inputs[0].shape).to.deep.equal([-1, 10]);
      const res = await postJson(server, "/v2/models/sample-forest/infer", {
        id: "req-1",
        inputs: [{ name: "float_input", shape: [2, 10], datatype: "FP32", data: ROWS.flat() }],
      });
      expect(res.status).to.equal(200);
      expect(res.body.id).to.equal("req-1");
      const [label, probabilities] = res.body.outputs;
      expect(label.data).to.deep.equal(ROWS.map((r) => reference.predict(r).label));
      expect(probabilities.shape).to.deep.equal([2, 2]);
      expect(probabilities.data[1]).to.be.closeTo(reference.predict(ROWS[0]!).probabilities[1]!, 1e-5);
      const unknown = await postJson(server, "/v2/models/other/infer", { inputs: [] });
      expect(unknown.status).to.equal(404);
    });

    it("exposes Prometheus metrics with latency histograms and counts by status", async () => {
      await postJson(server, "/predict", { instances: [[1]] });
      const res = await call(server, "/metrics");
      expect(res.status).to.equal(200);
      expect(res.text).to.match(/http_request_duration_seconds_bucket\{le="0.001",route="\/predict",method="POST",status="200"\} \d+/);
      expect(res.text).to.match(/http_requests_total\{route="\/predict",method="POST",status="400"\} [1-9]/);
      expect(res.text).to.match(/model_predicted_rows_total [1-9]/);
    });

    it("writes one JSON log line per request, with the request id", async () => {
      await postJson(server, "/predict", { instances: ROWS }, { "x-request-id": "log-me" });
      // Lines are written in batches, flushed at least every 100 ms (observability/logger.ts).
      const deadline = Date.now() + 1000;
      let line: string | undefined;
      while (!line && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        line = server.output().split("\n").find((l) => l.includes('"log-me"'));
      }
      expect(line, "access log line").to.be.a("string");
      expect(JSON.parse(line!)).to.include({ reqId: "log-me", route: "/predict", status: 200, level: "info" });
    });
  });
});
