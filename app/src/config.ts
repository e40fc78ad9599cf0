/** Everything the server reads from its environment, in one place. */

export interface Config {
  port: number;
  host: string;
  /** Explicit model directory (MODEL_DIR); wins over the platform locations. */
  modelDir: string | undefined;
  /** Azure ML mounts the model here, possibly nested a few directories deep. */
  azureModelDir: string | undefined;
  /** SageMaker unpacks model.tar.gz here (/opt/ml/model; SM_MODEL_DIR overrides, as in SageMaker's own toolkits). */
  sageMakerModelDir: string;
  /** Last resort: the model baked into the image (Cloud Run, ECS, Lambda). */
  defaultModelDir: string | undefined;
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
  modelName: string | undefined;
  modelVersion: string | undefined;
  shutdownTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** The first port variable that is set, in the order the platforms are checked. */
const PORT_VARIABLES = ["SAGEMAKER_BIND_TO_PORT", "AIP_HTTP_PORT", "PORT", "AWS_LWA_PORT"] as const;

export function readConfig(env: Env = process.env): Config {
  const portVariable = PORT_VARIABLES.find((name) => nonEmpty(env[name]) !== undefined);
  const port = portVariable ? positiveInt(env, portVariable, 8080) : 8080;
  if (port > 65535) throw new Error(`${portVariable} must be a port number, got "${port}"`);
  return {
    port,
    host: nonEmpty(env.HOST) ?? "0.0.0.0",
    modelDir: nonEmpty(env.MODEL_DIR),
    azureModelDir: nonEmpty(env.AZUREML_MODEL_DIR),
    sageMakerModelDir: nonEmpty(env.SM_MODEL_DIR) ?? "/opt/ml/model",
    defaultModelDir: nonEmpty(env.DEFAULT_MODEL_DIR),
    storageUri: nonEmpty(env.AIP_STORAGE_URI),
    downloadDir: nonEmpty(env.MODEL_DOWNLOAD_DIR) ?? "/tmp/model",
    vertexHealthRoute: nonEmpty(env.AIP_HEALTH_ROUTE),
    vertexPredictRoute: nonEmpty(env.AIP_PREDICT_ROUTE),
    maxBodyBytes: positiveInt(env, "MAX_BODY_BYTES", 6 * 1024 * 1024),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? "info",
    accessLog: (nonEmpty(env.ACCESS_LOG) ?? "true") !== "false",
    modelName: nonEmpty(env.MODEL_NAME),
    modelVersion: nonEmpty(env.MODEL_VERSION),
    shutdownTimeoutMs: positiveInt(env, "SHUTDOWN_TIMEOUT_MS", 25_000),
  };
}
