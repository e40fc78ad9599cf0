/**
 * Finding 6: SIGTERM drains. Readiness turns 503 at once while requests are
 * still served for DRAIN_MS (load balancers stop routing, clients see
 * `Connection: close`), then the listener closes, stalled uploads are cut, and
 * the process exits 0 within SHUTDOWN_TIMEOUT_MS, whose default fits each
 * platform's SIGTERM → SIGKILL grace:
 * - Cloud Run: 10 s ("Container runtime contract", cloud.google.com/run/docs/container-contract#lifecycle);
 * - SageMaker: 30 s ("Custom Inference Code with Hosting Services": docker stop sends SIGTERM, then SIGKILL 30 s later);
 * - Lambda with an external extension (the Web Adapter): 300 ms for the runtime ("Lambda Extensions API", Shutdown phase);
 * - Vertex AI and Azure ML document none: Kubernetes' default terminationGracePeriodSeconds, 30 s.
 */
import { expect } from "chai";
import { Agent, request, type ClientRequest } from "node:http";
import { readConfig } from "../../app/src/config";
import { call, SAMPLE_MODEL_DIR, startServer, type RunningServer } from "./helpers/server";

const ROW = [0.5, -1.2, 0.3, 2.1, -0.7, 0.0, 1.1, -0.4, 0.9, -1.6];
const BODY = JSON.stringify({ instances: Array.from({ length: 50 }, (_, i) => Array.from({ length: 10 }, (_, j) => Math.sin(i + j))) });

function slowRequest(server: RunningServer): { req: ClientRequest; response: Promise<{ status: number; connection: string | undefined; body: string }> } {
  let req!: ClientRequest;
  const response = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    req = request(
      { host: "127.0.0.1", port: server.port, path: "/predict", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) } },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      },
    );
    req.on("error", reject);
  });
  req.write(BODY.slice(0, 100));
  return { req, response };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One keep-alive client predicting in a loop until a response tells it the connection is closing. */
async function keepAliveClient(server: RunningServer, agent: Agent, stats: { ok: number; failed: string[] }): Promise<void> {
  for (;;) {
    const result = await new Promise<{ status: number; closing: boolean } | string>((resolve) => {
      const req = request({ host: "127.0.0.1", port: server.port, path: "/predict", method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, closing: res.headers.connection === "close" }));
      });
      req.on("error", (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
      req.end(JSON.stringify({ instances: [ROW] }));
    });
    if (typeof result === "string") return void stats.failed.push(result);
    if (result.status !== 200) return void stats.failed.push(`status ${result.status}`);
    stats.ok++;
    if (result.closing) return; // as a load balancer would, stop sending here
  }
}

describe("app: graceful shutdown (finding 6)", function () {
  it("keeps serving 16 keep-alive clients through the drain with readiness 503, drops none, and exits 0", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, ACCESS_LOG: "false", DRAIN_MS: "700" });
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const stats = { ok: 0, failed: [] as string[] };
    const clients = Array.from({ length: 16 }, () => keepAliveClient(server, agent, stats));
    await sleep(300);
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    await sleep(150);
    expect((await call(server, "/health/ready")).status, "readiness during the drain").to.equal(503);
    expect((await call(server, "/health/live")).status, "liveness during the drain").to.equal(200);
    await Promise.all(clients);
    agent.destroy();
    expect(stats.failed, "requests reset or refused").to.deep.equal([]);
    expect(stats.ok).to.be.greaterThan(16);
    expect(await server.exited).to.equal(0);
    expect(Date.now() - signalled).to.be.lessThan(5000);
  });

  it("finishes a request still uploading when SIGTERM lands, with Connection: close, and exits 0", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR });
    const { req, response } = slowRequest(server);
    await sleep(100);
    server.child.kill("SIGTERM");
    await sleep(100);
    req.end(BODY.slice(100));
    const res = await response;
    expect(res.status).to.equal(200);
    expect(res.connection).to.equal("close");
    expect(JSON.parse(res.body).predictions).to.have.length(50);
    expect(await server.exited).to.equal(0);
    expect(server.output()).to.include('"msg":"stopped"');
  });

  it("cuts an upload that has stalled instead of waiting out SHUTDOWN_TIMEOUT_MS, and exits 0", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, SHUTDOWN_TIMEOUT_MS: "20000", DRAIN_MS: "100" });
    const { req, response } = slowRequest(server);
    response.catch(() => undefined); // the stalled upload is cut
    await sleep(100);
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    expect(await server.exited).to.equal(0);
    expect(Date.now() - signalled, "well inside Cloud Run's 10 s").to.be.lessThan(3000);
    expect(server.output()).to.include("cut stalled uploads");
    req.destroy();
  });

  it("defaults SHUTDOWN_TIMEOUT_MS inside each platform's grace period, from the variables the platform sets", () => {
    const cloudRun = readConfig({ K_SERVICE: "churn", PORT: "8080" });
    expect(cloudRun.platform).to.equal("cloudrun");
    expect(cloudRun.shutdownTimeoutMs).to.be.within(1, 10_000 - 1000);
    expect(cloudRun.maxInFlight, "never stricter than Cloud Run's maximum concurrency, which the platform enforces").to.equal(1000);
    const sageMaker = readConfig({}, ["serve"]);
    expect(sageMaker.platform).to.equal("sagemaker");
    expect(sageMaker.shutdownTimeoutMs).to.be.within(1, 30_000 - 1000);
    const lambda = readConfig({ AWS_LAMBDA_FUNCTION_NAME: "fn", AWS_LWA_PORT: "8080" });
    expect(lambda.shutdownTimeoutMs).to.be.within(1, 300 - 20);
    expect(lambda.maxInFlight, "one request per execution environment").to.equal(1);
    expect(readConfig({ AIP_HTTP_PORT: "8080", AIP_PREDICT_ROUTE: "/p" }).shutdownTimeoutMs).to.be.within(1, 30_000 - 1000);
    const azure = readConfig({ AZUREML_MODEL_DIR: "/var/azureml-app", MAX_CONCURRENT_REQUESTS: "32" });
    expect(azure.platform).to.equal("azureml");
    expect(azure.maxInFlight, "the deployment's max_concurrent_requests_per_instance, passed by the component").to.equal(32);
    for (const config of [cloudRun, sageMaker, lambda]) expect(config.drainMs).to.be.below(config.shutdownTimeoutMs);
  });
});
