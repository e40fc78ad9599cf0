/**
 * Which target the server runs on, read from what each platform already sets,
 * and the defaults that follow from that platform's documented limits.
 *
 * Sources (each default below names its own):
 * - SageMaker, "Custom Inference Code with Hosting Services"
 *   (docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html): the container is run as
 *   `docker run <image> serve`; stopping it sends SIGTERM, then SIGKILL 30 seconds later.
 * - Cloud Run, "Container runtime contract" (cloud.google.com/run/docs/container-contract#lifecycle) and
 *   "Graceful shutdowns on Cloud Run": SIGTERM, then SIGKILL 10 seconds later; K_SERVICE is set in every
 *   service container. Concurrency is 80 by default and at most 1,000 ("Maximum concurrent requests per
 *   instance"); the platform enforces the configured value, which the container is not told.
 * - Lambda, "Lambda Extensions API" (docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html), Shutdown
 *   phase: with external extensions (the Web Adapter is one) the runtime gets SIGTERM and up to 300 ms of the
 *   2,000 ms limit; AWS_LAMBDA_FUNCTION_NAME is a reserved variable Lambda always sets; one execution environment
 *   handles one request at a time ("Lambda execution environment", concurrency).
 * - Vertex AI, "Custom container requirements" (cloud.google.com/vertex-ai/docs/predictions/custom-container-requirements):
 *   sets AIP_HTTP_PORT and AIP_PREDICT_ROUTE; it documents no shutdown grace, so the Kubernetes default
 *   terminationGracePeriodSeconds (30 s, "Pod Lifecycle: Termination of Pods") is assumed.
 * - Azure ML managed online endpoints mount the model at AZUREML_MODEL_DIR; the grace is likewise not documented
 *   (Kubernetes' 30 s assumed). `request_settings.max_concurrent_requests_per_instance` is enforced by Azure's
 *   front end and not passed to the container (our component defaults it to 32).
 *
 * Where the platform bounds concurrency itself but does not say the value, the app's bound must not be
 * stricter than any value the platform allows (it would shed what the platform admitted): Cloud Run gets its
 * maximum, 1,000; Azure the CPU-derived default. A deployment that knows its value passes MAX_CONCURRENT_REQUESTS.
 */
export type Platform = "sagemaker" | "cloudrun" | "lambda" | "vertex" | "azureml" | "generic";

type Env = Record<string, string | undefined>;

const set = (env: Env, name: string) => (env[name] ?? "").trim() !== "";

export function detectPlatform(env: Env, args: readonly string[]): Platform {
  if (set(env, "AWS_LAMBDA_FUNCTION_NAME")) return "lambda";
  if (set(env, "AIP_HTTP_PORT") || set(env, "AIP_PREDICT_ROUTE")) return "vertex";
  if (set(env, "K_SERVICE")) return "cloudrun";
  if (set(env, "AZUREML_MODEL_DIR")) return "azureml";
  if (args[0] === "serve" || set(env, "SAGEMAKER_BIND_TO_PORT")) return "sagemaker";
  return "generic";
}

export interface PlatformDefaults {
  /** SIGTERM → SIGKILL on this platform, in ms. */
  graceMs: number;
  /** Requests the platform sends at once, when it documents a bound; undefined: derived from the CPU count. */
  concurrency: number | undefined;
}

export const PLATFORM_DEFAULTS: Record<Platform, PlatformDefaults> = {
  sagemaker: { graceMs: 30_000, concurrency: undefined },
  cloudrun: { graceMs: 10_000, concurrency: 1000 },
  lambda: { graceMs: 300, concurrency: 1 },
  vertex: { graceMs: 30_000, concurrency: undefined },
  azureml: { graceMs: 30_000, concurrency: undefined },
  generic: { graceMs: 30_000, concurrency: undefined },
};

/** Exit this long before SIGKILL so the last log lines are flushed. */
export function shutdownBudgetMs(graceMs: number): number {
  return graceMs > 10_000 ? graceMs - 2000 : Math.round(graceMs * 0.85);
}

/** Readiness answers 503 for this long while requests are still served, so load balancers stop routing first. */
export function drainWindowMs(graceMs: number): number {
  return Math.min(5000, Math.round(graceMs / 4));
}
