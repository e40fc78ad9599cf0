// Makes a FileAsset serialize (JSON.stringify) as its content digest, `{ "__pulumiAsset": "FileAsset", "sha256": … }`,
// the way the engine compares assets: by content, not by path. Loaded in-process by the plan diff and with
// `node --require` into the subprocess that synthesizes an older commit, so both sides' reports compare bytes.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");

const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [process.cwd(), __dirname] }));
const Original = pulumi.asset.FileAsset;
if (!Original.__contentDigest) {
    class DigestedFileAsset extends Original {
        constructor(file) {
            super(file);
            Object.defineProperty(this, "__file", { value: file, enumerable: false });
        }
        toJSON() {
            const file = this.__file;
            if (typeof file !== "string") return { __pulumiAsset: "FileAsset", sha256: "(unknown path)" };
            if (!fs.existsSync(file)) return { __pulumiAsset: "FileAsset", sha256: `(missing ${file})` };
            return { __pulumiAsset: "FileAsset", sha256: crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex") };
        }
    }
    Object.defineProperty(DigestedFileAsset, "__contentDigest", { value: true });
    pulumi.asset.FileAsset = DigestedFileAsset;
}
