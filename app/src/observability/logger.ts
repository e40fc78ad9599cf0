/**
 * JSON logs on stdout through pino's asynchronous destination (sonic-boom), so
 * a log line costs a buffer append, not a write: lines are written in batches
 * of FLUSH_BYTES, and whatever is buffered is flushed every FLUSH_EVERY_MS (and
 * on exit), so a quiet server's last lines are never held for long. One write
 * per line cost ~17 µs a request on the hot path. The buffer is bounded: while
 * stdout is stalled (a full pipe, a slow collector) at most `bufferBytes` are
 * held, and lines beyond that are dropped and counted instead of growing the heap.
 */
import pino from "pino";

export type Logger = pino.Logger;

/** One access-log line's fields (the listener's "request" line). */
export interface AccessLine {
  reqId: string;
  method: string;
  path: string;
  route: string;
  status: number;
  ms: number;
}

export interface LogOutput {
  logger: Logger;
  /**
   * Writes an info-level "request" line exactly as `logger.info(fields, "request")` would, formatted by hand:
   * pino's generic serialiser was a third of the per-request logging cost. A no-op when info is disabled.
   */
  access(line: AccessLine): void;
  /** Lines dropped because the buffer was full. */
  dropped(): number;
}

/** A write syscall per this many bytes of log lines (~30 access-log lines; sonic-boom caps a write at 16 KiB), not per line. */
const FLUSH_BYTES = 8 * 1024;
const SERVICE = "ml-endpoints-app";
/** The most one write takes from the buffer. */
const MAX_WRITE_BYTES = 1024 * 1024;
/** The longest a line waits in the buffer. */
const FLUSH_EVERY_MS = 100;

export function createLogger(level: string, bufferBytes = 4 * 1024 * 1024): LogOutput {
  const minLength = Math.min(FLUSH_BYTES, Math.floor(bufferBytes / 4));
  // One write is in flight at a time and the next starts from its callback, i.e. once per event-loop turn: capped at
  // sonic-boom's default 16 KiB, a flood's 30–100 ms turns wrote ~300 KB/s and most access lines were dropped.
  const destination = pino.destination({ dest: 1, sync: false, maxLength: bufferBytes, minLength, maxWrite: MAX_WRITE_BYTES });
  // An empty buffer makes this one zero-byte write; a stalled stdout (a write still pending) makes it a no-op.
  setInterval(() => {
    try {
      destination.flush();
    } catch {
      // Destroyed (stdout closed): nothing more can be written.
    }
  }, FLUSH_EVERY_MS).unref();
  let dropped = 0;
  // sonic-boom emits "drop" with the data it refused; pino writes one line per call.
  destination.on("drop", () => dropped++);
  const logger = pino(
    {
      level,
      base: { service: SERVICE },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const infoEnabled = logger.isLevelEnabled("info");
  // Same field order as pino: level, time, base, the fields, msg.
  const access = (line: AccessLine): void => {
    if (!infoEnabled) return;
    destination.write(
      `{"level":"info","time":"${new Date().toISOString()}","service":"${SERVICE}","reqId":${JSON.stringify(line.reqId)},` +
        `"method":${JSON.stringify(line.method)},"path":${JSON.stringify(line.path)},"route":${JSON.stringify(line.route)},` +
        `"status":${line.status},"ms":${line.ms},"msg":"request"}\n`,
    );
  };
  return { logger, access, dropped: () => dropped };
}
