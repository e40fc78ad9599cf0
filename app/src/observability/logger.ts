/**
 * JSON logs on stdout. pino's default destination is asynchronous
 * (sonic-boom, sync: false), so a log line costs a buffer append, not a write.
 */
import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "ml-endpoints-app" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
