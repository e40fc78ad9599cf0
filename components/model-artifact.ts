import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tar from "tar";
import type { ModelArgs } from "./args";
import { fingerprintFiles } from "./fingerprint";
import { resolveProjectPath } from "./project-path";
import { EndpointArgsError, nameSlug } from "./settings";

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

/** Hex digits of the content hash kept in artifact paths: 64 bits, so two different models never share a path. */
export const ARTIFACT_HASH_DIGITS = 16;
/** Days a noncurrent (overwritten or deleted) artifact version stays recoverable when the stack sets no `model.retentionDays`. */
export const DEFAULT_ARTIFACT_RETENTION_DAYS = 30;

/**
 * Where one artifact lives inside its bucket or container: `<name>/<version>/<content hash>`. The hash makes
 * the path immutable: new bytes under the same version get a new path, so nothing is ever rewritten in place
 * (no instance serves a mix of old and new) and each upload is a new object, never a same-name replacement
 * (which on GCS deletes the new file: pulumi-gcp#152).
 */
export function artifactPath(model: Pick<ModelArgs, "name" | "version">, contentHash: string): string {
    return `${modelPathPrefix(model)}${nameSlug(model.version, 64)}/${contentHash.slice(0, ARTIFACT_HASH_DIGITS)}`;
}

/** `<name>/`: every version and content of one model, e.g. what a serving role may read so a rollback still can. */
export function modelPathPrefix(model: Pick<ModelArgs, "name">): string {
    return `${nameSlug(model.name, 100)}/`;
}

/** `model.retentionDays`, checked: a whole number of days ≥ 1 (the unit every cloud's lifecycle rule takes). */
export function artifactRetentionDays(component: string, model: Pick<ModelArgs, "retentionDays">): number {
    const days = model.retentionDays ?? DEFAULT_ARTIFACT_RETENTION_DAYS;
    if (!Number.isInteger(days) || days < 1) {
        throw new EndpointArgsError(`${component}: model.retentionDays ${days} must be a whole number of days ≥ 1`);
    }
    return days;
}
