/** Randomized request bodies, content types and routes never produce a 5xx, and the server stays up. */
import { expect } from "chai";
import fc from "fast-check";
import { call, SAMPLE_MODEL_DIR, startServer, type RunningServer } from "./helpers/server";

const feature = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e39, -1e39, 1e308, Number.MIN_VALUE),
  fc.string({ maxLength: 5 }),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.double(), { maxLength: 3 }),
);
const row = fc.oneof(fc.array(feature, { minLength: 9, maxLength: 11 }), fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 10, maxLength: 10 }), fc.jsonValue());
const nearValid = fc.record(
  {
    instances: fc.oneof(fc.array(row, { maxLength: 4 }), fc.jsonValue()),
    inputs: fc.oneof(fc.array(row, { maxLength: 3 }), fc.array(fc.record({ name: fc.string(), shape: fc.array(fc.integer({ min: -1, max: 12 }), { maxLength: 3 }), datatype: fc.constantFrom("FP32", "FP64", "BYTES", "BOOL"), data: fc.array(feature, { maxLength: 25 }) }), { maxLength: 2 })),
    data: fc.jsonValue(),
    warmup: fc.oneof(fc.boolean(), fc.jsonValue()),
  },
  { requiredKeys: [] },
).map((body) => JSON.stringify(body));

const body = fc.oneof(
  nearValid,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.array(fc.array(fc.oneof(fc.double().map(String), fc.string({ maxLength: 4 })), { maxLength: 11 }), { maxLength: 4 }).map((rows) => rows.map((r) => r.join(",")).join("\n")),
  fc.uint8Array({ maxLength: 200 }),
);
const contentType = fc.oneof(
  fc.constantFrom("application/json", "application/json; charset=utf-8", "text/csv", "application/vnd.api+json", "text/plain", "application/octet-stream", ""),
  fc.stringMatching(/^[a-z0-9/+.;= -]{0,30}$/),
);
const accept = fc.constantFrom(undefined, "*/*", "application/json", "text/csv", "text/html", "application/json;q=0.1, text/csv", "");
const route = fc.constantFrom("/predict", "/invocations", "/score", "/events", "/v2/models/sample-forest/infer", "/v2/models/x/infer", "/ping", "/metrics");

describe("app: fuzzed requests", function () {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, ACCESS_LOG: "false", MAX_BODY_BYTES: "100000" });
  });
  after(() => server.stop());

  it("never answers 5xx, always with a JSON error body naming the problem", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(route, body, contentType, accept, fc.constantFrom("POST", "PUT", "GET"), async (path, payload, type, acceptHeader, method) => {
        const headers: Record<string, string> = {};
        if (type !== "") headers["content-type"] = type;
        if (acceptHeader !== undefined) headers.accept = acceptHeader;
        const res = await call(server, path, { method, headers, body: method === "GET" ? undefined : payload });
        statuses.add(res.status);
        expect(res.status, `${method} ${path} ${type}: ${res.text}`).to.be.lessThan(500);
        if (res.status >= 400) {
          expect(res.body?.error, res.text).to.be.a("string").and.not.match(/\n\s+at /);
        }
      }),
      { numRuns: 400 },
    );
    expect([...statuses].some((s) => s === 200), "some fuzzed requests succeed").to.equal(true);
    expect([...statuses].some((s) => s === 400), "some fuzzed requests are refused").to.equal(true);
    expect((await call(server, "/health/ready")).status).to.equal(200);
    expect(server.child.exitCode).to.equal(null);
  });
});
