/**
 * What clients do must not look like server failures:
 * - finding 7: a client that disconnects mid-body or before its answer is counted in http_client_aborts_total,
 *   never as a 5xx, and logs no stack trace;
 * - finding 9: with stdout stalled (a log collector that stopped reading) the log buffer stays bounded by
 *   LOG_BUFFER_BYTES: lines beyond it are dropped and counted, and the heap does not grow with them.
 */
import { expect } from "chai";
import { Agent, request } from "node:http";
import { call, metric, SAMPLE_MODEL_DIR, startServer } from "./helpers/server";

const ROW = [0.5, -1.2, 0.3, 2.1, -0.7, 0.0, 1.1, -0.4, 0.9, -1.6];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("app: client behaviour kept apart from server errors", function () {
  it("counts 5 client aborts as aborts, not as 500s, without a stack trace (finding 7)", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR });
    try {
      const batch = JSON.stringify({ instances: Array.from({ length: 20_000 }, () => ROW) });
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve) => {
          const req = request({ host: "127.0.0.1", port: server.port, path: "/predict", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(batch) } });
          req.on("error", () => resolve());
          if (i < 3) {
            req.write(batch.slice(0, 1000)); // hang up mid-body
            setTimeout(() => req.destroy(), 50);
          } else {
            // Hang up while the answer is being computed: once the whole body is written. A fixed 50 ms raced
            // the answer, which a 20,000-row batch now gets in ~45 ms.
            req.end(batch, () => req.destroy());
          }
        });
      }
      await sleep(600);
      const metrics = (await call(server, "/metrics")).text;
      expect(metric(metrics, "http_client_aborts_total", '{route="/predict"}')).to.equal(5);
      expect(metrics.split("\n").filter((l) => /^http_requests_total\{route="\/predict".*status="5/.test(l))).to.deep.equal([]);
      const errors = server.output().split("\n").filter((l) => l.includes(`"level":"error"`));
      expect(errors, "error log lines").to.deep.equal([]);
      expect(server.output()).to.not.match(/\n\s+at /);
    } finally {
      await server.stop();
    }
  });

  it("drops and counts log lines while stdout is stalled, with the heap bounded (finding 9)", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, LOG_BUFFER_BYTES: "65536", WORKERS: "1" }, { stallStdout: true });
    try {
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const heap = async () => metric((await call(server, "/metrics")).text, "nodejs_heap_size_used_bytes");
      const burst = async (count: number) => {
        for (let i = 0; i < count; i += 8) {
          await Promise.all(Array.from({ length: 8 }, () => new Promise<void>((resolve) => {
            const req = request({ host: "127.0.0.1", port: server.port, path: "/health/live", agent }, (res) => {
              res.resume();
              res.on("end", () => resolve());
            });
            req.on("error", () => resolve());
            req.end();
          })));
        }
      };
      await burst(4000);
      const before = await heap();
      await burst(8000);
      const after = await heap();
      agent.destroy();
      const metrics = (await call(server, "/metrics")).text;
      // 12,000 lines of ~200 bytes cannot fit a 64 KiB buffer plus a 64 KiB pipe.
      expect(metric(metrics, "log_lines_dropped_total")).to.be.greaterThan(5000);
      expect(after - before, "heap growth over 8,000 more logged requests").to.be.below(16 * 1024 * 1024);
      expect((await call(server, "/health/live")).status).to.equal(200);
    } finally {
      server.child.stdout!.resume();
      await server.stop();
    }
  });
});
