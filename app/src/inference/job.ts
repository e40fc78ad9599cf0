/**
 * One prediction job as it crosses to an inference worker and back. The worker
 * does everything CPU-bound: decoding, parsing, inference, checking the
 * probabilities and serialising, so the main thread only moves bytes.
 */
import { HttpError } from "../contracts/errors";
import { jsonRows, parseCsvRequest, parseJsonObject, parseJsonRequest, parseV2Request } from "../contracts/requests";
import { predictionBody, v2InferBody, type ResponseFormat } from "../contracts/responses";
import type { FeatureMatrix } from "../contracts/rows";
import { invalidProbabilities, type Classifier, type Prediction } from "../model/classifier";

export type JobKind = "rows" | "v2" | "event";

export interface Job {
  seq: number;
  kind: JobKind;
  body: Uint8Array;
  bodyKind: "json" | "csv";
  format: ResponseFormat;
  /** performance.timeOrigin + performance.now() when it was posted: the same clock in every thread. */
  postedAt: number;
}

export interface JobResult {
  seq: number;
  status: number;
  /** Text on the main thread; bytes from a worker, which encodes its answer and moves it (worker.ts). */
  body: string | Uint8Array;
  contentType: string;
  /** The message for the log (and, for 4xx, the client). */
  error?: string;
  /** Set when the model's output was refused (counted apart). */
  invalidOutput?: boolean;
  /** Set for unexpected failures: the detail stays in the log. */
  internal?: string;
  rows: number;
  inferSeconds: number;
  queueSeconds: number;
}

export const now = (): number => performance.timeOrigin + performance.now();

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Text of the body; a UTF-8 byte-order mark, which some Windows clients send, is not part of the JSON. */
export function bodyText(body: Uint8Array): string {
  const text = utf8.decode(body);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A failed job's result, short of its seq and queue time (also the pool's answer for a worker that died). */
export const errorBody = (status: number, message: string, extra: Partial<JobResult> = {}): Omit<JobResult, "seq" | "queueSeconds"> => ({
  status,
  body: JSON.stringify({ error: message }),
  contentType: "application/json",
  error: message,
  rows: 0,
  inferSeconds: 0,
  ...extra,
});

/**
 * Synchronous when the model is (the native session, see classifier.ts): a single-row request on the main thread
 * then costs no promise hop between its body and its answer.
 */
export function runJob(model: Classifier, job: Job): JobResult | Promise<JobResult> {
  const queueSeconds = Math.max(0, (now() - job.postedAt) / 1000);
  const failed = (err: unknown): JobResult => {
    if (err instanceof HttpError) return { seq: job.seq, queueSeconds, ...errorBody(err.status, err.message) };
    return { seq: job.seq, queueSeconds, ...errorBody(500, "internal error", { internal: (err as Error).stack ?? String(err) }) };
  };
  try {
    const result = predict(model, job, queueSeconds);
    return result instanceof Promise ? result.catch(failed) : result;
  } catch (err) {
    return failed(err);
  }
}

/**
 * A Lambda Web Adapter event: "warmup" for a warm-up ping, else the prediction request it carries. Shared by the
 * worker and by routes.ts, which answers events itself before the model is loaded.
 */
export function parseEvent(text: string): "warmup" | Record<string, unknown> {
  const event = parseJsonObject(text, '"warmup" or "instances"');
  if (event.warmup === true) return "warmup";
  if (event.instances === undefined && event.inputs === undefined && event.data === undefined) {
    throw new HttpError(400, 'unrecognized event: expected {"warmup": true} or a prediction request with "instances"');
  }
  return event;
}

function predict(model: Classifier, job: Job, queueSeconds: number): JobResult | Promise<JobResult> {
  const text = bodyText(job.body);
  let matrix: FeatureMatrix;
  let v2Id: unknown;
  if (job.kind === "v2") {
    ({ matrix, id: v2Id } = parseV2Request(text, model));
  } else if (job.kind === "event") {
    const event = parseEvent(text);
    if (event === "warmup") {
      return { seq: job.seq, queueSeconds, status: 200, body: JSON.stringify({ warmup: true, ready: true }), contentType: "application/json", rows: 0, inferSeconds: 0 };
    }
    matrix = jsonRows(event, model);
  } else {
    matrix = job.bodyKind === "csv" ? parseCsvRequest(text, model) : parseJsonRequest(text, model);
  }
  const inferStarted = now();
  const prediction = model.predict(matrix.features, matrix.rows);
  return prediction instanceof Promise
    ? prediction.then((p) => answer(model, job, queueSeconds, matrix.rows, p, inferStarted, v2Id))
    : answer(model, job, queueSeconds, matrix.rows, prediction, inferStarted, v2Id);
}

function answer(model: Classifier, job: Job, queueSeconds: number, rows: number, prediction: Prediction, inferStarted: number, v2Id: unknown): JobResult {
  const inferSeconds = (now() - inferStarted) / 1000;
  const invalid = invalidProbabilities(prediction.probabilities, rows, model.classCount);
  if (invalid) {
    const message = `the model produced invalid probabilities for row ${invalid.row + 1} (${invalid.why}); refusing to answer`;
    return { seq: job.seq, queueSeconds, ...errorBody(500, message, { invalidOutput: true, rows, inferSeconds }) };
  }
  const body = job.kind === "v2" ? v2InferBody(prediction, model, v2Id) : predictionBody(prediction, model, job.format);
  const contentType = job.kind !== "v2" && job.format === "csv" ? "text/csv" : "application/json";
  return { seq: job.seq, queueSeconds, status: 200, body, contentType, rows, inferSeconds };
}
