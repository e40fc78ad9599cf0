/**
 * Writes a trained forest as the ONNX graph skl2onnx produces for
 * RandomForestClassifier with zipmap off: one ai.onnx.ml TreeEnsembleClassifier
 * node, input [None, F] float, outputs `label` [None] and `probabilities`
 * [None, C], classlabels_int64s or classlabels_strings.
 *
 * Variants (feature count, labels, tensor names, class count, leaf layout)
 * let the tests prove that any skl2onnx-style classifier is served as-is.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { onnx } from "onnx-proto";
import { makeDataset, trainForest, type TreeNode } from "./forest";

export interface SampleModelOptions {
  features: number;
  /** Integer or string labels; their count is the class count. */
  classLabels: number[] | string[];
  inputName: string;
  labelName: string;
  probabilitiesName: string;
  trees: number;
  maxDepth: number;
  rows: number;
  seed: number;
  /**
   * "positive-class": binary leaves carry only P(class 1), as skl2onnx writes them.
   * "all-classes": every leaf carries a weight per class (as other converters do);
   * ORT's `label` output is wrong for this binary layout, which the server must not trust.
   */
  leafLayout: "positive-class" | "all-classes";
  /** skl2onnx's DoubleTensorType input instead of FloatTensorType. */
  doubleInput?: boolean | undefined;
  /** Write model.json next to model.onnx. */
  metadata?: { name: string; version: string } | undefined;
}

export const SAMPLE_MODEL: SampleModelOptions = {
  features: 10,
  classLabels: [0, 1],
  inputName: "float_input",
  labelName: "label",
  probabilitiesName: "probabilities",
  trees: 100,
  maxDepth: 8,
  rows: 2000,
  seed: 42,
  leafLayout: "positive-class",
  metadata: { name: "sample-forest", version: "1" },
};

const A = onnx.AttributeProto.AttributeType;
const T = onnx.TensorProto.DataType;

interface EnsembleAttributes {
  nodes_treeids: number[];
  nodes_nodeids: number[];
  nodes_featureids: number[];
  nodes_modes: string[];
  nodes_values: number[];
  nodes_truenodeids: number[];
  nodes_falsenodeids: number[];
  nodes_missing_value_tracks_true: number[];
  nodes_hitrates: number[];
  class_treeids: number[];
  class_nodeids: number[];
  class_ids: number[];
  class_weights: number[];
}

/** Depth-first node numbering, like scikit-learn's tree_ arrays. */
function addTree(attrs: EnsembleAttributes, tree: TreeNode, treeId: number, treeWeight: number, options: SampleModelOptions): void {
  let nextId = 0;
  const visit = (node: TreeNode): number => {
    const id = nextId++;
    const at = attrs.nodes_nodeids.length;
    attrs.nodes_treeids.push(treeId);
    attrs.nodes_nodeids.push(id);
    attrs.nodes_missing_value_tracks_true.push(0);
    attrs.nodes_hitrates.push(1);
    if (node.kind === "leaf") {
      attrs.nodes_featureids.push(0);
      attrs.nodes_modes.push("LEAF");
      attrs.nodes_values.push(0);
      attrs.nodes_truenodeids.push(0);
      attrs.nodes_falsenodeids.push(0);
      const total = node.counts.reduce((a, b) => a + b, 0);
      const probabilities = node.counts.map((c) => (c / total) * treeWeight);
      const votes: Array<[number, number]> =
        probabilities.length === 2 && options.leafLayout === "positive-class"
          ? [[0, probabilities[1] ?? 0]]
          : probabilities.map((p, k) => [k, p]);
      for (const [classId, weight] of votes) {
        attrs.class_treeids.push(treeId);
        attrs.class_nodeids.push(id);
        attrs.class_ids.push(classId);
        attrs.class_weights.push(weight);
      }
      return id;
    }
    attrs.nodes_featureids.push(node.feature);
    attrs.nodes_modes.push("BRANCH_LEQ");
    attrs.nodes_values.push(node.threshold);
    attrs.nodes_truenodeids.push(0);
    attrs.nodes_falsenodeids.push(0);
    attrs.nodes_truenodeids[at] = visit(node.left);
    attrs.nodes_falsenodeids[at] = visit(node.right);
    return id;
  };
  visit(tree);
}

