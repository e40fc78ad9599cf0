/** Vertex AI mounts nothing: with AIP_STORAGE_URI the model is downloaded first, into MODEL_DIR or MODEL_DOWNLOAD_DIR. */
import type { Config } from "../config";
import type { Logger } from "../observability/logger";
import { downloadGcsPrefix } from "./gcs";

/** Downloads the model when AIP_STORAGE_URI is set, and points `config.modelDir` at it. */
export async function downloadIfConfigured(config: Config, logger: Logger): Promise<void> {
  if (!config.storageUri) return;
  const modelDir = config.modelDir ?? config.downloadDir;
  const started = Date.now();
  let files: string[];
  try {
    files = await downloadGcsPrefix(config.storageUri, modelDir);
  } catch (err) {
    throw new Error(`cannot download the model from AIP_STORAGE_URI ${config.storageUri}: ${(err as Error).message}`);
  }
  config.modelDir = modelDir;
  logger.info({ from: config.storageUri, to: modelDir, files: files.length, ms: Date.now() - started }, "model downloaded");
}
