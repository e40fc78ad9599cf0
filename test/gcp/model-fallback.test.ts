import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { ARTIFACT_URI_ENV as SERVER_ARTIFACT_URI_ENV, downloadGcsPrefix } from "../../app/src/model/gcs";
import { ARTIFACT_URI_ENV } from "../../components/gcp/vertex-deployment";

// Finding 9. "Use a custom service account" (Vertex AI docs): the default prediction identity may read the
// artifacts Vertex AI copied to AIP_STORAGE_URI, and a custom DeployedModel.serviceAccount "overrides this access";
// nothing says it may read Vertex's copy. The deployment grants the serving account its own bucket and passes
// that URI as MODEL_ARTIFACT_URI; the server falls back to it when AIP_STORAGE_URI is refused.

/** A Cloud Storage JSON API fake: `vertex-copy` answers 403 (the serving account may not read it); `team-models` serves its objects. */
async function startStorage(objects: Record<string, string>) {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://fake");
        requests.push(`${req.method} ${url.pathname}`);
        const match = /^(?:\/download)?(?:\/storage\/v1)?\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname);
        const send = (status: number, body: unknown) => {
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify(body));
        };
        if (!match) return send(404, { error: { code: 404, message: `no route ${url.pathname}` } });
        const [, bucket, object] = match;
        if (bucket === "vertex-copy") return send(403, { error: { code: 403, message: "serving@p.iam.gserviceaccount.com does not have storage.objects.list access to the Google Cloud Storage bucket." } });
        if (bucket !== "team-models") return send(404, { error: { code: 404, message: "The specified bucket does not exist." } });
        if (object === undefined) {
            const prefix = url.searchParams.get("prefix") ?? "";
            const items = Object.entries(objects).filter(([name]) => name.startsWith(prefix)).map(([name, data]) => ({ kind: "storage#object", bucket, name, size: String(data.length), generation: "1" }));
            return send(200, { kind: "storage#objects", items });
        }
        const data = objects[decodeURIComponent(object)];
        if (data === undefined) return send(404, { error: { code: 404, message: "No such object" } });
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": Buffer.byteLength(data) });
        res.end(data);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { host: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("the model download on Vertex AI, with a custom serving account (finding 9)", () => {
    let storage: Awaited<ReturnType<typeof startStorage>>;
    let savedHost: string | undefined;
    let dir: string;
    before(async () => {
        storage = await startStorage({ "churn/1/model.onnx": "onnx-bytes", "churn/1/model.json": "{}" });
        savedHost = process.env["STORAGE_EMULATOR_HOST"];
        process.env["STORAGE_EMULATOR_HOST"] = storage.host;
    });
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "model-fallback-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    after(async () => {
        if (savedHost === undefined) delete process.env["STORAGE_EMULATOR_HOST"];
        else process.env["STORAGE_EMULATOR_HOST"] = savedHost;
        await storage.close();
    });

    it("falls back to MODEL_ARTIFACT_URI when AIP_STORAGE_URI is refused", async () => {
        const files = await downloadGcsPrefix("gs://vertex-copy/model/", dir, { [ARTIFACT_URI_ENV]: "gs://team-models/churn/1/" });
        expect(files.map((file) => path.relative(dir, file)).sort()).to.deep.equal(["model.json", "model.onnx"]);
        expect(fs.readFileSync(path.join(dir, "model.onnx"), "utf8")).to.equal("onnx-bytes");
        expect(storage.requests[0]).to.match(/\/b\/vertex-copy\/o$/);
    });

    it("names both attempts when neither can be read, and fails as before without a fallback", async () => {
        let message = "";
        await downloadGcsPrefix("gs://vertex-copy/model/", dir, { [ARTIFACT_URI_ENV]: "gs://team-models/nothing-here/" }).catch((error: Error) => { message = error.message; });
        expect(message).to.match(/does not have storage\.objects\.list access.*; and from MODEL_ARTIFACT_URI gs:\/\/team-models\/nothing-here\/: no files under gs:\/\/team-models\/nothing-here\//);
        message = "";
        await downloadGcsPrefix("gs://vertex-copy/model/", dir, {}).catch((error: Error) => { message = error.message; });
        expect(message).to.match(/does not have storage\.objects\.list access/);
    });

    it("reads the variable the deployment sets", () => {
        expect(SERVER_ARTIFACT_URI_ENV).to.equal(ARTIFACT_URI_ENV);
    });
});
