import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tar from "tar";
import { fingerprintFiles } from "./fingerprint";
import { resolveProjectPath } from "./project-path";
import { EndpointArgsError } from "./settings";

/** The file every target's server loads; see app/README.md. */
export const MODEL_FILE = "model.onnx";

/** A local model directory, checked to hold a model, with its files listed in a stable order. */
export interface LocalModel {
    readonly dir: string;
    readonly files: readonly string[];
    /** sha256 over the files' names and bytes: changes exactly when the artifact does. */
    readonly contentHash: string;
}

/** Checks that `modelPath` is a directory holding `model.onnx`, and fingerprints its files. */
export function readLocalModel(component: string, modelPath: string): LocalModel {
    const dir = resolveProjectPath(modelPath);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new EndpointArgsError(`${component}: model.path "${dir}" is not a directory; it must hold ${MODEL_FILE} (run \`npm --prefix app run train\` for the sample model)`);
    }
    const files = fs.readdirSync(dir).filter((file) => fs.statSync(path.join(dir, file)).isFile()).sort();
    if (!files.includes(MODEL_FILE)) {
        throw new EndpointArgsError(`${component}: model.path "${dir}" has no ${MODEL_FILE}; found: ${files.join(", ") || "no files"}`);
    }
    return { dir, files, contentHash: fingerprintFiles(dir, files) };
}

/**
 * Packs a model directory as `model.tar.gz` (what SageMaker unpacks into /opt/ml/model).
 * The archive is byte-for-byte reproducible (sorted entries, no mtimes, portable headers), so an
 * unchanged model never shows up as a diff in `pulumi preview`. Returns the archive's path.
 */
export function packModelTarball(model: LocalModel): string {
    const outDir = path.join(os.tmpdir(), "ml-endpoints-artifacts", model.contentHash.slice(0, 16));
    const file = path.join(outDir, "model.tar.gz");
    if (!fs.existsSync(file)) {
        fs.mkdirSync(outDir, { recursive: true });
        const partial = `${file}.${process.pid}.partial`;
        tar.create({ gzip: true, file: partial, cwd: model.dir, sync: true, portable: true, noMtime: true }, [...model.files]);
        fs.renameSync(partial, file); // never leave a half-written archive where a later run would trust it
    }
    return file;
}
