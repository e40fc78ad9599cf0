/**
 * Accepting under a connection flood (issue #16, finding 3: a fresh health check waited 10 s at 1,000
 * connections). libuv accepts one connection per readiness event of a listening handle (libuv/libuv#3696,
 * "unix: don't accept() connections in a loop"; Node 20 ships libuv 1.46), so a busy loop accepted one connection
 * per turn. The server therefore watches its listening socket through 1 + ACCEPT_HANDLES descriptors
 * (app/src/http/accept-handles.ts). Checked here on Linux's /proc, not by timing: the descriptor count, and that a
 * burst arriving at once is accepted and served through them.
 */
import { expect } from "chai";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { connect } from "node:net";
import { call, SAMPLE_MODEL_DIR, startServer, type RunningServer } from "./helpers/server";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Descriptors of process `pid` that refer to the socket listening on 127.0.0.1:`port` (from /proc/net/tcp). */
function listeningDescriptors(pid: number, port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const line = readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1] === local && f[3] === "0A"); // 0A: TCP_LISTEN
  if (!line) throw new Error(`nothing listens on 127.0.0.1:${port}`);
  const target = `socket:[${line[9]}]`;
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === target;
    } catch {
      return false; // closed meanwhile
    }
  }).length;
}

async function untilLogged(server: RunningServer, pattern: RegExp, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(server.output())) {
    if (Date.now() > deadline) throw new Error(`not logged within ${timeoutMs} ms: ${pattern}\n${server.output()}`);
    await sleep(20);
  }
}

/** Opens `count` connections at once, each sending GET /ping and closing; resolves with their status lines. */
function burst(port: number, count: number): Promise<string[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<string>((resolve) => {
          let text = "";
          const socket = connect(port, "127.0.0.1", () => socket.write("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
          socket.on("data", (c: Buffer) => (text += c.toString()));
          socket.on("close", () => resolve(text.split("\r\n")[0] ?? ""));
          socket.on("error", () => resolve("error"));
        }),
    ),
  );
}

describe("app: accepting a flood of connections", function () {
  if (process.platform !== "linux") return;

  it("watches the listening socket through 1 + ACCEPT_HANDLES descriptors and serves a burst through them", async () => {
    const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, ACCEPT_HANDLES: "8" });
    try {
      await untilLogged(server, /"acceptHandles":8,.*"msg":"extra accept handles ready"/);
      // The server's own descriptor plus 8 copies; the child that made them has exited with its own.
      expect(listeningDescriptors(server.child.pid!, server.port)).to.equal(9);
      const answers = await burst(server.port, 200);
      expect(answers.filter((a) => a === "HTTP/1.1 200 OK")).to.have.length(200);
      expect((await call(server, "/ping")).status).to.equal(200);
      expect(await server.stop(), "SIGTERM with the extra handles open").to.equal(0);
      expect(server.output()).to.match(/"msg":"stopped"/);
    } finally {
      await server.stop();
    }
  });

  it("keeps to its own descriptor with ACCEPT_HANDLES=0 and on Lambda, and refuses a bad value naming the key", async () => {
    const envs: Record<string, string>[] = [{ ACCEPT_HANDLES: "0" }, { AWS_LAMBDA_FUNCTION_NAME: "fn", DEMO_MODEL: "true" }];
    for (const env of envs) {
      const server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, ...env });
      try {
        await sleep(300);
        expect(listeningDescriptors(server.child.pid!, server.port), JSON.stringify(env)).to.equal(1);
        expect(server.output()).not.to.match(/extra accept handles/);
      } finally {
        await server.stop();
      }
    }
    const refused = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, ACCEPT_HANDLES: "many" }, { waitFor: false });
    const code = await Promise.race([refused.exited, sleep(5000).then(() => refused.stop().then(() => "still running after 5 s"))]);
    expect(code).to.equal(2);
    expect(refused.output()).to.match(/ACCEPT_HANDLES must be a non-negative integer, got "many"/);
  });
});
