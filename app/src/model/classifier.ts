/**
 * The loaded model: one ORT session plus the signature serving needs.
 * Labels are the argmax of the probability output mapped to the class
 * labels; ORT's own label output is never fetched (it is wrong for binary
 * tree ensembles that carry weights for both classes).
 */
import { readFileSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import * as ort from "onnxruntime-node";
import { readMetadata, type ModelMetadata } from "./metadata";
import { readSignature, type ClassLabel, type ModelSignature } from "./signature";

export type FeatureArray = Float32Array | Float64Array;

export interface Prediction {
  labels: ClassLabel[];
  /** Row-major [rows, classCount]. */
  probabilities: Float32Array | Float64Array;
}

export class ModelLoadError extends Error {}

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
    private readonly session: ort.InferenceSession,
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

    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "all", intraOpNumThreads: 1 });
    } catch (err) {
      throw fail(`onnxruntime rejected it: ${(err as Error).message}`);
    }

    const draft = new Classifier(session, signature, path, "", "", featureCount, []);
    // A few probe rows give the real class count, prove the output is a probability distribution,
    // and take ORT's first-run cost off the first request.
    const probe = probeRows(featureCount);
    const probeCount = probe.length / featureCount;
    let warm: Float32Array | Float64Array;
    try {
      warm = await draft.runProbabilities((signature.inputType === "float64" ? Float64Array : Float32Array).from(probe), probeCount);
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
      session,
      signature,
      path,
      overrides.name ?? metadata.name ?? basename(dirname(path)),
      overrides.version ?? metadata.version ?? "1",
      featureCount,
      classLabels,
    );
  }

  private async runProbabilities(features: FeatureArray, rows: number): Promise<Float32Array | Float64Array> {
    const input = new ort.Tensor(this.signature.inputType, features, [rows, this.featureCount]);
    const out = await this.session.run({ [this.signature.inputName]: input }, [this.signature.probabilitiesName]);
    const data = out[this.signature.probabilitiesName]?.data;
    if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new Error("probability output is not a float tensor");
    return data;
  }

  /** All rows go through one ORT call. */
  async predict(features: FeatureArray, rows: number): Promise<Prediction> {
    const probabilities = await this.runProbabilities(features, rows);
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
