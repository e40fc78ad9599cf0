// `npm run promote-images -- --from-state FILE`: the serving images a deployed stack runs, per cloud, read from
// `pulumi stack export` (the docker Image resources' repoDigest), printed as `images={"aws":…,"gcp":…,"azure":…}`
// for $GITHUB_OUTPUT.
// `npm run promote-images -- --stack <name> --images JSON`: writes them into Pulumi.<name>.yaml as
// `ml-endpoints:image.promoted`, so that stack serves those digests instead of building its own.
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { parseDocument } from "yaml";
import { stackFilePath } from "./run-program";

/** The program's image resources, by the cloud whose registry they push to (components/targets/context.ts, azureml). */
const IMAGE_RESOURCES: Readonly<Record<string, "aws" | "gcp" | "azure">> = {
    "aws-serving-image-image": "aws",
    "gcp-serving-image-image": "gcp",
    "azureml-image-image": "azure",
};

export type PromotedImages = Partial<Record<"aws" | "gcp" | "azure", string>>;

/** The pinned images in a `pulumi stack export` document. */
export function imagesInState(exported: unknown): PromotedImages {
    const resources = (exported as { deployment?: { resources?: { type?: string; urn?: string; outputs?: Record<string, unknown> }[] } }).deployment?.resources ?? [];
    const images: PromotedImages = {};
    for (const resource of resources) {
        if (resource.type !== "docker:index/image:Image") continue;
        const cloud = IMAGE_RESOURCES[String(resource.urn).split("::").pop() ?? ""];
        const digest = resource.outputs?.["repoDigest"];
        if (cloud !== undefined && typeof digest === "string" && /@sha256:[0-9a-f]{64}$/.test(digest)) images[cloud] = digest;
    }
    return images;
}

/** The stack file's text with `ml-endpoints:image.promoted` set to `images` (comments kept). */
export function withPromotedImages(stackFileText: string, images: PromotedImages): string {
    const document = parseDocument(stackFileText);
    for (const [cloud, digest] of Object.entries(images)) {
        if (!/@sha256:[0-9a-f]{64}$/.test(digest ?? "")) throw new Error(`promoted image for ${cloud} must be pinned by digest (…@sha256:<64 hex>), got ${JSON.stringify(digest)}`);
        document.setIn(["config", "ml-endpoints:image", "promoted", cloud], digest);
    }
    return document.toString();
}

function main(): number {
    const { values } = parseArgs({ options: { "from-state": { type: "string" }, stack: { type: "string" }, images: { type: "string" } } });
    if (values["from-state"] !== undefined) {
        const images = imagesInState(JSON.parse(fs.readFileSync(values["from-state"], "utf8")));
        if (Object.keys(images).length === 0) {
            console.error(`${values["from-state"]}: no docker Image with a pinned repoDigest in the state`);
            return 1;
        }
        console.log(`images=${JSON.stringify(images)}`);
        return 0;
    }
    if (values.stack !== undefined && values.images !== undefined) {
        const file = stackFilePath(values.stack);
        fs.writeFileSync(file, withPromotedImages(fs.readFileSync(file, "utf8"), JSON.parse(values.images) as PromotedImages));
        console.log(`${file}: ml-endpoints:image.promoted = ${values.images}`);
        return 0;
    }
    console.error("usage: npm run promote-images -- --from-state FILE | --stack <name> --images JSON");
    return 2;
}

if (require.main === module) process.exit(main());
