/**
 * Vertex AI mounts nothing: when AIP_STORAGE_URI (gs://bucket/prefix) is set,
 * the container copies the model files from there itself. Uses the official
 * client with application default credentials; STORAGE_EMULATOR_HOST points
 * it at an emulator instead (the tests use a loopback fake).
 *
 * AIP_STORAGE_URI is Vertex AI's own copy of the artifacts. Google promises
 * read access to it only to the default prediction identity; a deployed model
 * with a custom service account "overrides this access" ("Use a custom service
 * account", Vertex AI docs). So the deployment also passes the original
 * artifactUri, which the serving account is granted, as MODEL_ARTIFACT_URI,
 * and the download falls back to it when AIP_STORAGE_URI cannot be read.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** The original model URI beside AIP_STORAGE_URI (set by components/gcp/vertex-deployment.ts, ARTIFACT_URI_ENV). */
export const ARTIFACT_URI_ENV = "MODEL_ARTIFACT_URI";

export function parseGsUri(uri: string): { bucket: string; prefix: string } {
  const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) throw new Error(`AIP_STORAGE_URI must look like gs://bucket/path, got "${uri}"`);
  const path = match[2] ?? "";
  return { bucket: match[1], prefix: path === "" || path.endsWith("/") ? path : `${path}/` };
}

/**
 * Downloads every object under the prefix into `dir`, keeping relative paths. Returns the local paths.
 * When that fails and `env` has a different MODEL_ARTIFACT_URI, downloads from there instead; the error then
 * names both attempts.
 */
export async function downloadGcsPrefix(uri: string, dir: string, env: Record<string, string | undefined> = process.env): Promise<string[]> {
  try {
    return await downloadFrom(uri, dir);
  } catch (error) {
    const fallback = env[ARTIFACT_URI_ENV]?.trim();
    if (!fallback || fallback === uri) throw error;
    try {
      return await downloadFrom(fallback, dir);
    } catch (fallbackError) {
      throw new Error(`${(error as Error).message}; and from ${ARTIFACT_URI_ENV} ${fallback}: ${(fallbackError as Error).message}`);
    }
  }
}

async function downloadFrom(uri: string, dir: string): Promise<string[]> {
  const { bucket, prefix } = parseGsUri(uri);
  // Loaded lazily: the client is large and only Vertex needs it.
  const { Storage } = await import("@google-cloud/storage");
  const [files] = await new Storage().bucket(bucket).getFiles({ prefix });
  const written: string[] = [];
  for (const file of files) {
    if (file.name.endsWith("/")) continue; // "folder" placeholder objects
    const destination = join(dir, relative(prefix, file.name));
    if (!destination.startsWith(dir)) continue; // never write outside the model directory
    mkdirSync(dirname(destination), { recursive: true });
    await file.download({ destination });
    written.push(destination);
  }
  if (written.length === 0) throw new Error(`no files under ${uri}`);
  return written;
}
