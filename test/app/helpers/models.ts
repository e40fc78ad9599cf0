/** Writes sample-model variants (via app/scripts/sample-model) into temp dirs. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SAMPLE_MODEL, writeSampleModel, type SampleModelOptions } from "../../../app/scripts/sample-model";

export { SAMPLE_MODEL };

const dirs: string[] = [];

/** Small forests keep the tests fast; they exercise the same graph layout. */
export function writeVariant(overrides: Partial<SampleModelOptions>, subdir = ""): { dir: string; modelPath: string } {
  const dir = mkdtempSync(join(tmpdir(), "ml-endpoints-model-"));
  dirs.push(dir);
  const options: SampleModelOptions = { ...SAMPLE_MODEL, trees: 10, rows: 400, metadata: undefined, ...overrides };
  return { dir, modelPath: writeSampleModel(join(dir, subdir), options) };
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ml-endpoints-test-"));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
