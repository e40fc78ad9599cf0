/** Everything the server reads from its environment, in one place. */
import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
import { detectPlatform, drainWindowMs, PLATFORM_DEFAULTS, shutdownBudgetMs, type Platform } from "./platform";

export interface Config {
  platform: Platform;
  port: number;
  host: string;
  /** Explicit model directory (MODEL_DIR): when set, the only place looked at. */
  modelDir: string | undefined;
  /** Azure ML mounts the model here, possibly nested a few directories deep. */
  azureModelDir: string | undefined;
  /** SageMaker unpacks model.tar.gz here (/opt/ml/model; SM_MODEL_DIR overrides, as in SageMaker's own toolkits). */
  sageMakerModelDir: string;
  /** True when SM_MODEL_DIR was set explicitly (then it must hold the model). */
  sageMakerModelDirExplicit: boolean;
  /** DEMO_MODEL=true: serve the model baked into the image (the sample, unless replaced) off Lambda. Never implied. */
  demoModel: boolean;
  /** The model baked into the image (IMAGE_MODEL_DIR): Lambda's model, or the demo. */
  imageModelDir: string | undefined;
  /** Vertex AI: gs:// prefix to download the model from. */
  storageUri: string | undefined;
  /** Where a downloaded model is written. */
  downloadDir: string;
  vertexHealthRoute: string | undefined;
  vertexPredictRoute: string | undefined;
  maxBodyBytes: number;
  logLevel: string;
  /** Log one line per successful request (errors are always logged). */
  accessLog: boolean;
  /** Bytes of log output buffered while stdout is stalled; beyond it lines are dropped and counted. */
  logBufferBytes: number;
  modelName: string | undefined;
  modelVersion: string | undefined;
  /** Inference worker threads. */
  workers: number;
  /** Bodies up to this size are run on the main thread's own session (0: never). */
  fastPathBytes: number;
  /** Prediction requests admitted at once (reading, queued or running); the rest get 503 + Retry-After. */
  maxInFlight: number;
  /** Request and response body bytes held at once across admitted requests. */
  maxBufferedBytes: number;
  /** Open connections; kept below the open-file limit. */
  maxConnections: number;
  /** Connection slots kept for health checks: near the cap, idle and header-less connections are evicted. */
  healthReserve: number;
  /** Extra descriptors accepting on the listening socket (http/accept-handles.ts); 0: only the server's own. */
  acceptHandles: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** A response the client does not read within this long is cut. */
  writeTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** After SIGTERM: readiness 503 while still serving, for this long. */
  drainMs: number;
  /** After SIGTERM: everything is finished or cut by then. */
  shutdownTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

function positiveInt(env: Env, name: string, fallback: number, allowZero = false): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new Error(`${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** The soft RLIMIT_NOFILE from /proc (Linux); 1024, the common default, when it cannot be read. */
export function openFileLimit(): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isInteger(soft) && soft > 0 ? soft : 1024;
  } catch {
    return 1024;
  }
}

/** File descriptors node, onnxruntime and the worker threads use besides connections (measured ~40; doubled). */
const FD_OVERHEAD = 80;

/**
 * Extra accept handles by default: enough that a burst of 1,000 connections is accepted within ~16 event-loop
 * turns. Lambda sends one request at a time over one connection, so it gets none.
 */
const DEFAULT_ACCEPT_HANDLES = 64;
/** Each handle is a descriptor and an epoll entry reported on every turn with a non-empty accept queue. */
const MAX_ACCEPT_HANDLES = 1024;

/** The first port variable that is set, in the order the platforms are checked. */
const PORT_VARIABLES = ["SAGEMAKER_BIND_TO_PORT", "AIP_HTTP_PORT", "PORT", "AWS_LWA_PORT"] as const;

export function readConfig(env: Env = process.env, args: readonly string[] = []): Config {
  const portVariable = PORT_VARIABLES.find((name) => nonEmpty(env[name]) !== undefined);
  const port = portVariable ? positiveInt(env, portVariable, 8080) : 8080;
  if (port > 65535) throw new Error(`${portVariable} must be a port number, got "${port}"`);
  const platform = detectPlatform(env, args);
  const defaults = PLATFORM_DEFAULTS[platform];
  const workers = positiveInt(env, "WORKERS", availableParallelism());
  const maxBodyBytes = positiveInt(env, "MAX_BODY_BYTES", 6 * 1024 * 1024);
  const acceptHandles = positiveInt(env, "ACCEPT_HANDLES", platform === "lambda" ? 0 : DEFAULT_ACCEPT_HANDLES, true);
  const maxConnections = positiveInt(env, "MAX_CONNECTIONS", Math.max(16, Math.min(10_000, openFileLimit() - FD_OVERHEAD - acceptHandles)));
  const shutdownTimeoutMs = positiveInt(env, "SHUTDOWN_TIMEOUT_MS", shutdownBudgetMs(defaults.graceMs));
  const config: Config = {
    platform,
    port,
    host: nonEmpty(env.HOST) ?? "0.0.0.0",
    modelDir: nonEmpty(env.MODEL_DIR),
    azureModelDir: nonEmpty(env.AZUREML_MODEL_DIR),
    sageMakerModelDir: nonEmpty(env.SM_MODEL_DIR) ?? "/opt/ml/model",
    sageMakerModelDirExplicit: nonEmpty(env.SM_MODEL_DIR) !== undefined,
    demoModel: flag(env, "DEMO_MODEL", false),
    imageModelDir: nonEmpty(env.IMAGE_MODEL_DIR),
    storageUri: nonEmpty(env.AIP_STORAGE_URI),
    downloadDir: nonEmpty(env.MODEL_DOWNLOAD_DIR) ?? "/tmp/model",
    vertexHealthRoute: nonEmpty(env.AIP_HEALTH_ROUTE),
    vertexPredictRoute: nonEmpty(env.AIP_PREDICT_ROUTE),
    maxBodyBytes,
    logLevel: nonEmpty(env.LOG_LEVEL) ?? "info",
    accessLog: flag(env, "ACCESS_LOG", true),
    logBufferBytes: positiveInt(env, "LOG_BUFFER_BYTES", 4 * 1024 * 1024),
    modelName: nonEmpty(env.MODEL_NAME),
    modelVersion: nonEmpty(env.MODEL_VERSION),
    workers,
    fastPathBytes: positiveInt(env, "FAST_PATH_BYTES", 1024, true),
    // The platform's own bound when it has one (Cloud Run concurrency, Azure max_concurrent_requests_per_instance);
    // else enough to keep every worker busy while the next requests are read.
    maxInFlight: positiveInt(env, "MAX_CONCURRENT_REQUESTS", defaults.concurrency ?? 32 * workers),
    maxBufferedBytes: positiveInt(env, "MAX_BUFFERED_BYTES", Math.max(4 * maxBodyBytes, 64 * 1024 * 1024)),
    maxConnections,
    healthReserve: positiveInt(env, "HEALTH_CONNECTION_RESERVE", Math.max(4, Math.min(64, Math.floor(maxConnections / 8)))),
    acceptHandles,
    headersTimeoutMs: positiveInt(env, "HEADERS_TIMEOUT_MS", 10_000),
    requestTimeoutMs: positiveInt(env, "REQUEST_TIMEOUT_MS", 65_000),
    writeTimeoutMs: positiveInt(env, "WRITE_TIMEOUT_MS", 15_000),
    // Longer than the load balancers' idle timeouts (ALB 60 s), so they close first.
    keepAliveTimeoutMs: positiveInt(env, "KEEP_ALIVE_TIMEOUT_MS", 65_000),
    drainMs: Math.min(positiveInt(env, "DRAIN_MS", drainWindowMs(defaults.graceMs), true), shutdownTimeoutMs),
    shutdownTimeoutMs,
  };
  if (acceptHandles > MAX_ACCEPT_HANDLES) throw new Error(`ACCEPT_HANDLES must be at most ${MAX_ACCEPT_HANDLES}, got "${acceptHandles}"`);
  if (config.healthReserve >= config.maxConnections) {
    throw new Error(`HEALTH_CONNECTION_RESERVE (${config.healthReserve}) must be below MAX_CONNECTIONS (${config.maxConnections})`);
  }
  return config;
}
