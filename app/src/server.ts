/**
 * Entry point: `node dist/server.js [serve]`. SageMaker starts the image as
 * `<image> serve`; every other target runs it without arguments.
 *
 * It listens first (SageMaker wants connections accepted quickly), answers
 * health checks with 503 until the model is loaded on the main thread, then
 * starts the inference workers, and exits non-zero with a message naming the
 * path if the model cannot be loaded.
 */
import { createServer } from "node:http";
import { readConfig, type Config } from "./config";
import { addAcceptHandles, type AcceptHandles } from "./http/accept-handles";
import { Admission } from "./http/admission";
import { ConnectionGuard } from "./http/connections";
import { createListener, type Tracked } from "./http/listener";
import { buildRouter, type ServerState } from "./http/routes";
import { installShutdown } from "./http/shutdown";
import { InferencePool } from "./inference/pool";
import { Classifier } from "./model/classifier";
import { downloadIfConfigured } from "./model/load";
import { locateModel } from "./model/locate";
import { createLogger, type Logger } from "./observability/logger";
import { Metrics } from "./observability/metrics";

/** Connections the kernel queues before they are accepted. */
const LISTEN_BACKLOG = 4096;

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
    config = readConfig(process.env, args);
  } catch (err) {
    process.stderr.write(`ml-endpoints-app: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const { logger, access, dropped } = createLogger(config.logLevel, config.logBufferBytes);
  const metrics = new Metrics();
  metrics.sources.droppedLogLines = dropped;
  const state: ServerState = { pool: undefined, workers: undefined, local: undefined, model: undefined, closing: false };
  const requests = new Map<import("node:http").IncomingMessage, Tracked>();
  const guard = new ConnectionGuard(config.maxConnections, config.healthReserve, metrics);
  const admission = new Admission(config.maxInFlight, config.maxBufferedBytes, metrics);
  const { onRequest, onCheckContinue } = createListener({
    router: buildRouter(config, state, metrics),
    state,
    metrics,
    logger,
    access,
    config,
    admission,
    guard,
    requests,
  });
  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // Timeouts are enforced by a sweep at this interval (default 30 s, which made a 66 s headers timeout ~90 s).
      connectionsCheckingInterval: 1000,
    },
    onRequest,
  );
  server.on("checkContinue", onCheckContinue);
  guard.install(server);

  server.once("error", (err) => {
    logger.fatal({ err: err.message, port: config.port }, "cannot listen");
    exitWith(logger, 1);
  });
  // A listen queue deep enough for a burst of connections (Node defaults to 511; the kernel caps it at somaxconn):
  // when it overflows, the kernel drops SYNs, and a health check caught in that waits 1 s, 3 s... for a retry.
  server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () =>
    logger.info(
      {
        host: config.host,
        port: config.port,
        platform: config.platform,
        workers: config.workers,
        maxConcurrentRequests: config.maxInFlight,
        maxBufferedBytes: config.maxBufferedBytes,
        maxConnections: config.maxConnections,
        shutdownTimeoutMs: config.shutdownTimeoutMs,
        drainMs: config.drainMs,
      },
      "listening",
    ),
  );
  // Exiting while onnxruntime is creating a session aborts the process, so the exit waits for every session
  // being created (the main thread's, then the workers') and stops the workers once they have settled.
  let localLoad: Promise<unknown> = Promise.resolve();
  let workersStart: Promise<unknown> = Promise.resolve();
  let acceptHandles: Promise<AcceptHandles | undefined> = Promise.resolve(undefined);
  const exit = (code: number) =>
    void localLoad
      .catch(() => undefined)
      .then(() => workersStart)
      .then(() => state.pool?.close())
      .catch(() => undefined)
      .finally(() => exitWith(logger, code));
  installShutdown({
    server,
    state,
    logger,
    config,
    requests,
    guard,
    exit,
    // Connections accepted on the extra handles are not the server's own: close() waits for them separately.
    stopAcceptHandles: () => acceptHandles.then((handles) => handles?.close()),
  });

  // Readiness needs one session, on the main thread, with every load-time check (strict location, classifier,
  // probe rows). The worker pool starts only after that, so its sessions never delay the first answer; until a
  // worker is ready, tiny bodies run on the main thread and larger ones wait for the pool.
  const started = performance.now();
  let local: Classifier;
  try {
    await downloadIfConfigured(config, logger);
    const path = locateModel(config);
    const loading = Classifier.load(path, { name: config.modelName, version: config.modelVersion });
    localLoad = loading;
    local = await loading;
  } catch (err) {
    logger.fatal({ error: (err as Error).message }, "model load failed");
    exitWith(logger, 1);
  }
  const model = local.info();
  state.local = local;
  state.model = model;
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
  metrics.startDefaultMetrics();
  if (state.closing) return;

  if (config.acceptHandles > 0) {
    const acceptStarted = performance.now();
    acceptHandles = addAcceptHandles(server, config.acceptHandles, LISTEN_BACKLOG).then(
      (handles) => {
        logger.info({ acceptHandles: handles.count, ms: Math.round(performance.now() - acceptStarted) }, "extra accept handles ready");
        return handles;
      },
      (err: Error) => {
        // Only bursts of new connections are accepted more slowly without them: keep serving.
        logger.warn({ error: err.message }, "extra accept handles unavailable; accepting one connection per event-loop turn");
        return undefined;
      },
    );
  }

  const poolStarted = performance.now();
  const pool = InferencePool.start(
    config.workers,
    { path: model.path, name: config.modelName, version: config.modelVersion },
    {
      onWorkerExit: (index, code, jobs) => {
        metrics.workerRestarts.inc();
        logger.error({ worker: index, code, failedJobs: jobs }, "inference worker exited; replacing it");
      },
    },
  ).then(
    (ready) => {
      state.pool = ready;
      metrics.sources.readyWorkers = () => ready.readyWorkers;
      logger.info({ workers: `${ready.readyWorkers}/${ready.size} ready`, ms: Math.round(performance.now() - poolStarted) }, "inference workers ready");
      return ready;
    },
    (err: Error) => {
      // The main thread's session passed every check, so this is the environment (memory, threads): keep serving.
      logger.error({ error: err.message }, "inference workers failed to start; every prediction runs on the main thread");
      return undefined;
    },
  );
  state.workers = pool;
  workersStart = pool;
}

void main();
