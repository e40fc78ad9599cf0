/**
 * Turns client rows into one contiguous feature matrix for a single ORT call,
 * rejecting anything the model cannot take with a message naming the row.
 * Rows and features are numbered from 1 in messages.
 */
import { badRequest } from "./errors";
import type { FeatureArray } from "../model/classifier";

export interface FeatureMatrix {
  features: FeatureArray;
  rows: number;
}

export interface ModelShape {
  featureCount: number;
  inputType: "float32" | "float64";
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (typeof value === "number") return String(value);
  return `a ${typeof value}`;
}

const FLOAT32_MAX = 3.4028234663852886e38;

export function checkValue(value: unknown, shape: ModelShape, where: () => string): number {
  if (typeof value !== "number") throw badRequest(`${where()} is ${describe(value)}, expected a number`);
  if (!Number.isFinite(value)) throw badRequest(`${where()} is ${value}, expected a finite number`);
  if (shape.inputType === "float32" && Math.abs(value) > FLOAT32_MAX) {
    throw badRequest(`${where()} is ${value}, outside the float32 range the model takes`);
  }
  return value;
}

export function checkRowCount(rows: number): void {
  if (rows === 0) throw badRequest("the batch is empty: send at least one row");
}

export function allocate(shape: ModelShape, rows: number): FeatureArray {
  const size = rows * shape.featureCount;
  return shape.inputType === "float64" ? new Float64Array(size) : new Float32Array(size);
}

/** `[[f1..fN], ...]` → matrix. `field` names the request key in error messages. */
export function rowsToMatrix(value: unknown, field: string, shape: ModelShape): FeatureMatrix {
  if (!Array.isArray(value)) throw badRequest(`"${field}" must be a list of rows, each a list of ${shape.featureCount} numbers`);
  checkRowCount(value.length);
  const width = shape.featureCount;
  const features = allocate(shape, value.length);
  for (let r = 0; r < value.length; r++) {
    const row: unknown = value[r];
    if (!Array.isArray(row)) {
      throw badRequest(`row ${r + 1} is ${describe(row)}, expected a list of ${width} numbers`);
    }
    if (row.length !== width) throw badRequest(`row ${r + 1} has ${row.length} features, the model expects ${width}`);
    for (let f = 0; f < width; f++) {
      features[r * width + f] = checkValue(row[f], shape, () => `row ${r + 1}, feature ${f + 1}`);
    }
  }
  return { features, rows: value.length };
}
