/**
 * Every target's contract on one router:
 * SageMaker (/ping, /invocations), Vertex (AIP_HEALTH_ROUTE, AIP_PREDICT_ROUTE),
 * Azure ML (/health/live, /health/ready, /score), API Gateway / Cloud Run / ECS
 * (/predict), Lambda Web Adapter pass-through (/events), Open Inference
 * Protocol v2 (/v2/...), and Prometheus (/metrics).
 *
 * Health and metadata routes are answered on the main thread at once; every
 * prediction is parsed, run and serialised by an inference worker.
 */
import type { Config } from "../config";
import { HttpError } from "../contracts/errors";
import { negotiate, v2ModelMetadata } from "../contracts/responses";
import type { InferencePool } from "../inference/pool";
import { bodyText, now, parseEvent, runJob, type Job, type JobResult } from "../inference/job";
import type { Classifier, ModelInfo } from "../model/classifier";
import type { Metrics } from "../observability/metrics";
import { bodyKind } from "./body";
import { Router, type Handler, type Reply, type RequestContext } from "./router";

export interface ServerState {
  /** The inference workers, once one is ready. */
  pool: InferencePool | undefined;
  /** Settles when the pool has started (undefined if it could not): started after readiness. */
  workers: Promise<InferencePool | undefined> | undefined;
  /**
   * A session on the main thread for tiny bodies (FAST_PATH_BYTES): one row costs ~20 µs to run here, less than
   * the two thread hops it would take to run it on a worker. Everything larger goes to the pool. It is also the
   * session readiness waits for (the pool starts after it).
   */
  local: Classifier | undefined;
  model: ModelInfo | undefined;
  /** SIGTERM received: readiness answers 503, responses close their connections. */
  closing: boolean;
}

const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });

export function buildRouter(config: Config, state: ServerState, metrics: Metrics): Router {
  const loadedModel = (): ModelInfo => {
    if (!state.model) throw new HttpError(503, "the model is still loading", { "retry-after": "1" });
    return state.model;
  };

  /**
   * Main-thread jobs wait for the end of the event-loop turn (its check phase) and run there together, so their
   * answers are written back to back. Answered one at a time between reads, each answer woke a client that had
   * gone back to sleep, and that wake-up (an IPI; a VM exit under a hypervisor) cost more than the request: at
   * 16 keep-alive connections ~80 µs of CPU a request instead of ~50. ORT's own run() deferred the same way.
   */
  let batch: { job: Job; done: (result: JobResult | Promise<JobResult>) => void }[] = [];
  const runBatch = (): void => {
    const jobs = batch;
    batch = [];
    for (const { job, done } of jobs) done(runJob(state.local!, job));
  };
  const runLocal = (job: Job): Promise<JobResult> =>
    new Promise((done) => {
      if (batch.push({ job, done }) === 1) setImmediate(runBatch);
    });

  /** Tiny bodies on the main thread (see runLocal); the rest on a worker (waiting for the pool while it starts). */
  const run = (job: Job): JobResult | Promise<JobResult> => {
    const local = state.local!;
    if (job.body.byteLength <= config.fastPathBytes) return runLocal(job);
    // No pool only if its start failed (logged): the main thread's session still answers.
    const answer = (pool: InferencePool | undefined) => (pool ? pool.run(job) : runJob(local, job));
    return state.pool ? state.pool.run(job) : Promise.resolve(state.workers).then(answer);
  };

  const replyOf = (result: JobResult): Reply => {
    metrics.queueDuration.observe(result.queueSeconds);
    if (result.rows > 0) {
      metrics.inferenceDuration.observe(result.inferSeconds);
      metrics.predictedRows.inc(result.rows);
    }
    if (result.internal) throw new Error(result.internal);
    if (result.invalidOutput) metrics.invalidOutput.inc();
    if (result.status >= 400) throw new HttpError(result.status, result.error ?? "request failed");
    return { status: result.status, body: result.body, contentType: result.contentType };
  };

  const infer = (kind: Job["kind"], body: Buffer, bodyKind: Job["bodyKind"], format: Job["format"]): Reply | Promise<Reply> => {
    const result = run({ seq: 0, kind, body, bodyKind, format, postedAt: now() });
    return result instanceof Promise ? result.then(replyOf) : replyOf(result);
  };

  // The body's arrival is the only wait on the fast path: from there to the reply is one synchronous call.
  const predict: Handler = ({ req, body }) => {
    loadedModel();
    const format = negotiate(req.headers.accept);
    const kind = bodyKind(req.headers["content-type"], ["json", "csv"]);
    return body().then((bytes) => infer("rows", bytes, kind, format));
  };

  const ready: Handler = () =>
    state.model && !state.closing ? json(200, { status: "ready" }) : json(503, { status: state.closing ? "stopping" : "loading" });
  const live: Handler = () => json(200, { status: "alive" });

  /** Lambda Web Adapter posts non-HTTP events here; a warm-up ping answers at once. */
  const events: Handler = async ({ req, body }) => {
    bodyKind(req.headers["content-type"], ["json"]);
    const format = negotiate(req.headers.accept);
    const bytes = await body();
    if (!state.model) {
      // Before the model is loaded there is no worker to ask; warm-up events are small.
      if (parseEvent(bodyText(bytes)) === "warmup") return json(200, { warmup: true, ready: false });
      loadedModel();
    }
    return infer("event", bytes, "json", format);
  };

  const v2Model = ({ params }: RequestContext): ModelInfo => {
    const model = loadedModel();
    if (params.name !== model.name) throw new HttpError(404, `no model named "${params.name}"; this server serves "${model.name}"`);
    if (params.version !== undefined && params.version !== model.version) {
      throw new HttpError(404, `model "${model.name}" has no version "${params.version}"; it serves version "${model.version}"`);
    }
    return model;
  };
  const v2Infer: Handler = async (ctx) => {
    v2Model(ctx);
    bodyKind(ctx.req.headers["content-type"], ["json"]);
    return infer("v2", await ctx.body(), "json", "json");
  };
  const v2Ready: Handler = (ctx) => json(200, { name: v2Model(ctx).name, ready: !state.closing });

  const router = new Router()
    .add("GET", "/ping", ready)
    .add("POST", "/invocations", predict)
    .add("GET", "/health/live", live)
    .add("GET", "/health/ready", ready)
    .add("POST", "/score", predict)
    .add("POST", "/predict", predict)
    .add("POST", "/events", events)
    .add("GET", "/v2/health/live", live)
    .add("GET", "/v2/health/ready", ready)
    .add("GET", "/v2", () => json(200, { name: "ml-endpoints-app", version: "1", extensions: [] }))
    .addTemplate("GET", "/v2/models/{name}", (ctx) => json(200, v2ModelMetadata(v2Model(ctx))))
    .addTemplate("GET", "/v2/models/{name}/ready", v2Ready)
    .addTemplate("POST", "/v2/models/{name}/infer", v2Infer)
    .addTemplate("GET", "/v2/models/{name}/versions/{version}", (ctx) => json(200, v2ModelMetadata(v2Model(ctx))))
    .addTemplate("GET", "/v2/models/{name}/versions/{version}/ready", v2Ready)
    .addTemplate("POST", "/v2/models/{name}/versions/{version}/infer", v2Infer)
    .add("GET", "/metrics", async () => ({
      status: 200,
      body: await metrics.registry.metrics(),
      contentType: metrics.registry.contentType,
    }));
  if (config.vertexHealthRoute) router.add("GET", config.vertexHealthRoute, ready);
  if (config.vertexPredictRoute) router.add("POST", config.vertexPredictRoute, predict);
  return router;
}
