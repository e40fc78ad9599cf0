/**
 * The loaded model: one ORT session plus the signature serving needs.
 * Labels are the argmax of the probability output mapped to the class
 * labels; ORT's own label output is never fetched (it is wrong for binary
 * tree ensembles that carry weights for both classes).
 */
import { readFileSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import * as ort from "onnxruntime-node";
import type { Binding } from "onnxruntime-node/dist/binding";
import { readMetadata, type ModelMetadata } from "./metadata";
import { readSignature, type ClassLabel, type ModelSignature } from "./signature";

export type FeatureArray = Float32Array | Float64Array;

export interface Prediction {
  labels: ClassLabel[];
  /** Row-major [rows, classCount]. */
  probabilities: Float32Array | Float64Array;
}

export class ModelLoadError extends Error {}

type Probabilities = Float32Array | Float64Array;
type SessionOptions = ort.InferenceSession.SessionOptions;

/**
 * onnxruntime-node's native session, the object its public InferenceSession wraps. That wrapper's run() is the
 * same synchronous native call behind a setImmediate and a Promise, with argument checks and a Tensor re-wrap
 * of each output (node_modules/onnxruntime-node/dist/backend.js, pinned 1.30.0): ~4 µs and two event-loop hops
 * around a ~8 µs single-row run. It is built exactly as backend.js builds it; undefined if that internal module
 * is not there (another onnxruntime-node version), and then the public API is used.
 */
function nativeSession(bytes: Buffer, options: SessionOptions): Binding.InferenceSession | undefined {
  let internal: typeof import("onnxruntime-node/dist/binding");
  try {
    internal = require("onnxruntime-node/dist/binding") as typeof import("onnxruntime-node/dist/binding");
  } catch {
    return undefined;
  }
  if (typeof internal.initOrt !== "function" || typeof internal.binding?.InferenceSession !== "function") return undefined;
  internal.initOrt();
  const session = new internal.binding.InferenceSession();
  session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, options);
  return typeof session.run === "function" ? session : undefined;
}

/** Runs the model on a feature matrix: synchronously on the native session, else through the public API. */
interface Runner {
  run(features: FeatureArray, rows: number): Probabilities | Promise<Probabilities>;
}

function probabilityData(out: Record<string, ort.OnnxValue | undefined>, name: string): Probabilities {
  const data = out[name]?.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new Error("probability output is not a float tensor");
  return data;
}

async function createRunner(bytes: Buffer, signature: ModelSignature, featureCount: number): Promise<Runner> {
  const options: SessionOptions = { graphOptimizationLevel: "all", intraOpNumThreads: 1 };
  const { inputName, inputType, probabilitiesName } = signature;
  const native = nativeSession(bytes, options);
  if (native) {
    const fetches = { [probabilitiesName]: null };
    const runOptions = {};
    // One row (the common request) is copied into a kept tensor: no tensor, typed array or feeds object per call.
    const single = new ort.Tensor(inputType, inputType === "float64" ? new Float64Array(featureCount) : new Float32Array(featureCount), [1, featureCount]);
    const singleData = single.data as FeatureArray;
    const singleFeeds = { [inputName]: single };
    return {
      run(features, rows) {
        let feeds = singleFeeds;
        if (rows === 1 && features.length === featureCount) singleData.set(features);
        else feeds = { [inputName]: new ort.Tensor(inputType, features, [rows, featureCount]) };
        return probabilityData(native.run(feeds, fetches, runOptions), probabilitiesName);
      },
    };
  }
  const session = await ort.InferenceSession.create(bytes, options);
  return {
    async run(features, rows) {
      const input = new ort.Tensor(inputType, features, [rows, featureCount]);
      return probabilityData(await session.run({ [inputName]: input }, [probabilitiesName]), probabilitiesName);
    },
  };
}

/** What the HTTP side needs to know about the model; plain data, so it crosses from the worker threads. */
export interface ModelInfo {
  path: string;
  name: string;
  version: string;
  featureCount: number;
  classLabels: ClassLabel[];
  classCount: number;
  inputType: "float32" | "float64";
}

/** Float32 rounding over a few hundred summed leaves stays far inside these. */
const PROBABILITY_SLACK = 1e-4;
const SUM_TOLERANCE = 1e-3;

/**
 * The first row (0-based) whose probabilities are not a distribution, with why; undefined when all are.
 * A regressor's value, raw scores or a corrupted model all fail this, and must never be served as probabilities.
 */
export function invalidProbabilities(probabilities: ArrayLike<number>, rows: number, classes: number): { row: number; why: string } | undefined {
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const p = probabilities[r * classes + k]!;
      if (!(p >= -PROBABILITY_SLACK && p <= 1 + PROBABILITY_SLACK)) return { row: r, why: `probability ${p} for class ${k} is outside [0, 1]` };
      sum += p;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) return { row: r, why: `probabilities sum to ${sum}, not 1` };
  }
  return undefined;
}

