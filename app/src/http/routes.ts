/**
 * Every target's contract on one router:
 * SageMaker (/ping, /invocations), Vertex (AIP_HEALTH_ROUTE, AIP_PREDICT_ROUTE),
 * Azure ML (/health/live, /health/ready, /score), API Gateway / Cloud Run / ECS
 * (/predict), Lambda Web Adapter pass-through (/events), Open Inference
 * Protocol v2 (/v2/...), and Prometheus (/metrics).
 */
import type { Config } from "../config";
import { HttpError, badRequest } from "../contracts/errors";
import { jsonRows, parseCsvRequest, parseJsonObject, parseJsonRequest, parseV2Request } from "../contracts/requests";
import { negotiate, predictionBody, v2InferBody, v2ModelMetadata } from "../contracts/responses";
import type { FeatureMatrix } from "../contracts/rows";
import type { Classifier, Prediction } from "../model/classifier";
import type { Metrics } from "../observability/metrics";
import { bodyKind, readBody } from "./body";
import { Router, type Handler, type Reply, type RequestContext } from "./router";

export interface ServerState {
  model: Classifier | undefined;
  closing: boolean;
}

const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });

export function buildRouter(config: Config, state: ServerState, metrics: Metrics): Router {
  const loadedModel = (): Classifier => {
    if (!state.model) throw new HttpError(503, "the model is still loading", { "retry-after": "1" });
    return state.model;
  };

  const infer = async (model: Classifier, matrix: FeatureMatrix): Promise<Prediction> => {
    const end = metrics.inferenceDuration.startTimer();
    const prediction = await model.predict(matrix.features, matrix.rows);
    end();
    metrics.predictedRows.inc(matrix.rows);
    return prediction;
  };

  const answer = async (model: Classifier, matrix: FeatureMatrix, format: ReturnType<typeof negotiate>): Promise<Reply> => ({
    status: 200,
    body: predictionBody(await infer(model, matrix), model, format),
    contentType: format === "csv" ? "text/csv" : "application/json",
  });

  const predict: Handler = async ({ req }) => {
    const model = loadedModel();
    const format = negotiate(req.headers.accept);
    const kind = bodyKind(req.headers["content-type"], ["json", "csv"]);
    const text = await readBody(req, config.maxBodyBytes);
    return answer(model, kind === "csv" ? parseCsvRequest(text, model) : parseJsonRequest(text, model), format);
  };

  const ready: Handler = () => (state.model && !state.closing ? json(200, { status: "ready" }) : json(503, { status: state.closing ? "stopping" : "loading" }));
  const live: Handler = () => json(200, { status: "alive" });

  /** Lambda Web Adapter posts non-HTTP events here; a warm-up ping answers at once. */
  const events: Handler = async ({ req }) => {
    bodyKind(req.headers["content-type"], ["json"]);
    const event = parseJsonObject(await readBody(req, config.maxBodyBytes), '"warmup" or "instances"');
    if (event.warmup === true) return json(200, { warmup: true, ready: state.model !== undefined });
    if (event.instances === undefined && event.inputs === undefined && event.data === undefined) {
      throw badRequest('unrecognized event: expected {"warmup": true} or a prediction request with "instances"');
    }
    const model = loadedModel();
    return answer(model, jsonRows(event, model), negotiate(req.headers.accept));
  };

  const v2Model = ({ params }: RequestContext): Classifier => {
    const model = loadedModel();
    if (params.name !== model.name) throw new HttpError(404, `no model named "${params.name}"; this server serves "${model.name}"`);
    if (params.version !== undefined && params.version !== model.version) {
      throw new HttpError(404, `model "${model.name}" has no version "${params.version}"; it serves version "${model.version}"`);
    }
    return model;
  };
  const v2Infer: Handler = async (ctx) => {
    const model = v2Model(ctx);
    bodyKind(ctx.req.headers["content-type"], ["json"]);
    const { matrix, id } = parseV2Request(await readBody(ctx.req, config.maxBodyBytes), model);
    return { status: 200, body: v2InferBody(await infer(model, matrix), model, id) };
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
