/**
 * Vertex AI mounts nothing: when AIP_STORAGE_URI (gs://bucket/prefix) is set,
 * the container copies the model files from there itself. Uses the official
 * client with application default credentials; STORAGE_EMULATOR_HOST points
 * it at an emulator instead (the tests use a loopback fake).
 */
import { mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export function parseGsUri(uri: string): { bucket: string; prefix: string } {
  const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) throw new Error(`AIP_STORAGE_URI must look like gs://bucket/path, got "${uri}"`);
  const path = match[2] ?? "";
  return { bucket: match[1], prefix: path === "" || path.endsWith("/") ? path : `${path}/` };
}

/** Downloads every object under the prefix into `dir`, keeping relative paths. Returns the local paths. */
export async function downloadGcsPrefix(uri: string, dir: string): Promise<string[]> {
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
