/**
 * Reads what serving needs from the ONNX protobuf itself, so any skl2onnx
 * classifier works without extra files: the input tensor and its feature
 * count, the probability output, and the class labels from the classifier
 * node's classlabels_* attributes.
 */
import { all, first, ints, readMessage, str, sub, type Message } from "./protobuf";

export type ClassLabel = number | string;

export interface ModelSignature {
  inputName: string;
  inputType: "float32" | "float64";
  /** From the input shape [N, F]; undefined when F is symbolic. */
  featureCount: number | undefined;
  probabilitiesName: string;
  /** From the probability output shape [N, C]; undefined when C is symbolic. */
  classCount: number | undefined;
  /** undefined when the graph carries no labels (then they are 0..C-1). */
  classLabels: ClassLabel[] | undefined;
  /** The operators that make it a classifier (an ai.onnx.ml *Classifier node, or skl2onnx's "classes" initializer). */
  classifierEvidence: string;
}

/** Field numbers from onnx.proto. */
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12 } as const;
const NODE = { opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { name: 1, ints: 8, strings: 9 } as const;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE = { tensor: 1, sequence: 4 } as const;
const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
const SHAPE_DIM = 1;
const DIM_VALUE = 1;
const TENSOR = { dataType: 2, int32Data: 5, stringData: 6, int64Data: 7, name: 8, rawData: 9 } as const;
const DataType = { FLOAT: 1, INT32: 6, INT64: 7, STRING: 8, DOUBLE: 11 } as const;

interface ValueInfo {
  name: string;
  elemType: number | undefined;
  shape: Array<number | undefined> | undefined;
  isSequence: boolean;
}

function valueInfo(msg: Message): ValueInfo {
  const type = sub(first(msg, VALUE_INFO.type));
  const tensor = type && sub(first(type, TYPE.tensor));
  const shape = tensor && sub(first(tensor, TENSOR_TYPE.shape));
  return {
    name: str(first(msg, VALUE_INFO.name)) ?? "",
    elemType: tensor && first(tensor, TENSOR_TYPE.elemType)?.varint,
    shape: shape && all(shape, SHAPE_DIM).map((d) => {
      const value = first(readMessage(d.bytes), DIM_VALUE)?.varint;
      return value !== undefined && value > 0 ? value : undefined;
    }),
    isSequence: type !== undefined && first(type, TYPE.sequence) !== undefined,
  };
}

/** Label attributes, by the names the ai.onnx.ml classifiers use. */
const LABEL_ATTRIBUTES = new Set(["classlabels_int64s", "classlabels_ints", "classlabels_strings"]);
const ATTRIBUTE_FIELDS = new Set<number>(Object.values(ATTRIBUTE));

function labelsFromNode(node: Message): ClassLabel[] | undefined {
  for (const field of all(node, NODE.attribute)) {
    // Read the name alone first: the tree arrays in other attributes are large.
    const name = str(first(readMessage(field.bytes, new Set([ATTRIBUTE.name])), ATTRIBUTE.name));
    if (!name || !LABEL_ATTRIBUTES.has(name)) continue;
    const attr = readMessage(field.bytes, ATTRIBUTE_FIELDS);
    const labels = name === "classlabels_strings" ? all(attr, ATTRIBUTE.strings).map((f) => str(f)!) : ints(attr, ATTRIBUTE.ints);
    if (labels.length > 0) return labels;
  }
  return undefined;
}

/** skl2onnx converters that end in ArgMax + ArrayFeatureExtractor keep labels in an initializer named "classes". */
function labelsFromInitializer(graph: Message): ClassLabel[] | undefined {
  for (const field of all(graph, GRAPH.initializer)) {
    const tensor = readMessage(field.bytes, new Set([TENSOR.name]));
    if (str(first(tensor, TENSOR.name)) !== "classes") continue;
    const classes = readMessage(field.bytes);
    const dataType = first(classes, TENSOR.dataType)?.varint;
    if (dataType === DataType.STRING) return all(classes, TENSOR.stringData).map((f) => str(f)!);
    const raw = first(classes, TENSOR.rawData)?.bytes;
    if (raw && dataType === DataType.INT64) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    }
    const values = dataType === DataType.INT32 ? ints(classes, TENSOR.int32Data) : ints(classes, TENSOR.int64Data);
    return values.length > 0 ? values : undefined;
  }
  return undefined;
}

