/**
 * Docker cannot run here, so the image is tested by what it would do: the
 * runtime stage's ENV and ENTRYPOINT are read from app/Dockerfile and run
 * as-is (plus SageMaker's `serve`) from the app directory, the image's /app.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { APP_DIR, call, postJson, startServer, type RunningServer } from "./helpers/server";

const dockerfile = readFileSync(join(APP_DIR, "Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");
const runtimeStage = dockerfile.slice(dockerfile.search(/^FROM .* AS runtime$/m));

function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of runtimeStage.split("\n").filter((l) => l.startsWith("ENV "))) {
    for (const [, key, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  }
  return env;
}

describe("app: the image's entry point", function () {
  const env = imageEnv();
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(runtimeStage)?.[1] ?? "null") as string[] | null;
  let server: RunningServer;

  before(async () => {
    expect(entrypoint, "ENTRYPOINT in exec form").to.deep.equal(["node", "dist/server.js"]);
    // Run as Lambda runs it (AWS_LAMBDA_FUNCTION_NAME is always set there); the image's /app is app/ here,
    // and the Lambda port variable carries the test's port.
    server = await startServer(localEnv({ AWS_LAMBDA_FUNCTION_NAME: "churn-classifier-prod" }), {
      command: [process.execPath, ...entrypoint!.slice(1)],
      cwd: APP_DIR,
      portVariable: "AWS_LWA_PORT",
      waitFor: env.AWS_LWA_READINESS_CHECK_PATH,
    });
  });
  after(() => server?.stop());

  function localEnv(extra: Record<string, string>): Record<string, string> {
    const { AWS_LWA_PORT: _imagePort, ...rest } = env;
    return { ...rest, IMAGE_MODEL_DIR: env.IMAGE_MODEL_DIR!.replace(/^\/app/, APP_DIR), SM_MODEL_DIR: "", ...extra };
  }

  it("sets the Lambda Web Adapter's readiness path and pass-through path to routes the server answers", async () => {
    expect(env).to.include({ AWS_LWA_READINESS_CHECK_PATH: "/health/ready", AWS_LWA_PASS_THROUGH_PATH: "/events", AWS_LWA_PORT: "8080" });
    expect((await call(server, env.AWS_LWA_READINESS_CHECK_PATH!)).status).to.equal(200);
    expect((await postJson(server, env.AWS_LWA_PASS_THROUGH_PATH!, { warmup: true })).body).to.deep.include({ warmup: true });
  });

  it("serves the baked-in model on Lambda, and elsewhere only with DEMO_MODEL=true (never as a fallback)", async () => {
    const res = await postJson(server, "/predict", { instances: [[0.5, -1.2, 0.3, 2.1, -0.7, 0.0, 1.1, -0.4, 0.9, -1.6]] });
    expect(res.status).to.equal(200);
    expect(res.body.predictions).to.have.length(1);
    expect(env).to.not.have.property("DEFAULT_MODEL_DIR");
    const elsewhere = await startServer(localEnv({ MODEL_DIR: "/nonexistent/model" }), { command: [process.execPath, ...entrypoint!.slice(1)], cwd: APP_DIR, waitFor: false });
    expect(await elsewhere.exited).to.equal(1);
    expect(elsewhere.output()).to.include("MODEL_DIR /nonexistent/model does not exist");
  });

  it("runs as non-root, copies the Lambda adapter extension, and prunes onnxruntime-node to one platform", () => {
    expect(runtimeStage).to.match(/^USER node$/m);
    expect(dockerfile).to.match(/COPY --from=lambda-adapter \/lambda-adapter \/opt\/extensions\/lambda-adapter/);
    expect(dockerfile).to.match(/LAMBDA_ADAPTER_IMAGE=public\.ecr\.aws\/awsguru\/aws-lambda-adapter:0\.9\.\d+/);
    expect(dockerfile).to.match(/npm ci --omit=dev --ignore-scripts/);
    expect(dockerfile).to.match(/! -name "\$ARCH" -exec rm -rf/);
    expect(dockerfile).to.match(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
    expect(dockerfile).to.match(/^ARG NODE_IMAGE=node:20-slim$/m);
  });
});
