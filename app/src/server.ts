/**
 * Entry point: `node dist/server.js [serve]`. SageMaker starts the image as
 * `<image> serve`; every other target runs it without arguments.
 *
 * It listens first (SageMaker wants connections accepted quickly), answers
 * health checks with 503 until the model is loaded, and exits non-zero with
 * a message naming the path if the model cannot be loaded.
 */
import { createServer } from "node:http";
import { readConfig, type Config } from "./config";
import { createListener } from "./http/listener";
import { buildRouter, type ServerState } from "./http/routes";
import { installShutdown } from "./http/shutdown";
import { loadModel } from "./model/load";
import { createLogger, type Logger } from "./observability/logger";
import { Metrics } from "./observability/metrics";

function exitWith(logger: Logger, code: number): never {
  logger.flush();
  // pino's asynchronous destination flushes on exit.
  process.exit(code);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let config: Config;
  try {
    if (args.length > 1 || (args[0] !== undefined && args[0] !== "serve")) {
      throw new Error(`unknown arguments "${args.join(" ")}": the only accepted argument is "serve"`);
    }
    config = readConfig();
  } catch (err) {
    process.stderr.write(`ml-endpoints-app: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const metrics = new Metrics();
  const state: ServerState = { model: undefined, closing: false };
  const server = createServer(createListener(buildRouter(config, state, metrics), state, metrics, logger, config.accessLog));
  // Longer than the load balancers' idle timeouts (ALB 60 s), so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  server.once("error", (err) => {
    logger.fatal({ err: err.message, port: config.port }, "cannot listen");
    exitWith(logger, 1);
  });
  server.listen(config.port, config.host, () => logger.info({ host: config.host, port: config.port }, "listening"));
  installShutdown(server, state, logger, config.shutdownTimeoutMs);

  const started = performance.now();
  try {
    state.model = await loadModel(config, logger);
  } catch (err) {
    logger.fatal({ error: (err as Error).message }, "model load failed");
    exitWith(logger, 1);
  }
  const model = state.model;
  logger.info(
    {
      path: model.path,
      name: model.name,
      version: model.version,
      features: model.featureCount,
      classes: model.classLabels,
      ms: Math.round(performance.now() - started),
      uptimeMs: Math.round(process.uptime() * 1000),
    },
    "model ready",
  );
}

void main();
