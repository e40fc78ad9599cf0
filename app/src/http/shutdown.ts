/**
 * SIGTERM/SIGINT drain, in three steps, all inside SHUTDOWN_TIMEOUT_MS (which
 * defaults to fit the platform's SIGTERM → SIGKILL grace, see platform.ts):
 * 1. for DRAIN_MS, readiness answers 503 (load balancers stop routing) while
 *    requests are still served, each answer closing its connection;
 * 2. then the listener closes, idle keep-alives and connections still without
 *    a request are closed, and uploads that have stalled are cut;
 * 3. once the last in-flight request is answered the workers stop and the
 *    process exits 0. At the deadline whatever is left is cut: exit 0 if that
 *    was only stalled clients, 1 if a prediction was still being worked on.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Config } from "../config";
import type { Logger } from "../observability/logger";
import type { ConnectionGuard } from "./connections";
import type { Tracked } from "./listener";
import type { ServerState } from "./routes";

/** An upload with no new bytes for this long, once draining is over, is not going to finish in time. */
const STALL_MS = 500;

export interface ShutdownDeps {
  server: Server;
  state: ServerState;
  logger: Logger;
  config: Pick<Config, "drainMs" | "shutdownTimeoutMs">;
  requests: Map<IncomingMessage, Tracked>;
  guard: ConnectionGuard;
  exit(code: number): void;
  /** Closes the extra accept handles; resolves once the connections they accepted have closed. */
  stopAcceptHandles(): Promise<void>;
}

export function installShutdown(deps: ShutdownDeps): void {
  const { server, state, logger, config, requests, guard, exit, stopAcceptHandles } = deps;
  const stop = (signal: NodeJS.Signals) => {
    if (state.closing) return;
    state.closing = true;
    const signalled = performance.now();
    logger.info({ signal, drainMs: config.drainMs, timeoutMs: config.shutdownTimeoutMs }, "shutting down: readiness 503, draining");
    let finished = false;
    const finish = (code: number, message: string, extra: Record<string, unknown> = {}) => {
      if (finished) return;
      finished = true;
      const log = code === 0 ? logger.info.bind(logger) : logger.error.bind(logger);
      log({ ms: Math.round(performance.now() - signalled), ...extra }, message);
      // Workers are stopped before exiting: exiting while one is inside onnxruntime aborts the process.
      const remainingMs = Math.max(0, config.shutdownTimeoutMs - (performance.now() - signalled));
      void (state.pool?.close(remainingMs) ?? Promise.resolve()).catch(() => undefined).finally(() => exit(code));
    };

    setTimeout(() => {
      const working = [...requests.values()].filter((r) => r.phase === "working").length;
      for (const { res } of requests.values()) res.destroy();
      finish(working > 0 ? 1 : 0, working > 0 ? "in-flight requests did not finish in time; exiting" : "stopped (cut unfinished clients)", { cut: requests.size, working });
    }, config.shutdownTimeoutMs).unref();

    setTimeout(() => {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const handlesClosed = stopAcceptHandles().catch(() => undefined);
      void Promise.all([serverClosed, handlesClosed]).then(() => finish(0, "stopped"));
      server.closeIdleConnections();
      // Connections with no request yet (idle, or still trickling headers) would hold close() open.
      for (const socket of guard.idleSockets()) socket.destroy();
      const sweep = setInterval(() => {
        const now = performance.now();
        let cut = 0;
        for (const { phase, lastProgress, res } of requests.values()) {
          if (phase !== "working" && now - lastProgress > STALL_MS) {
            res.destroy();
            cut++;
          }
        }
        if (cut > 0) logger.warn({ cut }, "shutdown: cut stalled uploads");
        for (const socket of guard.idleSockets()) socket.destroy();
      }, 100);
      sweep.unref();
    }, config.drainMs).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
