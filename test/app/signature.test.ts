/**
 * The server's own ONNX reader (src/model/protobuf.ts + signature.ts) against
 * graphs written by onnx-proto: the shapes skl2onnx produces beyond tree
 * ensembles, and the ones it must refuse with a useful message.
 */
import { expect } from "chai";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { onnx as OnnxNamespace } from "../../app/node_modules/onnx-proto";
import { readSignature } from "../../app/src/model/signature";
import { APP_DIR } from "./helpers/server";

const { onnx } = createRequire(join(APP_DIR, "package.json"))("onnx-proto") as { onnx: typeof OnnxNamespace };
const T = onnx.TensorProto.DataType;

const tensor = (name: string, elemType: number, dims: Array<number | null>): OnnxNamespace.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => (d === null ? { dimParam: "N" } : { dimValue: d })) } } },
});

function model(graph: OnnxNamespace.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode({ irVersion: 8, graph }).finish();
}

describe("app: ONNX signature reader", function () {
  it("reads labels from skl2onnx's `classes` initializer (int64 raw data) when no node carries classlabels", () => {
    const raw = Buffer.alloc(24);
    [-5, 0, 9].forEach((v, i) => raw.writeBigInt64LE(BigInt(v), i * 8));
    const signature = readSignature(
      model({
        input: [tensor("X", T.DOUBLE, [null, 4])],
        output: [tensor("label", T.INT64, [null]), tensor("probabilities", T.FLOAT, [null, 3])],
        initializer: [{ name: "classes", dataType: T.INT64, dims: [3], rawData: raw }],
        node: [{ opType: "ArgMax", input: ["probabilities"], output: ["argmax"] }],
      }),
    );
    expect(signature).to.deep.equal({
      inputName: "X",
      inputType: "float64",
      featureCount: 4,
      probabilitiesName: "probabilities",
      classCount: 3,
      classLabels: [-5, 0, 9],
      classifierEvidence: 'the "classes" initializer',
    });
  });

  it("reads string labels from a `classes` initializer, and classlabels_ints from a LinearClassifier", () => {
    const strings = readSignature(
      model({
        input: [tensor("X", T.FLOAT, [null, 2])],
        output: [tensor("probabilities", T.FLOAT, [null, 2])],
        initializer: [{ name: "classes", dataType: T.STRING, dims: [2], stringData: [Buffer.from("no"), Buffer.from("yes")] }],
      }),
    );
    expect(strings.classLabels).to.deep.equal(["no", "yes"]);
    const linear = readSignature(
      model({
        input: [tensor("X", T.FLOAT, [null, 2])],
        output: [tensor("probabilities", T.FLOAT, [null, 2])],
        node: [{ opType: "LinearClassifier", domain: "ai.onnx.ml", attribute: [{ name: "classlabels_ints", type: onnx.AttributeProto.AttributeType.INTS, ints: [4, -2] }] }],
      }),
    );
    expect(linear.classLabels).to.deep.equal([4, -2]);
  });

  it("leaves a symbolic feature count undefined, for model.json to supply", () => {
    const signature = readSignature(
      model({ input: [tensor("X", T.FLOAT, [null, null])], output: [tensor("p", T.FLOAT, [null, 2])], node: [{ opType: "TreeEnsembleClassifier", domain: "ai.onnx.ml" }] }),
    );
    expect(signature.featureCount).to.equal(undefined);
    expect(signature.classLabels).to.equal(undefined);
  });

  // Finding 5: a regressor or a bare MatMul must not be served as a classifier.
  it("refuses graphs that are not classifiers: a LinearRegressor's [N, 1] output, a MatMul's [N, 3]", () => {
    const regressor = model({
      input: [tensor("X", T.FLOAT, [null, 4])],
      output: [tensor("variable", T.FLOAT, [null, 1])],
      node: [{ opType: "LinearRegressor", domain: "ai.onnx.ml", input: ["X"], output: ["variable"] }],
    });
    expect(() => readSignature(regressor)).to.throw(/has 1 column\(s\): a classifier needs at least 2 classes/);
    const matmul = model({
      input: [tensor("X", T.FLOAT, [null, 4])],
      output: [tensor("Y", T.FLOAT, [null, 3])],
      initializer: [{ name: "W", dataType: T.FLOAT, dims: [4, 3], floatData: Array.from({ length: 12 }, (_, i) => i - 6) }],
      node: [{ opType: "MatMul", input: ["X", "W"], output: ["Y"] }],
    });
    expect(() => readSignature(matmul)).to.throw(/not a classifier: no ai.onnx.ml \*Classifier node and no "classes" initializer \(operators: MatMul\)/);
  });

  it("refuses a ZipMap probability output with the skl2onnx option that fixes it", () => {
    const zipmap = model({
      input: [tensor("X", T.FLOAT, [null, 3])],
      output: [tensor("label", T.INT64, [null]), { name: "output_probability", type: { sequenceType: { elemType: { mapType: { keyType: T.INT64 } } } } }],
    });
    expect(() => readSignature(zipmap)).to.throw(/ZipMap.*options=\{"zipmap": False\}/);
  });

  it("refuses inputs that are not one [N, F] float tensor", () => {
    expect(() => readSignature(model({ input: [tensor("X", T.STRING, [null, 3])], output: [] }))).to.throw(/must be float or double/);
    expect(() => readSignature(model({ input: [tensor("X", T.FLOAT, [null, 3, 3])], output: [] }))).to.throw(/has rank 3/);
    expect(() => readSignature(model({ input: [tensor("A", T.FLOAT, [null, 3]), tensor("B", T.FLOAT, [null, 3])], output: [] }))).to.throw(/exactly one input tensor, found 2/);
    expect(() => readSignature(new Uint8Array([0x3a, 0x05, 1]))).to.throw(/not a valid ONNX protobuf/);
  });
});
