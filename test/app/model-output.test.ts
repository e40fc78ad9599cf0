/**
 * Finding 5: whatever the model outputs is checked before it is served as
 * probabilities. At load, probe rows must give a distribution (each value in
 * [0, 1], summing to 1) over at least 2 classes; per request, a row that does
 * not is answered 500 with a message and counted in model_invalid_output_total.
 * The models are one-split trees written with onnx-proto in the
 * TreeEnsembleClassifier layout, with leaf weights chosen to break the rules.
 */
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { onnx as OnnxNamespace } from "../../app/node_modules/onnx-proto";
import { removeTempDirs, tempDir } from "./helpers/models";
import { APP_DIR, call, metric, postJson, startServer } from "./helpers/server";

const { onnx } = createRequire(join(APP_DIR, "package.json"))("onnx-proto") as { onnx: typeof OnnxNamespace };
const A = onnx.AttributeProto.AttributeType;
const T = onnx.TensorProto.DataType;

/** One split on feature 1 at `threshold`: rows at or below get `low` as class weights, rows above get `high`. */
function stumpModel(threshold: number, low: [number, number], high: [number, number]): string {
  const ints = (name: string, values: number[]) => ({ name, type: A.INTS, ints: values });
  const floats = (name: string, values: number[]) => ({ name, type: A.FLOATS, floats: values });
  const dim = (d: number | null) => (d === null ? {} : { dimValue: d });
  const info = (name: string, elemType: number, dims: Array<number | null>) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map(dim) } } } });
  const bytes = onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: "", version: 17 }, { domain: "ai.onnx.ml", version: 3 }],
      graph: {
        name: "stump",
        input: [info("float_input", T.FLOAT, [null, 10])],
        output: [info("label", T.INT64, [null]), info("probabilities", T.FLOAT, [null, 2])],
        node: [{
          opType: "TreeEnsembleClassifier",
          domain: "ai.onnx.ml",
          input: ["float_input"],
          output: ["label", "probabilities"],
          attribute: [
            ints("classlabels_int64s", [0, 1]),
            { name: "post_transform", type: A.STRING, s: Buffer.from("NONE") },
            { name: "nodes_modes", type: A.STRINGS, strings: ["BRANCH_LEQ", "LEAF", "LEAF"].map((m) => Buffer.from(m)) },
            ints("nodes_treeids", [0, 0, 0]),
            ints("nodes_nodeids", [0, 1, 2]),
            ints("nodes_featureids", [0, 0, 0]),
            floats("nodes_values", [threshold, 0, 0]),
            ints("nodes_truenodeids", [1, 0, 0]),
            ints("nodes_falsenodeids", [2, 0, 0]),
            ints("class_treeids", [0, 0, 0, 0]),
            ints("class_nodeids", [1, 1, 2, 2]),
            ints("class_ids", [0, 1, 0, 1]),
            floats("class_weights", [...low, ...high]),
          ],
        }],
      },
    }),
  ).finish();
  const dir = tempDir();
  writeFileSync(join(dir, "model.onnx"), bytes);
  return dir;
}

const row = (first: number) => [first, 0, 0, 0, 0, 0, 0, 0, 0, 0];

describe("app: refusing output that is not probabilities (finding 5)", function () {
  after(removeTempDirs);

  it("refuses at load a model whose output is not a distribution (a corrupted forest's [-0.892, 0.892])", async () => {
    const dir = stumpModel(1e9, [-0.892, 0.892], [-0.892, 0.892]);
    const server = await startServer({ MODEL_DIR: dir }, { waitFor: false });
    const code = await Promise.race([server.exited, new Promise<string>((r) => setTimeout(() => r("still serving"), 8000))]);
    if (code === "still serving") await server.stop();
    expect(code).to.equal(1);
    expect(server.output()).to.include("its output is not a probability distribution (probe row 1: probability -0.892");
  });

  it("answers 500, with a message and a count, for a row whose probabilities are invalid", async () => {
    const server = await startServer({ MODEL_DIR: stumpModel(50, [0.25, 0.75], [1.5, -0.5]) });
    try {
      const good = await postJson(server, "/predict", { instances: [row(1)] });
      expect(good.status).to.equal(200);
      expect(good.body.probabilities).to.deep.equal([[0.25, 0.75]]);
      const bad = await postJson(server, "/predict", { instances: [row(1), row(100)] });
      expect(bad.status).to.equal(500);
      expect(bad.body.error).to.equal("the model produced invalid probabilities for row 2 (probability 1.5 for class 0 is outside [0, 1]); refusing to answer");
      expect(metric((await call(server, "/metrics")).text, "model_invalid_output_total")).to.equal(1);
    } finally {
      await server.stop();
    }
  });
});
