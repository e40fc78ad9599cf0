/**
 * An independent evaluator of an ai.onnx.ml TreeEnsembleClassifier, in plain
 * TypeScript over the ONNX file decoded with onnx-proto (not onnxruntime and
 * not the server's own reader), following the operator's spec: sum the leaf
 * class weights over trees, add base values; a binary model whose leaves
 * carry one class's weight yields [1 - s, s]. Only post_transform NONE, which
 * is what skl2onnx emits for random forests.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { onnx as OnnxNamespace } from "../../../app/node_modules/onnx-proto";
import { APP_DIR } from "./server";

// onnx-proto is a dev dependency of app/, not of the root package.
const { onnx } = createRequire(join(APP_DIR, "package.json"))("onnx-proto") as { onnx: typeof OnnxNamespace };

type Label = number | string;

export interface ReferenceModel {
  featureCount: number;
  classLabels: Label[];
  predict(row: number[]): { label: Label; probabilities: number[] };
}

interface TreeNode {
  mode: string;
  feature: number;
  value: number;
  trueId: number;
  falseId: number;
  weights: Array<[classId: number, weight: number]>;
}

const num = (v: number | { toNumber(): number }) => (typeof v === "number" ? v : v.toNumber());

export function loadReference(modelPath: string): ReferenceModel {
  const model = onnx.ModelProto.decode(readFileSync(modelPath));
  const node = model.graph!.node!.find((n) => n.opType === "TreeEnsembleClassifier");
  if (!node) throw new Error("no TreeEnsembleClassifier node");
  const attr = new Map(node.attribute!.map((a) => [a.name!, a]));
  const ints = (name: string) => (attr.get(name)?.ints ?? []).map(num);
  const floats = (name: string) => attr.get(name)?.floats ?? [];
  const strings = (name: string) => (attr.get(name)?.strings ?? []).map((s) => Buffer.from(s).toString("utf8"));

  const postTransform = attr.get("post_transform")?.s ? Buffer.from(attr.get("post_transform")!.s!).toString() : "NONE";
  if (postTransform !== "NONE") throw new Error(`reference evaluator supports post_transform NONE only, got ${postTransform}`);

  const classLabels: Label[] = attr.has("classlabels_strings") ? strings("classlabels_strings") : ints("classlabels_int64s");
  const trees = new Map<number, Map<number, TreeNode>>();
  const treeIds = ints("nodes_treeids");
  const nodeIds = ints("nodes_nodeids");
  const features = ints("nodes_featureids");
  const modes = strings("nodes_modes");
  const values = floats("nodes_values");
  const trueIds = ints("nodes_truenodeids");
  const falseIds = ints("nodes_falsenodeids");
  treeIds.forEach((treeId, i) => {
    const tree = trees.get(treeId) ?? new Map<number, TreeNode>();
    tree.set(nodeIds[i]!, { mode: modes[i]!, feature: features[i]!, value: values[i]!, trueId: trueIds[i]!, falseId: falseIds[i]!, weights: [] });
    trees.set(treeId, tree);
  });
  const classIds = ints("class_ids");
  const classWeights = floats("class_weights");
  ints("class_treeids").forEach((treeId, i) => {
    trees.get(treeId)!.get(ints("class_nodeids")[i]!)!.weights.push([classIds[i]!, classWeights[i]!]);
  });
  const baseValues = floats("base_values");
  const singleClassBinary = classLabels.length === 2 && new Set(classIds).size === 1;
  const input = model.graph!.input![0]!;
  const featureCount = num(input.type!.tensorType!.shape!.dim![1]!.dimValue!);
  const toInput = input.type!.tensorType!.elemType === onnx.TensorProto.DataType.DOUBLE ? (v: number) => v : Math.fround;

  const goesTrue = (mode: string, x: number, v: number): boolean => {
    switch (mode) {
      case "BRANCH_LEQ": return x <= v;
      case "BRANCH_LT": return x < v;
      case "BRANCH_GTE": return x >= v;
      case "BRANCH_GT": return x > v;
      case "BRANCH_EQ": return x === v;
      case "BRANCH_NEQ": return x !== v;
      default: throw new Error(`unknown node mode ${mode}`);
    }
  };

  return {
    featureCount,
    classLabels,
    predict(row) {
      const x = row.map(toInput);
      const scores = classLabels.map((_, k) => baseValues[k] ?? 0);
      for (const tree of trees.values()) {
        let current = tree.get(0)!;
        while (current.mode !== "LEAF") current = tree.get(goesTrue(current.mode, x[current.feature]!, current.value) ? current.trueId : current.falseId)!;
        for (const [classId, weight] of current.weights) scores[classId] = (scores[classId] ?? 0) + weight;
      }
      const probabilities = singleClassBinary ? [1 - scores[classIds[0]!]!, scores[classIds[0]!]!] : scores;
      let best = 0;
      probabilities.forEach((p, k) => (p > probabilities[best]! ? (best = k) : undefined));
      return { label: classLabels[best]!, probabilities };
    },
  };
}

/**
 * Asserts served predictions agree with the reference within float32
 * rounding. Labels are compared only where the top two probabilities are not
 * a near-tie (small forests tie often, and rounding may then pick either).
 */
export function expectAgreement(
  reference: ReferenceModel,
  rows: number[][],
  served: { predictions: Label[]; probabilities: number[][] },
  mapLabel: (label: Label) => Label = (l) => l,
): void {
  rows.forEach((row, r) => {
    const want = reference.predict(row);
    const got = served.probabilities[r]!;
    if (got.length !== want.probabilities.length) throw new Error(`row ${r + 1}: ${got.length} probabilities, expected ${want.probabilities.length}`);
    got.forEach((p, k) => {
      if (Math.abs(p - want.probabilities[k]!) > 1e-5) throw new Error(`row ${r + 1} class ${k}: served ${p}, reference ${want.probabilities[k]}`);
    });
    const sorted = [...want.probabilities].sort((a, b) => b - a);
    if (sorted[0]! - sorted[1]! > 1e-5 && served.predictions[r] !== mapLabel(want.label)) {
      throw new Error(`row ${r + 1}: served label ${served.predictions[r]}, reference ${mapLabel(want.label)}`);
    }
  });
}
