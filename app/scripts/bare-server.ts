/**
 * The bare ceiling for `npm run bench`: node:http plus one onnxruntime-node
 * session, on one thread, with no validation, no metrics and no logs. It reads
 * `{"instances": rows}`, runs the rows, and answers the probabilities.
 * Env: PORT, MODEL_DIR.
 */
import { createServer } from "node:http";
import { join } from "node:path";
import * as ort from "onnxruntime-node";

async function main(): Promise<void> {
  const session = await ort.InferenceSession.create(join(process.env.MODEL_DIR!, "model.onnx"), { intraOpNumThreads: 1, graphOptimizationLevel: "all" });
  const input = session.inputNames[0]!;
  const output = "probabilities";
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rows = (JSON.parse(Buffer.concat(chunks).toString()) as { instances: number[][] }).instances;
      const tensor = new ort.Tensor("float32", Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);
      void session.run({ [input]: tensor }, [output]).then((out) => {
        const body = JSON.stringify({ probabilities: Array.from(out[output]!.data as Float32Array) });
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    });
  }).listen(Number(process.env.PORT), "127.0.0.1");
}

void main();
