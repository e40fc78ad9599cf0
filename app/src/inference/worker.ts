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
const { path, name, version } = workerData as WorkerData;
const started = performance.now();

Classifier.load(path, { name, version }).then(
  (model) => {
    port.postMessage({ type: "ready", info: model.info(), loadMs: performance.now() - started } satisfies FromWorker);
    port.on("message", (job: Job) => {
      void Promise.resolve(runJob(model, job)).then((result) => port.postMessage({ type: "result", ...result } satisfies FromWorker));
    });
  },
  (err: Error) => port.postMessage({ type: "failed", message: err.message } satisfies FromWorker),
);
