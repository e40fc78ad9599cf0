/**
 * Finding 2: inference and JSON work run on a pool of worker threads, one per
 * core, so the main thread answers health checks while a maximal batch is being
 * parsed, run and serialised. The check is an ordering, not a timing: a /ping
 * sent while a 50,000-row batch is in the worker is answered before that batch
 * (on the old single thread it waited for all of it).
 */
import { expect } from "chai";
import { call, metric, SAMPLE_MODEL_DIR, startServer } from "./helpers/server";

const ROWS = 50_000;
const BATCH = JSON.stringify({ instances: Array.from({ length: ROWS }, (_, r) => Array.from({ length: 10 }, (_, f) => ((r * 7 + f * 13) % 17) - 8)) });

describe("app: inference off the main thread, on every core (finding 2)", function () {
  it("answers /ping while a 50,000-row batch is being worked on, and runs one worker per core", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, WORKERS: "2", ACCESS_LOG: "false" });
    try {
      const order: string[] = [];
      // Ordered by when the batch's response headers arrive: reading its 3 MB body would blur the order.
      const batch = fetch(`${server.base}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: BATCH }).then(async (res) => {
        order.push("batch");
        return { status: res.status, body: (await res.json()) as { predictions: unknown[] } };
      });
      // Let the upload land and the work begin (parse + inference of this batch take hundreds of ms).
      await new Promise((r) => setTimeout(r, 150));
      const ping = await call(server, "/ping");
      order.push("ping");
      const res = await batch;
      expect(res.status).to.equal(200);
      expect(res.body.predictions).to.have.length(ROWS);
      expect(ping.status).to.equal(200);
      expect(order, "the health check must not wait for the batch").to.deep.equal(["ping", "batch"]);

      const metrics = (await call(server, "/metrics")).text;
      expect(metric(metrics, "inference_workers_ready")).to.equal(2);
      expect(metric(metrics, "model_predicted_rows_total")).to.equal(ROWS);
    } finally {
      await server.stop();
    }
  });
});
