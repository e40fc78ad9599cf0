/**
 * Reads what serving needs from the ONNX protobuf itself, so any skl2onnx
 * classifier works without extra files: the input tensor and its feature
 * count, the probability output, and the class labels from the classifier
 * node's classlabels_* attributes.
 */
import { onnx } from "onnx-proto";

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
}

const { DataType } = onnx.TensorProto;
const utf8 = new TextDecoder();

const toNumber = (v: number | { toNumber(): number }): number => (typeof v === "number" ? v : v.toNumber());

function tensorShape(info: onnx.IValueInfoProto): Array<number | undefined> | undefined {
  const dims = info.type?.tensorType?.shape?.dim;
  return dims?.map((d) => (d.dimValue !== undefined && d.dimValue !== null && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : undefined));
}

const elemType = (info: onnx.IValueInfoProto) => info.type?.tensorType?.elemType ?? undefined;

/** Label attributes, by the names the ai.onnx.ml classifiers use. */
function labelsFromNode(node: onnx.INodeProto): ClassLabel[] | undefined {
  for (const attr of node.attribute ?? []) {
    if ((attr.name === "classlabels_int64s" || attr.name === "classlabels_ints") && attr.ints?.length) return attr.ints.map(toNumber);
    if (attr.name === "classlabels_strings" && attr.strings?.length) return attr.strings.map((s) => utf8.decode(s));
  }
  return undefined;
}

/** skl2onnx converters that end in ArgMax + ArrayFeatureExtractor keep labels in an initializer named "classes". */
function labelsFromInitializer(graph: onnx.IGraphProto): ClassLabel[] | undefined {
  const classes = graph.initializer?.find((t) => t.name === "classes");
  if (!classes) return undefined;
  if (classes.dataType === DataType.STRING) return classes.stringData?.map((s) => utf8.decode(s));
  if (classes.int64Data?.length) return classes.int64Data.map(toNumber);
  if (classes.int32Data?.length) return [...classes.int32Data];
  if (classes.rawData?.length && classes.dataType === DataType.INT64) {
    const raw = classes.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  return undefined;
}

export class ModelFormatError extends Error {}

export function readSignature(bytes: Uint8Array): ModelSignature {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new ModelFormatError(`not a valid ONNX protobuf (${(err as Error).message})`);
  }
  const graph = model.graph;
  if (!graph) throw new ModelFormatError("the ONNX file has no graph");

  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name));
  const input = inputs[0];
  if (!input?.name || inputs.length !== 1) {
    throw new ModelFormatError(`expected exactly one input tensor, found ${inputs.length}`);
  }
  const inputElem = elemType(input);
  if (inputElem !== DataType.FLOAT && inputElem !== DataType.DOUBLE) {
    throw new ModelFormatError(`input "${input.name}" must be float or double (skl2onnx FloatTensorType/DoubleTensorType)`);
  }
  const inputShape = tensorShape(input);
  if (inputShape && inputShape.length !== 2) {
    throw new ModelFormatError(`input "${input.name}" must have shape [N, features], it has rank ${inputShape.length}`);
  }

  const outputs = graph.output ?? [];
  const probabilities = outputs.find((o) => {
    const t = elemType(o);
    return (t === DataType.FLOAT || t === DataType.DOUBLE) && tensorShape(o)?.length === 2;
  });
  if (!probabilities?.name) {
    const zipmap = outputs.some((o) => o.type?.sequenceType);
    throw new ModelFormatError(
      zipmap
        ? 'the probability output is a ZipMap (sequence of maps); export with skl2onnx options={"zipmap": False}'
        : "no [N, classes] float output found: is this a classifier exported by skl2onnx?",
    );
  }

  const classifierNodes = (graph.node ?? []).map(labelsFromNode).filter((l) => l !== undefined);
  return {
    inputName: input.name,
    inputType: inputElem === DataType.DOUBLE ? "float64" : "float32",
    featureCount: inputShape?.[1],
    probabilitiesName: probabilities.name,
    classCount: tensorShape(probabilities)?.[1],
    classLabels: classifierNodes.at(-1) ?? labelsFromInitializer(graph),
  };
}
