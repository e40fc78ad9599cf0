/**
 * Finds model.onnx, strictly: the first source that is *configured* is the only
 * one looked at, and it must hold the model. MODEL_DIR (also where Vertex's
 * AIP_STORAGE_URI is downloaded), then AZUREML_MODEL_DIR (searched
 * recursively: Azure ML mounts the registered folder a few levels down), then
 * SageMaker's directory (SM_MODEL_DIR, or /opt/ml/model when it exists or the
 * container was started with `serve`). The model baked into the image
 * (IMAGE_MODEL_DIR) is Lambda's model, where nothing can be mounted; anywhere
 * else it is served only with DEMO_MODEL=true: a wrong path never falls back to it.
 */
import { accessSync, constants, readdirSync, statSync } from "node:fs";
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

/** Why `dir` cannot hold the model, or undefined when it is a readable directory. */
function directoryProblem(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return "is a file, not a directory";
    accessSync(dir, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "does not exist";
    if (code === "EACCES" || code === "EPERM") return `is not readable by this process (uid ${process.getuid?.() ?? "?"})`;
    return `cannot be read (${(err as Error).message})`;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
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
      if (isFile(candidate)) return candidate;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // an unreadable subfolder cannot hold the model we can read
      }
      for (const entry of entries) {
        if (entry.isDirectory()) next.push(join(dir, entry.name));
      }
    }
    level = next;
  }
  return undefined;
}

type ModelSources = Pick<Config, "modelDir" | "azureModelDir" | "sageMakerModelDir" | "sageMakerModelDirExplicit" | "demoModel" | "imageModelDir" | "platform">;

export function locateModel(config: ModelSources): string {
  const source = chooseSource(config);
  const problem = directoryProblem(source.dir);
  if (problem) throw new ModelNotFoundError(`${source.label} ${source.dir} ${problem}`);
  const path = source.recursive ? findRecursively(source.dir, MODEL_FILE) : join(source.dir, MODEL_FILE);
  if (!path || !isFile(path)) {
    const where = source.recursive ? `anywhere under ${source.dir}` : `at ${join(source.dir, MODEL_FILE)}`;
    throw new ModelNotFoundError(`no ${MODEL_FILE} ${where} (${source.label})`);
  }
  return path;
}

function chooseSource(config: ModelSources): { label: string; dir: string; recursive: boolean } {
  if (config.modelDir) return { label: "MODEL_DIR", dir: config.modelDir, recursive: false };
  if (config.azureModelDir) return { label: "AZUREML_MODEL_DIR", dir: config.azureModelDir, recursive: true };
  if (config.sageMakerModelDirExplicit || config.platform === "sagemaker" || isDirectory(config.sageMakerModelDir)) {
    return { label: "SageMaker model directory", dir: config.sageMakerModelDir, recursive: false };
  }
  if (config.platform === "lambda" || config.demoModel) {
    const why = config.platform === "lambda" ? "on Lambda" : "DEMO_MODEL=true";
    if (!config.imageModelDir) throw new ModelNotFoundError(`${why} serves the image's model, but IMAGE_MODEL_DIR is not set (the image sets it)`);
    return { label: `IMAGE_MODEL_DIR (${why})`, dir: config.imageModelDir, recursive: false };
  }
  throw new ModelNotFoundError(
    "no model configured: set MODEL_DIR (or AIP_STORAGE_URI, AZUREML_MODEL_DIR, or mount SageMaker's /opt/ml/model); " +
      "the image's sample model is served only with DEMO_MODEL=true",
  );
}
