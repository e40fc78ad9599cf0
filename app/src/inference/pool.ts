/**
 * A pool of inference worker threads, one per core by default. Each job goes to
 * the ready worker with the fewest jobs outstanding. A worker that dies fails
 * its jobs with 500 and is replaced; the pool is ready once one worker is.
 */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ModelInfo } from "../model/classifier";
import { errorBody, type Job, type JobResult } from "./job";
import type { FromWorker, WorkerData } from "./worker";

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Resolves once the worker has reported ready or failed: only then is it safe to stop. */
  settled: Promise<void>;
  pending: Map<number, (result: JobResult) => void>;
}

export interface PoolEvents {
  /** A worker exited unexpectedly (after the pool was ready). */
  onWorkerExit(index: number, code: number, jobs: number): void;
}

const WORKER_FILE = join(__dirname, "worker.js");

export class InferencePool {
  private readonly slots: Slot[] = [];
  private seq = 0;
  private closing = false;
  info: ModelInfo | undefined;

  private constructor(
    private readonly data: WorkerData,
    private readonly events: PoolEvents,
  ) {}

  /** Resolves with the model once the first worker has loaded it; rejects with the load error. */
  static start(size: number, data: WorkerData, events: PoolEvents): Promise<InferencePool> {
    const pool = new InferencePool(data, events);
    return new Promise((resolve, reject) => {
      let settled = 0;
      let firstFailure: string | undefined;
      const settle = () => {
        // Every worker loads the same file: the first failure is the answer. It is given once every worker has
        // settled, because stopping a worker while it is inside onnxruntime aborts the whole process.
        if (++settled === size && !pool.info && firstFailure !== undefined) {
          const message = firstFailure;
          void pool.close().finally(() => reject(new Error(message)));
        }
      };
      for (let i = 0; i < size; i++) {
        pool.spawn(i, (info) => {
          settle();
          if (pool.info) return;
          pool.info = info;
          resolve(pool);
        }, (message) => {
          firstFailure ??= message;
          settle();
        });
      }
    });
  }

  private spawn(index: number, onReady: (info: ModelInfo) => void, onFailed: (message: string) => void): void {
    const worker = new Worker(WORKER_FILE, { workerData: this.data });
    let settle!: () => void;
    const slot: Slot = { worker, ready: false, settled: new Promise((r) => (settle = r)), pending: new Map() };
    this.slots[index] = slot;
    worker.once("exit", () => settle());
    worker.on("message", (message: FromWorker) => {
      if (message.type === "ready") {
        slot.ready = true;
        settle();
        onReady(message.info);
      } else if (message.type === "failed") {
        settle();
        onFailed(message.message);
      } else {
        const { type: _type, ...result } = message;
        const resolve = slot.pending.get(result.seq);
        slot.pending.delete(result.seq);
        resolve?.(result);
      }
    });
    worker.on("error", (err) => onFailed(err.message));
    worker.on("exit", (code) => {
      slot.ready = false;
      const jobs = slot.pending.size;
      for (const [seq, resolve] of slot.pending) {
        resolve({ seq, queueSeconds: 0, ...errorBody(500, "internal error", { internal: `inference worker ${index} exited with code ${code}` }) });
      }
      slot.pending.clear();
      if (this.closing || !this.info) return;
      this.events.onWorkerExit(index, code, jobs);
      this.spawn(index, () => undefined, () => undefined);
    });
  }

  get size(): number {
    return this.slots.length;
  }

  get readyWorkers(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /** Jobs posted and not yet answered, over all workers. */
  get outstanding(): number {
    let total = 0;
    for (const slot of this.slots) total += slot.pending.size;
    return total;
  }

  run(job: Omit<Job, "seq">): Promise<JobResult> {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.ready && (!best || slot.pending.size < best.pending.size)) best = slot;
    }
    if (!best) return Promise.reject(new Error("no inference worker is ready"));
    const seq = ++this.seq;
    const chosen = best;
    return new Promise((resolve) => {
      chosen.pending.set(seq, resolve);
      const body = job.body;
      // Large bodies are moved, not copied, when they own their whole buffer.
      const transfer = body.byteLength > 64 * 1024 && body.byteOffset === 0 && body.buffer.byteLength === body.byteLength ? [body.buffer as ArrayBuffer] : [];
      chosen.worker.postMessage({ ...job, seq }, transfer);
    });
  }

  /**
   * Stops every worker once it has settled and finished its jobs (up to `jobsWaitMs`): stopping one inside
   * onnxruntime (creating a session, or running one for a client that already left) aborts the process.
   */
  async close(jobsWaitMs = 2000): Promise<void> {
    this.closing = true;
    const deadline = performance.now() + jobsWaitMs;
    await Promise.all(this.slots.map(async (s) => {
      await s.settled;
      while (s.pending.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await s.worker.terminate();
    }));
  }
}
