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
    // One warm-up row gives the real class count and takes ORT's first-run cost off the first request.
    const warm = await draft.runProbabilities(new (signature.inputType === "float64" ? Float64Array : Float32Array)(featureCount), 1);
    const classCount = warm.length;
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
