/**
 * Finds model.onnx: in the first directory that exists of MODEL_DIR,
 * AZUREML_MODEL_DIR (searched recursively: Azure ML mounts the registered
 * model folder a few levels down), SageMaker's /opt/ml/model, and last the
 * model baked into the image (DEFAULT_MODEL_DIR). Because the first existing
 * directory wins, a platform's artifact that lacks model.onnx is an error,
 * never a silent fall back to the baked model.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config";

export const MODEL_FILE = "model.onnx";
const MAX_SEARCH_DEPTH = 8;

export class ModelNotFoundError extends Error {}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Breadth-first, so the shallowest model.onnx wins. */
export function findRecursively(root: string, file: string): string | undefined {
  let level = [root];
  for (let depth = 0; depth <= MAX_SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level.sort()) {
      const candidate = join(dir, file);
      if (existsSync(candidate) && !isDirectory(candidate)) return candidate;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) next.push(join(dir, entry.name));
      }
    }
    level = next;
  }
  return undefined;
}

export function locateModel(config: Pick<Config, "modelDir" | "azureModelDir" | "sageMakerModelDir" | "defaultModelDir">): string {
  const candidates: Array<{ label: string; dir: string | undefined; recursive: boolean }> = [
    { label: "MODEL_DIR", dir: config.modelDir, recursive: false },
    { label: "AZUREML_MODEL_DIR", dir: config.azureModelDir, recursive: true },
    { label: "SageMaker model directory", dir: config.sageMakerModelDir, recursive: false },
    { label: "DEFAULT_MODEL_DIR", dir: config.defaultModelDir, recursive: false },
  ];
  const chosen = candidates.find((c) => c.dir !== undefined && isDirectory(c.dir));
  if (!chosen?.dir) {
    const looked = candidates.filter((c) => c.dir).map((c) => `${c.label} ${c.dir}`);
    throw new ModelNotFoundError(`no model directory found (looked at ${looked.join(", ")}); set MODEL_DIR`);
  }
  const path = chosen.recursive ? findRecursively(chosen.dir, MODEL_FILE) : join(chosen.dir, MODEL_FILE);
  if (!path || !existsSync(path)) {
    const where = chosen.recursive ? `anywhere under ${chosen.dir}` : `at ${join(chosen.dir, MODEL_FILE)}`;
    throw new ModelNotFoundError(`no ${MODEL_FILE} ${where} (${chosen.label})`);
  }
  return path;
}
