/**
 * Any skl2onnx-style classifier is served with no extra files: the feature
 * count comes from the input shape, labels from classlabels_*, tensor names
 * from the graph. Predictions must agree with an independent evaluation.
 */
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { removeTempDirs, SAMPLE_MODEL, writeVariant } from "./helpers/models";
import { APP_DIR, postJson, startServer } from "./helpers/server";
import { expectAgreement, loadReference } from "./helpers/tree-ensemble";
import type { SampleModelOptions } from "../../app/scripts/sample-model";

function randomRows(count: number, width: number, seed: number): number[][] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 6 - 3;
  return Array.from({ length: count }, () => Array.from({ length: width }, next));
}

async function servedMatchesReference(dir: string, modelPath: string, rows: number[][]): Promise<any> {
  const reference = loadReference(modelPath);
  const server = await startServer({ MODEL_DIR: dir });
  try {
    const res = await postJson(server, "/predict", { instances: rows });
    expect(res.status, res.text).to.equal(200);
    expectAgreement(reference, rows, res.body);
    return res.body;
  } finally {
    await server.stop();
  }
}

describe("app: any skl2onnx-style classifier", function () {
  after(removeTempDirs);

  const variants: Array<[string, Partial<SampleModelOptions>]> = [
    ["string labels and other tensor names", { classLabels: ["cat", "dog"], inputName: "features", labelName: "output_label", probabilitiesName: "output_probability" }],
    ["7 features and 3 integer classes", { features: 7, classLabels: [3, 7, 11] }],
    ["negative labels with weights for both binary classes", { classLabels: [-1, 1], leafLayout: "all-classes" }],
    ["a double-precision input", { doubleInput: true, inputName: "double_input" }],
  ];
  for (const [title, options] of variants) {
    it(`serves a forest with ${title}, with no model.json, matching the reference`, async () => {
      const { dir, modelPath } = writeVariant(options);
      const features = options.features ?? 10;
      const body = await servedMatchesReference(dir, modelPath, randomRows(200, features, features * 31));
      expect(new Set(body.predictions)).to.have.length.greaterThan(1);
      for (const label of body.predictions) expect(options.classLabels ?? SAMPLE_MODEL.classLabels).to.include(label);
    });
  }

  it("never trusts ORT's label output, which is wrong for binary leaves weighted for both classes", async () => {
    const { modelPath } = writeVariant({ classLabels: [0, 1], leafLayout: "all-classes" });
    const ort = createRequire(join(APP_DIR, "package.json"))("onnxruntime-node");
    const session = await ort.InferenceSession.create(modelPath);
    const rows = randomRows(200, 10, 5);
    const out = await session.run({ float_input: new ort.Tensor("float32", Float32Array.from(rows.flat()), [rows.length, 10]) });
    const reference = loadReference(modelPath);
    const ortWrong = rows.filter((row, r) => Number(out.label.data[r]) !== reference.predict(row).label).length;
    expect(ortWrong, "rows where ORT's label disagrees with its own probabilities").to.be.greaterThan(0);
  });

  it("lets model.json override name, version and class labels", async () => {
    const { dir, modelPath } = writeVariant({});
    writeFileSync(join(dir, "model.json"), JSON.stringify({ name: "churn", version: "2024-06", class_labels: ["stay", "leave"] }));
    const server = await startServer({ MODEL_DIR: dir });
    try {
      const rows = randomRows(50, 10, 9);
      const res = await postJson(server, "/predict", { instances: rows });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.model_version).to.equal("2024-06");
      expectAgreement(loadReference(modelPath), rows, res.body, (label) => (label === 0 ? "stay" : "leave"));

      const v2 = await postJson(server, "/v2/models/churn/versions/2024-06/infer", {
        inputs: [{ name: "x", shape: [rows.length, 10], datatype: "FP64", data: rows.flat() }],
      });
      expect(v2.status, v2.text).to.equal(200);
      expect(v2.body.outputs[0]).to.deep.include({ datatype: "BYTES", data: res.body.predictions });
    } finally {
      await server.stop();
    }
  });
});
