/**
 * Overload and hostile clients, over loopback:
 * - finding 3: past MAX_CONCURRENT_REQUESTS / MAX_BUFFERED_BYTES a prediction gets 503 + Retry-After before its
 *   body is read, and /metrics shows in-flight, admitted and shed;
 * - finding 8: slowloris sockets past the open-file limit cannot starve health checks, and a client that never
 *   reads its answer is cut after WRITE_TIMEOUT_MS;
 * - finding 10: an oversized upload is answered 413 (the rest of the body is discarded, no broken pipe), and
 *   `Expect: 100-continue` gets the 413 instead of 100 (RFC 9110 §10.1.1: a server may answer with a final
 *   status instead of 100 Continue).
 */
import { expect } from "chai";
import { request, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import { call, metric, SAMPLE_MODEL_DIR, SERVER_JS, startServer, type RunningServer } from "./helpers/server";

const ROW = [0.5, -1.2, 0.3, 2.1, -0.7, 0.0, 1.1, -0.4, 0.9, -1.6];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
  continued: boolean;
}

/** A POST that declares `length` bytes and sends `send` of them (all, by default), then waits for the answer. */
function upload(server: RunningServer, length: number, options: { send?: number; expect100?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": length };
    if (options.expect100) headers.expect = "100-continue";
    const req = request({ host: "127.0.0.1", port: server.port, path: "/predict", method: "POST", headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, continued }));
    });
    req.on("continue", () => {
      continued = true;
      req.end(Buffer.alloc(length, 0x20));
    });
    req.on("error", reject);
    req.flushHeaders();
    if (!options.expect100) {
      const send = options.send ?? length;
      if (send > 0) req.write(Buffer.alloc(send, 0x20));
      if (send === length) req.end();
    }
  });
}