/** Rows the load-time check runs: zeros, and a spread of small and large values. */
function probeRows(featureCount: number, rows = 4): number[] {
  const out: number[] = [];
  const scales = [0, 1, -3, 10];
  for (let r = 0; r < rows; r++) for (let f = 0; f < featureCount; f++) out.push(scales[r % scales.length]! * Math.sin(f + 1 + r));
  return out;
}

export class Classifier {
  private constructor(
    private readonly runner: Runner,
    private readonly signature: ModelSignature,
    readonly path: string,
    readonly name: string,
    readonly version: string,
    readonly featureCount: number,
    readonly classLabels: ClassLabel[],
  ) {}

  get inputType(): ModelSignature["inputType"] {
    return this.signature.inputType;
  }

  get classCount(): number {
    return this.classLabels.length;
  }

  info(): ModelInfo {
    const { path, name, version, featureCount, classLabels, classCount, inputType } = this;
    return { path, name, version, featureCount, classLabels, classCount, inputType };
  }

  static async load(path: string, overrides: { name?: string | undefined; version?: string | undefined } = {}): Promise<Classifier> {
    const fail = (why: string) => new ModelLoadError(`cannot load model ${path}: ${why}`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw fail((err as Error).message);
    }
    let signature: ModelSignature;
    let metadata: ModelMetadata;
    try {
      signature = readSignature(bytes);
      metadata = readMetadata(join(dirname(path), "model.json"));
    } catch (err) {
      throw fail((err as Error).message);
    }

    const featureCount = metadata.featureCount ?? signature.featureCount;
    if (featureCount === undefined) throw fail("the input shape has no fixed feature count; add feature_count to model.json");
    if (signature.featureCount !== undefined && featureCount !== signature.featureCount) {
      throw fail(`model.json says feature_count ${featureCount}, the ONNX input has ${signature.featureCount}`);
    }

    let runner: Runner;
    try {
      runner = await createRunner(bytes, signature, featureCount);
    } catch (err) {
      throw fail(`onnxruntime rejected it: ${(err as Error).message}`);
    }

    // A few probe rows give the real class count, prove the output is a probability distribution,
    // and take ORT's first-run cost off the first request.
    const probe = probeRows(featureCount);
    const probeCount = probe.length / featureCount;
    let warm: Float32Array | Float64Array;
    try {
      warm = await runner.run((signature.inputType === "float64" ? Float64Array : Float32Array).from(probe), probeCount);
    } catch (err) {
      throw fail(`onnxruntime cannot run it: ${(err as Error).message}`);
    }
    if (warm.length % probeCount !== 0) throw fail(`the probability output has ${warm.length} values for ${probeCount} rows`);
    const classCount = warm.length / probeCount;
    if (classCount < 2) throw fail(`it outputs ${classCount} value(s) per row: a classifier needs at least 2 classes (is this a regressor?)`);
    const invalid = invalidProbabilities(warm, probeCount, classCount);
    if (invalid) throw fail(`its output is not a probability distribution (probe row ${invalid.row + 1}: ${invalid.why}); is the file corrupt, or not a classifier?`);
    const classLabels = metadata.classLabels ?? signature.classLabels ?? Array.from({ length: classCount }, (_, i) => i);
    if (classLabels.length !== classCount) {
      throw fail(`the model outputs ${classCount} class probabilities but has ${classLabels.length} class labels`);
    }
    return new Classifier(
      runner,
      signature,
      path,
      overrides.name ?? metadata.name ?? basename(dirname(path)),
      overrides.version ?? metadata.version ?? "1",
      featureCount,
      classLabels,
    );
  }

  /**
   * All rows go through one ORT call: synchronous on the native session (see nativeSession), a Promise on the
   * public API's fallback.
   */
  predict(features: FeatureArray, rows: number): Prediction | Promise<Prediction> {
    const probabilities = this.runner.run(features, rows);
    return probabilities instanceof Promise ? probabilities.then((p) => this.labelled(p, rows)) : this.labelled(probabilities, rows);
  }

  /** Labels are the argmax of each row's probabilities. */
  private labelled(probabilities: Probabilities, rows: number): Prediction {
    const classes = this.classLabels.length;
    const labels = new Array<ClassLabel>(rows);
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let k = 1; k < classes; k++) {
        if ((probabilities[r * classes + k] ?? 0) > (probabilities[r * classes + best] ?? 0)) best = k;
      }
      labels[r] = this.classLabels[best]!;
    }
    return { labels, probabilities };
  }
}