export class ModelFormatError extends Error {}

export function readSignature(bytes: Uint8Array): ModelSignature {
  let graph: Message | undefined;
  let inputs: ValueInfo[];
  let outputs: ValueInfo[];
  let nodes: Message[];
  try {
    graph = sub(first(readMessage(bytes, new Set([MODEL_GRAPH])), MODEL_GRAPH));
    if (!graph) throw new ModelFormatError("the ONNX file has no graph");
    const initializerNames = new Set(
      all(graph, GRAPH.initializer).map((f) => str(first(readMessage(f.bytes, new Set([TENSOR.name])), TENSOR.name))),
    );
    inputs = all(graph, GRAPH.input).map((f) => valueInfo(readMessage(f.bytes))).filter((i) => !initializerNames.has(i.name));
    outputs = all(graph, GRAPH.output).map((f) => valueInfo(readMessage(f.bytes)));
    nodes = all(graph, GRAPH.node).map((f) => readMessage(f.bytes, new Set([NODE.opType, NODE.attribute])));
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw new ModelFormatError(`not a valid ONNX protobuf (${(err as Error).message})`);
  }

  const input = inputs[0];
  if (!input?.name || inputs.length !== 1) {
    throw new ModelFormatError(`expected exactly one input tensor, found ${inputs.length}`);
  }
  if (input.elemType !== DataType.FLOAT && input.elemType !== DataType.DOUBLE) {
    throw new ModelFormatError(`input "${input.name}" must be float or double (skl2onnx FloatTensorType/DoubleTensorType)`);
  }
  if (input.shape && input.shape.length !== 2) {
    throw new ModelFormatError(`input "${input.name}" must have shape [N, features], it has rank ${input.shape.length}`);
  }

  const probabilities = outputs.find(
    (o) => (o.elemType === DataType.FLOAT || o.elemType === DataType.DOUBLE) && o.shape?.length === 2,
  );
  if (!probabilities?.name) {
    throw new ModelFormatError(
      outputs.some((o) => o.isSequence)
        ? 'the probability output is a ZipMap (sequence of maps); export with skl2onnx options={"zipmap": False}'
        : "no [N, classes] float output found: is this a classifier exported by skl2onnx?",
    );
  }

  if (probabilities.shape?.[1] !== undefined && probabilities.shape[1] < 2) {
    throw new ModelFormatError(`output "${probabilities.name}" has ${probabilities.shape[1]} column(s): a classifier needs at least 2 classes (is this a regressor?)`);
  }
  const opTypes = nodes.map((n) => str(first(n, NODE.opType)) ?? "");
  const classifierOp = opTypes.find((op) => op.endsWith("Classifier"));
  const initializerLabels = labelsFromInitializer(graph);
  if (!classifierOp && !initializerLabels) {
    const ops = [...new Set(opTypes)].slice(0, 8).join(", ") || "none";
    throw new ModelFormatError(`not a classifier: no ai.onnx.ml *Classifier node and no "classes" initializer (operators: ${ops})`);
  }

  const nodeLabels = nodes.map(labelsFromNode).filter((l) => l !== undefined);
  return {
    classifierEvidence: classifierOp ?? 'the "classes" initializer',
    inputName: input.name,
    inputType: input.elemType === DataType.DOUBLE ? "float64" : "float32",
    featureCount: input.shape?.[1],
    probabilitiesName: probabilities.name,
    classCount: probabilities.shape?.[1],
    classLabels: nodeLabels.at(-1) ?? initializerLabels,
  };
}
