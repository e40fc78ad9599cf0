/** Resolves where the model comes from (downloading it on Vertex) and loads it. */
import type { Config } from "../config";
import type { Logger } from "../observability/logger";
import { Classifier } from "./classifier";
import { downloadGcsPrefix } from "./gcs";
import { locateModel } from "./locate";

export async function loadModel(config: Config, logger: Logger): Promise<Classifier> {
  let modelDir = config.modelDir;
  if (config.storageUri) {
    modelDir = config.modelDir ?? config.downloadDir;
    const started = Date.now();
    let files: string[];
    try {
      files = await downloadGcsPrefix(config.storageUri, modelDir);
    } catch (err) {
      throw new Error(`cannot download the model from AIP_STORAGE_URI ${config.storageUri}: ${(err as Error).message}`);
    }
    logger.info({ from: config.storageUri, to: modelDir, files: files.length, ms: Date.now() - started }, "model downloaded");
  }
  const path = locateModel({ ...config, modelDir });
  return Classifier.load(path, { name: config.modelName, version: config.modelVersion });
}