describe("app: admission control and hostile clients", function () {
  it("sheds past MAX_CONCURRENT_REQUESTS and MAX_BUFFERED_BYTES with 503 + Retry-After before reading the body (finding 3)", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, MAX_CONCURRENT_REQUESTS: "2", MAX_BUFFERED_BYTES: "100000", MAX_BODY_BYTES: "90000" });
    try {
      // Two uploads stall half-way: both are admitted and held.
      const held = [upload(server, 1000, { send: 10 }), upload(server, 1000, { send: 10 })];
      held.forEach((p) => p.catch(() => undefined));
      await sleep(100);
      const shed = await upload(server, 1000, { send: 0 });
      expect(shed.status, "a third request while two are in flight").to.equal(503);
      expect(shed.headers["retry-after"]).to.equal("1");
      // Kept alive: answering on an open connection is the cheapest shed (closing made every shed client reconnect).
      expect(shed.headers.connection, "a shed connection stays open").to.equal("keep-alive");
      expect(JSON.parse(shed.body).error).to.match(/concurrent-request limit \(MAX_CONCURRENT_REQUESTS\)/);
      let metrics = (await call(server, "/metrics")).text;
      expect(metric(metrics, "http_requests_in_flight")).to.equal(2);
      expect(metric(metrics, "http_requests_shed_total", '{reason="in_flight"}')).to.equal(1);
      expect(metric(metrics, "http_requests_admitted_total")).to.equal(2);
      expect((await call(server, "/ping")).status, "health is never shed").to.equal(200);
      // Sheds are summarised once a second (counts by reason), not logged one warning or access line each.
      await sleep(1100);
      const log = server.output();
      expect(log).to.match(/"shed":\{"in_flight":1\},"windowMs":1000,"msg":"shedding load: 503 with Retry-After"/);
      // (Readiness answers 503 while the model loads, and that has its access line: only /predict's are looked for.)
      expect(log, "no access line for the shed request").not.to.match(/"path":"\/predict","route":"\/predict","status":503/);
      await server.stop();

      const bytes = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, MAX_BUFFERED_BYTES: "100000", MAX_BODY_BYTES: "90000" });
      try {
        const big = upload(bytes, 80_000, { send: 10 });
        big.catch(() => undefined);
        await sleep(100);
        const refused = await upload(bytes, 80_000, { send: 0 });
        expect(refused.status, "a second 80 kB upload over a 100 kB budget").to.equal(503);
        expect(JSON.parse(refused.body).error).to.match(/MAX_BUFFERED_BYTES/);
        expect(refused.headers.connection, "over 64 KiB the body is discarded and the connection kept").to.equal("keep-alive");
        metrics = (await call(bytes, "/metrics")).text;
        expect(metric(metrics, "http_requests_shed_total", '{reason="body_bytes"}')).to.equal(1);
        expect(metric(metrics, "http_buffered_body_bytes")).to.be.at.least(80_000);
      } finally {
        await bytes.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it("keeps health checks answering with 300 slowloris sockets past a 256 open-file limit, and cuts unread answers (finding 8)", async () => {
    const server = await startServer(
      { MODEL_DIR: SAMPLE_MODEL_DIR, ACCESS_LOG: "false", WORKERS: "1", WRITE_TIMEOUT_MS: "300" },
      { command: ["/bin/sh", "-c", `ulimit -n 256 && exec "${process.execPath}" "${SERVER_JS}"`] },
    );
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 300; i++) {
        const socket = connect(server.port, "127.0.0.1");
        socket.on("error", () => undefined);
        socket.write("POST /predict HTTP/1.1\r\nHost: x\r\n"); // headers never finished
        sockets.push(socket);
      }
      await sleep(500);
      const ping = await call(server, "/ping", { signal: AbortSignal.timeout(5000) });
      expect(ping.status).to.equal(200);
      const metrics = (await call(server, "/metrics")).text;
      expect(metric(metrics, "http_connections_evicted_total", '{reason="no_request"}')).to.be.greaterThan(0);
      expect(metric(metrics, "http_open_connections")).to.be.below(256);

      // Below the soft cap again (in the reserved slots only health checks are served), a client sends a
      // large batch and never reads the answer.
      for (const socket of sockets.splice(0)) socket.destroy();
      await sleep(100);
      const batch = JSON.stringify({ instances: Array.from({ length: 50_000 }, () => ROW) });
      const lazy = connect(server.port, "127.0.0.1");
      lazy.on("error", () => undefined);
      // Four pipelined, so the answers outgrow what the kernel's socket buffers absorb.
      const one = `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(batch)}\r\n\r\n${batch}`;
      lazy.write(one.repeat(4));
      lazy.pause();
      const deadline = Date.now() + 5000;
      let cut = 0;
      while (cut === 0 && Date.now() < deadline) {
        await sleep(100);
        cut = metric((await call(server, "/metrics")).text, "http_connections_evicted_total", '{reason="write_timeout"}');
      }
      expect(cut, "the unread answer is cut after WRITE_TIMEOUT_MS").to.be.at.least(1);
      lazy.destroy();
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.stop();
    }
  });

  it("answers an oversized upload with 413 after discarding it, and Expect: 100-continue with 413 instead of 100 (finding 10)", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, MAX_BODY_BYTES: "4096" });
    try {
      const streamed = await upload(server, 2 * 1024 * 1024);
      expect(streamed.status, "a 2 MB body declared up front, sent in full").to.equal(413);
      expect(JSON.parse(streamed.body).error).to.match(/larger than the 4096-byte limit \(MAX_BODY_BYTES\)/);
      const expecting = await upload(server, 1024 * 1024, { expect100: true });
      expect(expecting.continued, "no 100 Continue for a body that will be refused").to.equal(false);
      expect(expecting.status).to.equal(413);
      const ok = await upload(server, 100, { expect100: true });
      expect(ok.continued, "100 Continue once admitted").to.equal(true);
      expect(ok.status, "then the (blank) body is read and refused as JSON").to.equal(400);
    } finally {
      await server.stop();
    }
  });
});
