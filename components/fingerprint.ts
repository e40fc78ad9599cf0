import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Directories never part of a build context's identity (they are rebuilt inside the image or ignored by it). */
const IGNORED_DIRS = new Set(["node_modules", "dist", ".git", "coverage"]);

/** Every file below `root`, as sorted relative paths, skipping dependency and build folders. */
export function listFiles(root: string): string[] {
    const found: string[] = [];
    const walk = (relativeDir: string) => {
        for (const entry of fs.readdirSync(path.join(root, relativeDir), { withFileTypes: true })) {
            const relative = path.join(relativeDir, entry.name);
            if (entry.isDirectory()) {
                if (!IGNORED_DIRS.has(entry.name)) walk(relative);
            } else if (entry.isFile()) {
                found.push(relative);
            }
        }
    };
    walk("");
    return found.sort();
}

/** sha256 over the files' relative names and bytes: it changes exactly when one of them does. */
export function fingerprintFiles(root: string, relativePaths: readonly string[]): string {
    const hash = crypto.createHash("sha256");
    for (const relative of relativePaths) {
        hash.update(relative).update("\0").update(fs.readFileSync(path.join(root, relative))).update("\0");
    }
    return hash.digest("hex");
}
