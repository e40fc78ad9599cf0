/**
 * Request bodies every target sends, decoded into a feature matrix:
 * - JSON `{"instances": rows}` (SageMaker, Vertex, ours), `{"inputs": rows}`
 *   (TF-Serving style) or `{"data": rows}` (Azure ML samples);
 * - `text/csv`, one row per line (SageMaker's scikit-learn container);
 * - Open Inference Protocol v2 `{"inputs": [{"name", "shape", "datatype", "data"}]}`.
 */
import { badRequest } from "./errors";
import { allocate, checkRowCount, checkValue, describe, rowsToMatrix, type FeatureMatrix, type ModelShape } from "./rows";

const ROW_KEYS = ["instances", "inputs", "data"] as const;

/**
 * V8's JSON.parse messages quote the body around the error; only the position is
 * repeated to the client, so an error never echoes what was sent.
 */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const where = position !== undefined ? `syntax error at position ${position}` : /end of JSON input/.test(message) ? "unexpected end of input" : "syntax error";
    throw badRequest(`malformed JSON: ${where}`);
  }
}

/**
 * A CSV number cell. Each part can match in only one way (digits, then an optional
 * fraction, then an optional exponent), so a failing match backtracks linearly:
 * the old `\d+\.?\d*` split a run of digits every possible way, quadratically.
 */
const CSV_NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

function asObject(body: unknown, expected: string): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest(`expected a JSON object with ${expected}, got ${describe(body)}`);
  }
  return body as Record<string, unknown>;
}

export function jsonRows(body: Record<string, unknown>, shape: ModelShape): FeatureMatrix {
  const key = ROW_KEYS.find((k) => body[k] !== undefined);
  if (!key) throw badRequest(`missing "instances" (or "inputs" or "data"): a list of rows, each a list of ${shape.featureCount} numbers`);
  const value = body[key];
  if (key === "inputs" && isV2TensorList(value)) return v2Tensor(value, shape);
  return rowsToMatrix(value, key, shape);
}

export function parseJsonRequest(text: string, shape: ModelShape): FeatureMatrix {
  return jsonRows(asObject(parseJson(text), '"instances"'), shape);
}

/** Parses the body once for routes that also accept non-prediction payloads (Lambda events). */
export function parseJsonObject(text: string, expected: string): Record<string, unknown> {
  return asObject(parseJson(text), expected);
}

export function parseCsvRequest(text: string, shape: ModelShape): FeatureMatrix {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  checkRowCount(lines.length);
  const width = shape.featureCount;
  const features = allocate(shape, lines.length);
  lines.forEach((line, r) => {
    const cells = line.split(",");
    if (cells.length !== width) throw badRequest(`row ${r + 1} has ${cells.length} features, the model expects ${width}`);
    cells.forEach((cell, f) => {
      const trimmed = cell.trim();
      const value = trimmed === "" ? null : CSV_NUMBER.test(trimmed) ? Number(trimmed) : trimmed;
      features[r * width + f] = checkValue(value, shape, () => `row ${r + 1}, feature ${f + 1}`);
    });
  });
  return { features, rows: lines.length };
}

// --- Open Inference Protocol v2 ---------------------------------------------

interface V2Tensor {
  name?: unknown;
  shape?: unknown;
  datatype?: unknown;
  data?: unknown;
}

function isV2TensorList(value: unknown): value is V2Tensor[] {
  return Array.isArray(value) && value.length > 0 && typeof value[0] === "object" && value[0] !== null && !Array.isArray(value[0]);
}

const V2_NUMERIC = new Set(["FP32", "FP64", "FP16", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"]);

function v2Tensor(inputs: V2Tensor[], shape: ModelShape): FeatureMatrix {
  if (inputs.length !== 1) throw badRequest(`expected exactly one input tensor, got ${inputs.length}`);
  const tensor = inputs[0]!;
  if (typeof tensor.datatype !== "string" || !V2_NUMERIC.has(tensor.datatype)) {
    throw badRequest(`input datatype must be numeric (e.g. "FP32"), got ${describe(tensor.datatype)}`);
  }
  const dims = tensor.shape;
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0) || dims.length < 1 || dims.length > 2) {
    throw badRequest(`input shape must be [rows, ${shape.featureCount}], got ${JSON.stringify(dims)}`);
  }
  const rows = dims.length === 2 ? (dims[0] as number) : 1;
  const width = (dims.length === 2 ? dims[1] : dims[0]) as number;
  if (width !== shape.featureCount) throw badRequest(`input shape ${JSON.stringify(dims)} has ${width} features, the model expects ${shape.featureCount}`);
  checkRowCount(rows);
  const data = Array.isArray(tensor.data) ? (tensor.data.flat(2) as unknown[]) : undefined;
  if (!data || data.length !== rows * width) {
    throw badRequest(`input data must hold ${rows * width} numbers for shape ${JSON.stringify(dims)}, got ${data ? data.length : describe(tensor.data)}`);
  }
  const features = allocate(shape, rows);
  for (let i = 0; i < data.length; i++) {
    features[i] = checkValue(data[i], shape, () => `row ${Math.floor(i / width) + 1}, feature ${(i % width) + 1}`);
  }
  return { features, rows };
}

export function parseV2Request(text: string, shape: ModelShape): { matrix: FeatureMatrix; id: unknown } {
  const body = asObject(parseJson(text), '"inputs"');
  if (!isV2TensorList(body.inputs)) throw badRequest('missing "inputs": a list with one tensor {name, shape, datatype, data}');
  return { matrix: v2Tensor(body.inputs, shape), id: body.id };
}
