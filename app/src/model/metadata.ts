/**
 * The optional model.json next to model.onnx. Every field is optional and
 * overrides what the ONNX graph says: name, version, feature_count, class_labels.
 */
import { existsSync, readFileSync } from "node:fs";
import type { ClassLabel } from "./signature";

export interface ModelMetadata {
  name?: string;
  version?: string;
  featureCount?: number;
  classLabels?: ClassLabel[];
}

export function readMetadata(path: string): ModelMetadata {
  if (!existsSync(path)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${path} must hold a JSON object`);
  const doc = raw as Record<string, unknown>;
  const metadata: ModelMetadata = {};
  if (doc.name !== undefined) metadata.name = String(doc.name);
  if (doc.version !== undefined) metadata.version = String(doc.version);
  if (doc.feature_count !== undefined) {
    if (!Number.isInteger(doc.feature_count) || (doc.feature_count as number) <= 0) {
      throw new Error(`${path}: feature_count must be a positive integer`);
    }
    metadata.featureCount = doc.feature_count as number;
  }
  if (doc.class_labels !== undefined) {
    const labels = doc.class_labels;
    const valid =
      Array.isArray(labels) &&
      labels.length > 0 &&
      (labels.every((l) => Number.isInteger(l)) || labels.every((l) => typeof l === "string"));
    if (!valid) throw new Error(`${path}: class_labels must be a non-empty list of integers or of strings`);
    metadata.classLabels = labels as ClassLabel[];
  }
  return metadata;
}
