/**
 * `npm run train`: trains the seeded sample forest and writes
 * model/model.onnx + model/model.json (the default model artifact).
 * `npm run train -- <dir>` writes them elsewhere.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { SAMPLE_MODEL, writeSampleModel } from "./sample-model";

const dir = process.argv[2] ?? join(__dirname, "..", "model");
const started = Date.now();
const modelPath = writeSampleModel(dir, SAMPLE_MODEL);
const kib = (statSync(modelPath).size / 1024).toFixed(0);
console.log(`wrote ${modelPath} (${kib} KiB, ${SAMPLE_MODEL.trees} trees, depth ≤ ${SAMPLE_MODEL.maxDepth}) in ${Date.now() - started} ms`);