function attribute(name: string, value: number[] | string[] | string, kind: "ints" | "floats" | "strings" | "string"): onnx.IAttributeProto {
  const encode = (s: string) => Buffer.from(s, "utf8");
  switch (kind) {
    case "ints":
      return { name, type: A.INTS, ints: value as number[] };
    case "floats":
      return { name, type: A.FLOATS, floats: value as number[] };
    case "strings":
      return { name, type: A.STRINGS, strings: (value as string[]).map(encode) };
    case "string":
      return { name, type: A.STRING, s: encode(value as string) };
  }
}

function tensorInfo(name: string, elemType: number, dims: Array<number | null>): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (d === null ? {} : { dimValue: d })) },
      },
    },
  };
}

export function buildSampleModel(options: SampleModelOptions): Uint8Array {
  const classCount = options.classLabels.length;
  const data = makeDataset(options.rows, options.features, classCount, options.seed);
  const forest = trainForest(data, { trees: options.trees, maxDepth: options.maxDepth, minSamplesSplit: 4, seed: options.seed + 1 });

  const attrs: EnsembleAttributes = {
    nodes_treeids: [], nodes_nodeids: [], nodes_featureids: [], nodes_modes: [], nodes_values: [],
    nodes_truenodeids: [], nodes_falsenodeids: [], nodes_missing_value_tracks_true: [], nodes_hitrates: [],
    class_treeids: [], class_nodeids: [], class_ids: [], class_weights: [],
  };
  forest.forEach((tree, treeId) => addTree(attrs, tree, treeId, 1 / forest.length, options));

  const stringLabels = typeof options.classLabels[0] === "string";
  const node: onnx.INodeProto = {
    name: "TreeEnsembleClassifier",
    opType: "TreeEnsembleClassifier",
    domain: "ai.onnx.ml",
    input: [options.inputName],
    output: [options.labelName, options.probabilitiesName],
    attribute: [
      stringLabels
        ? attribute("classlabels_strings", options.classLabels as string[], "strings")
        : attribute("classlabels_int64s", options.classLabels as number[], "ints"),
      attribute("post_transform", "NONE", "string"),
      ...(["nodes_modes"] as const).map((k) => attribute(k, attrs[k], "strings")),
      ...(["nodes_values", "nodes_hitrates", "class_weights"] as const).map((k) => attribute(k, attrs[k], "floats")),
      ...(
        [
          "nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_truenodeids", "nodes_falsenodeids",
          "nodes_missing_value_tracks_true", "class_treeids", "class_nodeids", "class_ids",
        ] as const
      ).map((k) => attribute(k, attrs[k], "ints")),
    ],
  };

  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: "ml-endpoints-train",
    producerVersion: "1",
    docString: "Seeded random forest on synthetic data, in skl2onnx's TreeEnsembleClassifier layout (zipmap off).",
    opsetImport: [
      { domain: "", version: 17 },
      { domain: "ai.onnx.ml", version: 3 },
    ],
    graph: {
      name: "forest",
      node: [node],
      input: [tensorInfo(options.inputName, options.doubleInput ? T.DOUBLE : T.FLOAT, [null, options.features])],
      output: [
        tensorInfo(options.labelName, stringLabels ? T.STRING : T.INT64, [null]),
        tensorInfo(options.probabilitiesName, T.FLOAT, [null, classCount]),
      ],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** Writes model.onnx (and model.json when asked) into `dir`; returns the model path. */
export function writeSampleModel(dir: string, options: SampleModelOptions = SAMPLE_MODEL): string {
  mkdirSync(dir, { recursive: true });
  const modelPath = join(dir, "model.onnx");
  writeFileSync(modelPath, buildSampleModel(options));
  if (options.metadata) {
    const metadata = {
      name: options.metadata.name,
      version: options.metadata.version,
      feature_count: options.features,
      class_labels: options.classLabels,
    };
    writeFileSync(join(dir, "model.json"), JSON.stringify(metadata, null, 2) + "\n");
  }
  return modelPath;
}
