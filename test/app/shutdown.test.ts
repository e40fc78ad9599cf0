/**
 * SIGTERM with a request in flight: the request is one whose client is still
 * streaming its body, so it is genuinely unfinished when the signal lands.
 */
import { expect } from "chai";
import { request, type ClientRequest } from "node:http";
import { SAMPLE_MODEL_DIR, startServer, type RunningServer } from "./helpers/server";

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

describe("app: graceful shutdown", function () {
  it("on SIGTERM refuses new connections, finishes the in-flight request with 200, and exits 0", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR });
    const { req, response } = slowRequest(server);
    await sleep(100);

    const signalled = Date.now();
    server.child.kill("SIGTERM");
    await sleep(100);
    let refused: unknown;
    try {
      await fetch(`${server.base}/health/live`);
    } catch (err) {
      refused = (err as { cause?: { code?: string } }).cause?.code;
    }
    expect(refused, "a new connection after SIGTERM").to.equal("ECONNREFUSED");
    expect(server.child.exitCode, "still running while a request is in flight").to.equal(null);

    req.end(BODY.slice(100));
    const res = await response;
    expect(res.status).to.equal(200);
    expect(res.connection).to.equal("close");
    expect(JSON.parse(res.body).predictions).to.have.length(50);

    expect(await server.exited).to.equal(0);
    expect(Date.now() - signalled).to.be.lessThan(5000);
    expect(server.output()).to.include('"msg":"stopped"');
  });

  it("exits 1 once SHUTDOWN_TIMEOUT_MS passes with a request still unfinished", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, SHUTDOWN_TIMEOUT_MS: "300" });
    const { req, response } = slowRequest(server);
    response.catch(() => undefined); // the connection is cut when the process exits
    await sleep(100);
    const signalled = Date.now();
    server.child.kill("SIGTERM");
    expect(await server.exited).to.equal(1);
    expect(Date.now() - signalled).to.be.within(250, 3000);
    expect(server.output()).to.include("in-flight requests did not finish in time");
    req.destroy();
  });
});
