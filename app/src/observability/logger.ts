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

export interface LogOutput {
  logger: Logger;
  /** Lines dropped because the buffer was full. */
  dropped(): number;
}

/** A write syscall per this many bytes of log lines (~30 access-log lines; sonic-boom caps a write at 16 KiB), not per line. */
const FLUSH_BYTES = 8 * 1024;
/** The longest a line waits in the buffer. */
const FLUSH_EVERY_MS = 100;

export function createLogger(level: string, bufferBytes = 4 * 1024 * 1024): LogOutput {
  const minLength = Math.min(FLUSH_BYTES, Math.floor(bufferBytes / 4));
  const destination = pino.destination({ dest: 1, sync: false, maxLength: bufferBytes, minLength });
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
      base: { service: "ml-endpoints-app" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return { logger, dropped: () => dropped };
}
