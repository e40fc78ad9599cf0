/** Bad input gets a clear 4xx that names the problem, and the server stays up. */
import { expect } from "chai";
import { request } from "node:http";
import { call, postJson, SAMPLE_MODEL_DIR, startServer, type RunningServer } from "./helpers/server";

const ROW = [0.5, -1.2, 0.3, 2.1, -0.7, 0.0, 1.1, -0.4, 0.9, -1.6];

describe("app: bad input", function () {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, MAX_BODY_BYTES: "4096" });
  });
  after(() => server.stop());

  const cases: Array<[title: string, body: string, status: number, message: RegExp]> = [
    ["malformed JSON", '{"instances": [[1,2', 400, /^malformed JSON/],
    ["a JSON array instead of an object", "[[1,2,3]]", 400, /expected a JSON object with "instances", got a list/],
    ["a missing key", '{"rows": [[1]]}', 400, /missing "instances" \(or "inputs" or "data"\)/],
    ["instances that are not a list", '{"instances": 5}', 400, /"instances" must be a list of rows/],
    ["an empty batch", '{"instances": []}', 400, /the batch is empty/],
    ["ragged rows", JSON.stringify({ instances: [ROW, ROW, ROW.slice(1)] }), 400, /^row 3 has 9 features, the model expects 10$/],
    ["too many features", JSON.stringify({ instances: [[...ROW, 1]] }), 400, /^row 1 has 11 features, the model expects 10$/],
    ["a row that is not a list", JSON.stringify({ instances: [ROW, 7] }), 400, /^row 2 is 7, expected a list of 10 numbers$/],
    ["a string feature", JSON.stringify({ instances: [[...ROW.slice(0, 4), "x", ...ROW.slice(5)]] }), 400, /^row 1, feature 5 is the string "x", expected a number$/],
    ["a null feature", JSON.stringify({ instances: [[null, ...ROW.slice(1)]] }), 400, /^row 1, feature 1 is null, expected a number$/],
    ["NaN spelled as a string", JSON.stringify({ instances: [["NaN", ...ROW.slice(1)]] }), 400, /feature 1 is the string "NaN"/],
    ["Infinity (a number literal too large for a double)", `{"instances": [[1e999, ${ROW.slice(1).join(",")}]]}`, 400, /^row 1, feature 1 is Infinity, expected a finite number$/],
    ["a value outside float32", `{"instances": [[1e300, ${ROW.slice(1).join(",")}]]}`, 400, /outside the float32 range/],
  ];

  for (const [title, body, status, message] of cases) {
    it(`answers ${status} for ${title}`, async () => {
      const res = await postJson(server, "/predict", body);
      expect(res.status).to.equal(status);
      expect(res.body.error).to.match(message);
      expect(res.body.request_id).to.be.a("string");
    });
  }

  it("answers 400 naming the CSV cell that is not a number", async () => {
    const res = await call(server, "/invocations", { method: "POST", headers: { "content-type": "text/csv" }, body: `${ROW.join(",")}\n1,2,3,x,5,6,7,8,9,10\n` });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.equal('row 2, feature 4 is the string "x", expected a number');
    const empty = await call(server, "/invocations", { method: "POST", headers: { "content-type": "text/csv" }, body: "\n\n" });
    expect(empty.body.error).to.match(/the batch is empty/);
  });

  it("answers 415 for an unsupported content type", async () => {
    const res = await call(server, "/predict", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1" });
    expect(res.status).to.equal(415);
    expect(res.body.error).to.match(/unsupported content type "application\/x-www-form-urlencoded": send application\/json or text\/csv/);
  });

  it("answers 406 for an unsupported Accept", async () => {
    const res = await postJson(server, "/predict", { instances: [ROW] }, { accept: "application/xml" });
    expect(res.status).to.equal(406);
    expect(res.body.error).to.match(/cannot answer with application\/xml/);
  });

  it("answers 413 for a body over MAX_BODY_BYTES, declared or streamed", async () => {
    const big = JSON.stringify({ instances: Array.from({ length: 100 }, () => ROW) });
    const declared = await postJson(server, "/predict", big);
    expect(declared.status).to.equal(413);
    expect(declared.body.error).to.match(/larger than the 4096-byte limit \(MAX_BODY_BYTES\)/);

    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: server.port, path: "/predict", method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write(big.slice(0, 3000));
      setTimeout(() => req.end(big.slice(3000)), 20);
    });
    expect(streamed).to.equal(413);
  });

  // Finding 11 (minor): a UTF-8 BOM is not JSON's business; a compressed body is refused with 415 (RFC 9110
  // §15.5.16), never parsed as text; a JSON error names the position, never echoes the body.
  it("accepts a UTF-8 BOM, refuses any Content-Encoding with 415, and never echoes the body in JSON errors", async () => {
    const bom = await call(server, "/predict", { method: "POST", headers: { "content-type": "application/json" }, body: `\ufeff${JSON.stringify({ instances: [ROW] })}` });
    expect(bom.status, bom.text).to.equal(200);
    for (const encoding of ["gzip", "br", "deflate, identity"]) {
      const res = await call(server, "/predict", { method: "POST", headers: { "content-type": "application/json", "content-encoding": encoding }, body: JSON.stringify({ instances: [ROW] }) });
      expect(res.status, encoding).to.equal(415);
      expect(res.body.error).to.equal(`unsupported Content-Encoding "${encoding}": send the body uncompressed`);
    }
    const secret = await postJson(server, "/predict", '{"instances": [[1, 2]], "api_key": "s3cr3t-token" oops}');
    expect(secret.status).to.equal(400);
    expect(secret.body.error).to.match(/^malformed JSON: syntax error at position \d+$/);
    expect(secret.text).to.not.include("s3cr3t");
  });

  it("answers 404 for unknown routes and 405 (with Allow) for the wrong method", async () => {
    const missing = await call(server, "/nope");
    expect(missing.status).to.equal(404);
    expect(missing.body.error).to.equal("no route GET /nope");
    const wrong = await call(server, "/predict");
    expect(wrong.status).to.equal(405);
    expect(wrong.headers.get("allow")).to.equal("POST");
  });

  it("rejects a v2 tensor whose shape and data disagree", async () => {
    const res = await postJson(server, "/v2/models/sample-forest/infer", { inputs: [{ name: "x", shape: [2, 10], datatype: "FP32", data: ROW }] });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.match(/must hold 20 numbers for shape \[2,10\], got 10/);
  });

  it("is still up and predicting after all of that", async () => {
    const res = await postJson(server, "/predict", { instances: [ROW] });
    expect(res.status).to.equal(200);
    expect(res.body.predictions).to.have.length(1);
    expect(server.child.exitCode).to.equal(null);
  });
});
