/**
 * JSON logs on stdout through pino's asynchronous destination (sonic-boom), so
 * a log line costs a buffer append, not a write. The buffer is bounded: while
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

export function createLogger(level: string, bufferBytes = 4 * 1024 * 1024): LogOutput {
  const destination = pino.destination({ dest: 1, sync: false, maxLength: bufferBytes, minLength: 0 });
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
