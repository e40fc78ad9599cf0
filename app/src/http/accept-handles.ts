/**
 * Extra accept handles on the listening socket, so a flood of new connections
 * cannot starve a health check's.
 *
 * libuv accepts one connection per readiness event of a listening handle
 * (libuv/libuv#3696, "unix: don't accept() connections in a loop", in Node 20's
 * libuv 1.46). A busy event loop therefore accepts one connection per turn: with
 * 1,000 clients connecting at once and each turn answering hundreds of requests,
 * the kernel's accept queue drained at 20–100 connections a second and a health
 * check's fresh connection waited 2.5–6.6 s in it (strace: exactly one accept4
 * per epoll_wait, even for a 3-line hello-world server).
 *
 * Each extra handle holds its own descriptor of the same socket; epoll reports
 * each one, so a turn accepts up to 1 + ACCEPT_HANDLES connections. Node cannot
 * duplicate a descriptor itself, so a short-lived child process receives the
 * socket over IPC (SCM_RIGHTS) and sends it back `count` times; every copy that
 * arrives is a new descriptor. The child only holds raw handles (it never
 * listens, so it never accepts) and exits once they are sent. Connections accepted
 * on an extra handle are given to the HTTP server exactly as its own are.
 */
import { fork } from "node:child_process";
import { extname, join } from "node:path";
import { createServer, type Server as NetServer, type Socket } from "node:net";
import type { Server } from "node:http";

export interface AcceptHandles {
  /** Extra handles now accepting. */
  readonly count: number;
  /** Stops accepting on them; resolves once every connection they accepted has closed. */
  close(): Promise<void>;
}

/** The child's script, next to this module (dist/http/*.js, or src/http/*.ts under tsx). */
const DUPLICATOR = join(__dirname, `descriptor-copies${extname(__filename)}`);

/**
 * Adds `count` accept handles to `server`'s listening socket. Rejects (and leaves the server as it was) if the
 * server has no socket yet or the child does not send every copy within `timeoutMs`.
 */
export function addAcceptHandles(server: Server, count: number, backlog: number, timeoutMs = 10_000): Promise<AcceptHandles> {
  // The listening socket's native handle: the one thing child_process can send as a raw descriptor ("net.Native").
  const listening = (server as unknown as { _handle?: object | null })._handle;
  if (!listening) return Promise.reject(new Error("the server is not listening"));
  return new Promise((resolve, reject) => {
    const extra: NetServer[] = [];
    const child = fork(DUPLICATOR, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill();
      for (const handle of extra) handle.close();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`${extra.length} of ${count} descriptor copies arrived within ${timeoutMs} ms`)), timeoutMs);
    const give = (socket: Socket) => server.emit("connection", socket);
    child.on("error", fail);
    child.on("message", (message: unknown, handle: unknown) => {
      if (message !== "copy" || !handle) return;
      // Same socket options the HTTP server gives its own connections (http.Server sets noDelay by default).
      const acceptor = createServer({ noDelay: true }, give);
      // listen(handle) re-runs listen(2) on the shared socket, so the backlog must be the server's own.
      acceptor.listen(handle as Parameters<NetServer["listen"]>[0], backlog);
      extra.push(acceptor);
      if (extra.length < count) return;
      clearTimeout(timer);
      child.disconnect();
      resolve({
        count: extra.length,
        close: () => Promise.all(extra.map((acceptor) => new Promise<void>((done) => acceptor.close(() => done())))).then(() => undefined),
      });
    });
    child.send({ count }, listening as Parameters<typeof child.send>[1]);
  });
}
