/**
 * Response bodies. Every predict route answers
 * `{"predictions": [label...], "probabilities": [[p...]...], "model_version": "..."}`
 * (or CSV lines `label,p0,p1,...` when the client accepts only text/csv);
 * the v2 route answers the Open Inference Protocol shape.
 */
import { HttpError } from "./errors";
import type { ModelInfo as Classifier, Prediction } from "../model/classifier";

export type ResponseFormat = "json" | "csv";

/** Picks the response format from the Accept header; q-values are not weighed, the first match wins. */
export function negotiate(accept: string | undefined): ResponseFormat {
  if (!accept) return "json";
  for (const part of accept.split(",")) {
    const type = part.split(";")[0]!.trim().toLowerCase();
    if (type === "application/json" || type === "*/*" || type === "application/*" || type === "") return "json";
    if (type === "text/csv" || type === "text/*") return "csv";
  }
  throw new HttpError(406, `cannot answer with ${accept}: this server produces application/json or text/csv`);
}

/** A number as JSON.stringify writes it (probabilities are checked finite before they get here). */
const jsonNumber = (value: number): string => (Number.isFinite(value) ? String(value) : "null");

export function predictionBody(prediction: Prediction, model: Classifier, format: ResponseFormat): string {
  const { labels, probabilities } = prediction;
  const classes = model.classCount;
  // Written by hand, row by row from the typed array: the object, a number[] per row and JSON.stringify's
  // generic walk cost more than the rest of the serialisation. The output is byte for byte the same.
  if (format === "csv") {
    let csv = "";
    for (let r = 0; r < labels.length; r++) {
      csv += String(labels[r]);
      for (let k = 0; k < classes; k++) csv += "," + String(probabilities[r * classes + k]);
      csv += "\n";
    }
    return csv;
  }
  let body = `{"predictions":${JSON.stringify(labels)},"probabilities":[`;
  for (let r = 0; r < labels.length; r++) {
    body += r === 0 ? "[" : ",[";
    for (let k = 0; k < classes; k++) body += (k === 0 ? "" : ",") + jsonNumber(probabilities[r * classes + k]!);
    body += "]";
  }
  return body + `],"model_version":${JSON.stringify(model.version)}}`;
}

export function v2InferBody(prediction: Prediction, model: Classifier, id: unknown): string {
  const rows = prediction.labels.length;
  const stringLabels = typeof model.classLabels[0] === "string";
  return JSON.stringify({
    model_name: model.name,
    model_version: model.version,
    ...(typeof id === "string" ? { id } : {}),
    outputs: [
      { name: "label", shape: [rows], datatype: stringLabels ? "BYTES" : "INT64", data: prediction.labels },
      { name: "probabilities", shape: [rows, model.classCount], datatype: "FP32", data: Array.from(prediction.probabilities) },
    ],
  });
}

export function v2ModelMetadata(model: Classifier): Record<string, unknown> {
  return {
    name: model.name,
    versions: [model.version],
    platform: "onnxruntime",
    inputs: [{ name: "input", datatype: model.inputType === "float64" ? "FP64" : "FP32", shape: [-1, model.featureCount] }],
    outputs: [
      { name: "label", datatype: typeof model.classLabels[0] === "string" ? "BYTES" : "INT64", shape: [-1] },
      { name: "probabilities", datatype: "FP32", shape: [-1, model.classCount] },
    ],
    class_labels: model.classLabels,
  };
}
