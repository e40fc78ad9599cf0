/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish
 * (their responses carry `Connection: close`), then exit 0. If that takes
 * longer than the limit (platforms send SIGKILL 30 s after SIGTERM), exit 1.
 */
import type { Server } from "node:http";
import type { Logger } from "../observability/logger";
import type { ServerState } from "./routes";

export function installShutdown(server: Server, state: ServerState, logger: Logger, timeoutMs: number): void {
  const stop = (signal: NodeJS.Signals) => {
    if (state.closing) return;
    state.closing = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    setTimeout(() => {
      logger.error({ timeoutMs }, "in-flight requests did not finish in time; exiting");
      logger.flush();
      process.exit(1);
    }, timeoutMs).unref();
    server.close(() => {
      logger.info("stopped");
      logger.flush();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
