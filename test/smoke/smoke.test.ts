/**
 * The smoke client for real, over loopback: the built app server (node app/dist/server.js, the sample model)
 * stands in for every target; a recording proxy in front of it keeps what reached the wire, so each target's
 * auth is checked there (SigV4 recomputed independently; bearer tokens by shape and audience).
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { SmokeAuth } from "./auth";
import { azureMlEndpointKey } from "./azure-keys";
import { SAMPLE_ROW, shapeProblem } from "./contract";
import { startRecordingProxy, startScriptedServer, sendJson, type Loopback, type RecordedRequest } from "./helpers/loopback";
import { expectedSignature, parseSigV4 } from "./helpers/sigv4";
import { readStackOutputs } from "./outputs";
import { formatTable, runSmoke, type SmokeOptions, type SmokeResult } from "./run";
import { SAMPLE_MODEL_DIR, startServer, type RunningServer } from "../app/helpers/server";

const ROOT = join(__dirname, "..", "..");
const FAKE_AWS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const FAKE_AUTH: SmokeAuth = {
    aws: async () => FAKE_AWS,
    googleAccessToken: async () => "ya29.fake-access-token",
    googleIdToken: async (audience) => `fake-id-token.aud=${audience}`,
    azureToken: async () => "fake-entra-token",
    azureEndpointKey: async (workspace, endpoint) => `looked-up-key.${workspace}.${endpoint}`,
    jwt: async () => "fake.jwt.token",
};
const OPTIONS: SmokeOptions = { auth: FAKE_AUTH, latencyBudgetMs: 5_000, timeoutMs: 5_000 };
/** Vertex's :predict path; the app serves it as its AIP_PREDICT_ROUTE. */
const VERTEX_PATH = "/v1/projects/demo/locations/us-central1/endpoints/1234:predict";

/** Stack outputs with every target pointed at `base` (shaped like `pulumi stack output --json`). */
function localOutputs(base: string): Record<string, Record<string, string>> {
    return {
        sagemaker: { region: "us-east-1", endpointName: "churn-dev", endpointArn: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-dev", endpointUrl: base },
        lambda: { region: "eu-west-1", invokeUrl: `${base}/predict`, functionName: "churn-dev", authMode: "iam" },
        vertex: { project: "demo", region: "us-central1", endpointId: "1234", deployedModelId: "987", predictUrl: `${base}${VERTEX_PATH}` },
        cloudrun: { url: base, serviceName: "churn-dev", authMode: "iam" },
        azureml: { scoringUri: `${base}/score`, endpointName: "churn-dev", deploymentName: "blue", workspaceName: "ws", authMode: "Key", primaryKey: "fake-endpoint-key" },
    };
}

function resultOf(results: SmokeResult[], target: string): SmokeResult {
    const result = results.find((r) => r.target === target);
    if (!result) throw new Error(`no result for ${target} in ${JSON.stringify(results)}`);
    return result;
}

function requestWhere(requests: RecordedRequest[], predicate: (request: RecordedRequest) => boolean): RecordedRequest {
    const found = requests.find(predicate);
    if (!found) throw new Error(`no request matched; saw ${requests.map((r) => r.path).join(", ")}`);
    return found;
}

/** Runs the CLI as `npm run smoke` does; fake static AWS keys stand in for the credential chain. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/smoke/cli.ts"), ...args], {
            cwd: ROOT,
            env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), AWS_ACCESS_KEY_ID: FAKE_AWS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_AWS.secretAccessKey, NODE_NO_WARNINGS: "1" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.once("exit", (code) => resolve({ code, stdout, stderr }));
    });
}

describe("smoke client", function () {
    this.timeout(30_000);
    let scratch: string;
    let server: RunningServer;
    before(async () => {
        // The SDK warns once per process that Node 20 support ends in 2027; CI deploys on Node 22.
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
        scratch = mkdtempSync(join(tmpdir(), "ml-endpoints-smoke-"));
        server = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, AIP_PREDICT_ROUTE: VERTEX_PATH, ACCESS_LOG: "false" });
    });
    after(async () => {
        await server?.stop();
        rmSync(scratch, { recursive: true, force: true });
    });

    function writeOutputs(name: string, outputs: unknown): string {
        const file = join(scratch, name);
        writeFileSync(file, JSON.stringify(outputs));
        return file;
    }

    describe("against the running app server, each target with its own auth", () => {
        let proxy: Loopback;
        let results: SmokeResult[];
        before(async () => {
            proxy = await startRecordingProxy(server.base);
            results = await runSmoke(localOutputs(proxy.base), OPTIONS);
        });
        after(() => proxy.close());

        it("passes all five targets and prints one table row each", () => {
            expect(results.map((r) => [r.target, r.ok]), formatTable(results)).to.deep.equal(
                ["sagemaker", "lambda", "vertex", "cloudrun", "azureml"].map((target) => [target, true]),
            );
            for (const result of results) {
                expect(result.httpStatus, result.target).to.equal(200);
                expect(result.latencyMs, result.target).to.be.a("number").within(0, OPTIONS.latencyBudgetMs);
                expect(result.detail, result.target).to.match(/^predicted [01] \(model_version 1\)$/);
            }
            const table = formatTable(results).split("\n");
            expect(table[0]).to.match(/^target\s+status\s+latency ms\s+detail$/);
            expect(table.slice(2).map((line) => line.split(/\s+/).slice(0, 2).join(" "))).to.deep.equal(results.map((r) => `${r.target} PASS`));
        });

        it("every target received the same one-row request", () => {
            expect(proxy.requests).to.have.length(5);
            for (const request of proxy.requests) expect(JSON.parse(request.body.toString())).to.deep.equal({ instances: [SAMPLE_ROW] });
        });

        it("sagemaker: the AWS SDK's InvokeEndpoint, at /endpoints/<name>/invocations, SigV4-signed for service sagemaker", () => {
            const request = requestWhere(proxy.requests, (r) => r.path.startsWith("/endpoints/"));
            expect(request.path).to.equal("/endpoints/churn-dev/invocations");
            expect(request.headers["content-type"]).to.equal("application/json");
            const sigv4 = parseSigV4(request.headers.authorization);
            expect(sigv4, request.headers.authorization).to.include({ accessKeyId: "AKIDEXAMPLE", region: "us-east-1", service: "sagemaker" });
            expect(request.headers["x-amz-date"]).to.match(/^\d{8}T\d{6}Z$/);
            expect(sigv4!.signature).to.equal(expectedSignature(request, FAKE_AWS.secretAccessKey));
        });

        it("lambda: the API Gateway URL signed with SigV4 for execute-api, verified independently on the wire", () => {
            const request = requestWhere(proxy.requests, (r) => r.path === "/predict" && hasSigV4(r));
            const authorization = request.headers.authorization!;
            expect(authorization).to.match(
                /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
            );
            const sigv4 = parseSigV4(authorization)!;
            expect(sigv4.signedHeaders).to.include.members(["host", "x-amz-date", "content-type"]);
            expect(request.headers["x-amz-date"]).to.match(new RegExp(`^${sigv4.date}T\\d{6}Z$`));
            expect(sigv4.signature).to.equal(expectedSignature(request, FAKE_AWS.secretAccessKey));
            // The check can fail: another secret, or one changed byte of the body, gives another signature.
            expect(sigv4.signature).to.not.equal(expectedSignature(request, "another-secret"));
            expect(sigv4.signature).to.not.equal(expectedSignature({ ...request, body: Buffer.from(request.body.toString().replace("0.42", "0.43")) }, FAKE_AWS.secretAccessKey));
        });

        it("vertex: :predict with the cloud-platform access token as a bearer", () => {
            const request = requestWhere(proxy.requests, (r) => r.path === VERTEX_PATH);
            expect(request.headers.authorization).to.equal("Bearer ya29.fake-access-token");
        });

        it("cloudrun: /predict with an ID token whose audience is the service URL", () => {
            const request = requestWhere(proxy.requests, (r) => r.path === "/predict" && !hasSigV4(r));
            expect(request.headers.authorization).to.equal(`Bearer fake-id-token.aud=${proxy.base}`);
        });

        it("azureml: the endpoint key as a bearer, pinned to the stack's deployment", () => {
            const request = requestWhere(proxy.requests, (r) => r.path === "/score");
            expect(request.headers.authorization).to.equal("Bearer fake-endpoint-key");
            expect(request.headers["azureml-model-deployment"]).to.equal("blue");
        });

        it("azureml without an exported key: the key looked up for its workspace and endpoint", async () => {
            const { primaryKey: _notExported, ...azureml } = localOutputs(proxy.base).azureml!;
            const [result] = await runSmoke({ azureml }, OPTIONS);
            expect(result).to.include({ target: "azureml", ok: true });
            expect(proxy.requests.at(-1)!.headers.authorization).to.equal("Bearer looked-up-key.ws.churn-dev");
        });

        it("the CLI reads an outputs file, prints the table and exits 0", async () => {
            const { cloudrun: _needsGoogleCredentials, vertex: _alsoGoogle, ...awsAndAzure } = localOutputs(proxy.base);
            const file = writeOutputs("pass.json", { ...awsAndAzure, cloudrunUrl: "plain exports are ignored" });
            const run = await runCli(["--stack", "dev", "--outputs", file]);
            expect(run.code, run.stderr).to.equal(0);
            expect(run.stdout).to.match(/^sagemaker\s+PASS\s+\d+\s+predicted/m).and.match(/^lambda\s+PASS/m).and.match(/^azureml\s+PASS/m);
            expect(run.stdout).to.contain("all 3 targets passed");
        });
    });

    describe("failures name the target and the reason", () => {
        it("a stopped server: connection refused for every target, and the CLI exits 1 naming each", async () => {
            const stopped = await startServer({ MODEL_DIR: SAMPLE_MODEL_DIR, ACCESS_LOG: "false" });
            await stopped.stop();
            const outputs = localOutputs(stopped.base);
            const results = await runSmoke(outputs, OPTIONS);
            for (const result of results) {
                expect(result.ok, result.target).to.equal(false);
                expect(result.detail, result.target).to.match(new RegExp(`^connection refused \\(ECONNREFUSED\\) at http://127\\.0\\.0\\.1:${stopped.port}/`));
            }
            const run = await runCli(["--stack", "dev", "--outputs", writeOutputs("stopped.json", { sagemaker: outputs.sagemaker, lambda: outputs.lambda })]);
            expect(run.code).to.equal(1);
            expect(run.stdout).to.match(/^sagemaker\s+FAIL\s+-\s+connection refused/m).and.contain("2 of 2 targets failed");
            expect(run.stderr).to.contain(`smoke: sagemaker failed: connection refused (ECONNREFUSED) at http://127.0.0.1:${stopped.port}/endpoints/churn-dev/invocations`);
            expect(run.stderr).to.contain(`smoke: lambda failed: connection refused (ECONNREFUSED) at http://127.0.0.1:${stopped.port}/predict`);
        });

        it("a server that never answers: a timeout naming the budget and the URL", async () => {
            const silent = await startScriptedServer(() => undefined);
            try {
                const { sagemaker, cloudrun } = localOutputs(silent.base);
                const results = await runSmoke({ sagemaker, cloudrun }, { ...OPTIONS, timeoutMs: 300 });
                expect(resultOf(results, "sagemaker").detail).to.equal(`no answer within 300 ms from ${silent.base}/endpoints/churn-dev/invocations`);
                expect(resultOf(results, "cloudrun").detail).to.equal(`no answer within 300 ms from ${silent.base}/predict`);
            } finally {
                await silent.close();
            }
        });

        it("a non-2xx answer: the status and an excerpt of the body", async () => {
            const outputs = localOutputs(server.base);
            const results = await runSmoke({ vertex: { ...outputs.vertex, predictUrl: `${server.base}/v1/elsewhere:predict` }, sagemaker: outputs.sagemaker }, OPTIONS);
            const vertex = resultOf(results, "vertex");
            expect(vertex).to.include({ ok: false, httpStatus: 404 });
            expect(vertex.detail).to.match(/^HTTP 404 from http:\/\/127\.0\.0\.1:\d+\/v1\/elsewhere:predict: \{"error":"no route POST \/v1\/elsewhere:predict"/);
            // Straight at the app, SageMaker's runtime path is not served: the SDK's error still carries the body.
            expect(resultOf(results, "sagemaker").detail).to.match(/^HTTP 404 \w+ from .*\/endpoints\/churn-dev\/invocations: .*no route POST \/endpoints\/churn-dev\/invocations/);
        });

        it("wrong answers: shape, probabilities, the deployed model, and the latency budget", async () => {
            const answers: Record<string, { delayMs?: number; body: unknown }> = {
                "/two-predictions": { body: { predictions: [1, 0], probabilities: [[0.2, 0.8]] } },
                "/bad-sum": { body: { predictions: [1], probabilities: [[0.7, 0.7]] } },
                "/not-json/predict": { body: "<html>502 Bad Gateway</html>" },
                "/v1/other-model:predict": { body: { predictions: [1], deployedModelId: "555" } },
                "/slow": { delayMs: 120, body: { predictions: [1], probabilities: [[0.1, 0.9]] } },
            };
            const scripted = await startScriptedServer(async (request, res) => {
                const answer = answers[request.path]!;
                if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
                if (typeof answer.body === "string") res.end(answer.body);
                else sendJson(res, 200, answer.body);
            });
            try {
                const base = localOutputs(scripted.base);
                const results = await runSmoke(
                    {
                        lambda: { ...base.lambda, invokeUrl: `${scripted.base}/two-predictions` },
                        azureml: { ...base.azureml, scoringUri: `${scripted.base}/bad-sum` },
                        cloudrun: { ...base.cloudrun, url: `${scripted.base}/not-json` },
                        vertex: { ...base.vertex, predictUrl: `${scripted.base}/v1/other-model:predict` },
                    },
                    OPTIONS,
                );
                expect(resultOf(results, "lambda").detail).to.equal('"predictions" has 2 entries for 1 instance');
                expect(resultOf(results, "azureml").detail).to.equal('"probabilities[0]" sums to 1.4000, not 1 (±0.001)');
                expect(resultOf(results, "cloudrun").detail).to.equal("answer is not JSON: <html>502 Bad Gateway</html>");
                expect(resultOf(results, "vertex").detail).to.equal('served by deployed model "555", not the stack\'s 987');
                const slow = await runSmoke({ lambda: { ...base.lambda, invokeUrl: `${scripted.base}/slow` } }, { ...OPTIONS, latencyBudgetMs: 50 });
                expect(slow[0]!.detail).to.match(/^\d+ ms is over the 50 ms latency budget$/);
                expect(slow[0]!.latencyMs).to.be.at.least(100);
            } finally {
                await scripted.close();
            }
        });

        it("bad stack outputs: each problem names target.key; masked secrets and unknown auth modes say what to do", async () => {
            const base = localOutputs(server.base);
            const results = await runSmoke(
                {
                    sagemaker: { region: "us-east-1" },
                    azureml: { ...base.azureml, primaryKey: "[secret]" },
                    lambda: { ...base.lambda, authMode: "cognito" },
                    cloudrun: { ...base.cloudrun, url: "churn-dev.run.app" },
                },
                OPTIONS,
            );
            expect(resultOf(results, "sagemaker").detail).to.match(/^stack outputs: sagemaker\.endpointName: /);
            expect(resultOf(results, "azureml").detail).to.equal('stack outputs: azureml.primaryKey: is masked as "[secret]": read the outputs with --show-secrets');
            expect(resultOf(results, "lambda").detail).to.equal('authMode "cognito" is not one the API Gateway route offers (iam, jwt, none)');
            expect(resultOf(results, "cloudrun").detail).to.equal("stack outputs: cloudrun.url: must be an http(s) URL");
            expect(results.every((r) => !r.ok && r.latencyMs === undefined)).to.equal(true);
        });

        it("outputs without any target, or a --target the stack lacks", async () => {
            let thrown: unknown;
            await runSmoke({ bucketName: "x" }, OPTIONS).catch((err: unknown) => (thrown = err));
            expect((thrown as Error).message).to.equal("the stack outputs hold no target (keys: bucketName; targets: sagemaker, lambda, vertex, cloudrun, azureml)");
            const [missing] = await runSmoke(localOutputs(server.base), { ...OPTIONS, only: ["lambda2"] });
            expect(missing).to.deep.equal({ target: "lambda2", ok: false, detail: "unknown target; known: sagemaker, lambda, vertex, cloudrun, azureml" });
        });
    });

    describe("Azure ML endpoint keys through Resource Manager", () => {
        const subscription = "00000000-0000-0000-0000-000000000001";
        const workspaceId = `/subscriptions/${subscription}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ws-prod`;
        let arm: Loopback;
        before(async () => {
            arm = await startScriptedServer((request, res) => {
                if (request.headers.authorization !== "Bearer arm-token") return sendJson(res, 401, { error: { code: "InvalidAuthenticationToken" } });
                const url = new URL(request.path, "http://arm");
                if (request.method === "GET" && url.pathname === `/subscriptions/${subscription}/providers/Microsoft.MachineLearningServices/workspaces`) {
                    // Two pages: the workspace is on the second.
                    if (url.searchParams.get("page") === "2") return sendJson(res, 200, { value: [{ id: workspaceId, name: "ws-prod" }] });
                    return sendJson(res, 200, { value: [{ id: "/subscriptions/x/resourceGroups/other/providers/Microsoft.MachineLearningServices/workspaces/ws-dev", name: "ws-dev" }], nextLink: `${arm.base}${url.pathname}?api-version=2024-04-01&page=2` });
                }
                if (request.method === "POST" && url.pathname === `${workspaceId}/onlineEndpoints/churn-prod/listKeys`) return sendJson(res, 200, { primaryKey: "pk-1", secondaryKey: "sk-2" });
                sendJson(res, 404, { error: { code: "ResourceNotFound", message: `no ${request.method} ${url.pathname}` } });
            });
        });
        after(() => arm.close());
        const lookup = () => ({ token: async () => "arm-token", subscriptionId: subscription, armUrl: arm.base, timeoutMs: 2_000 });

        it("finds the workspace by name across pages, then lists the endpoint's keys", async () => {
            expect(await azureMlEndpointKey("WS-PROD", "churn-prod", lookup())).to.equal("pk-1");
            expect(arm.requests.slice(-3).map((r) => `${r.method} ${r.path.split("?")[0]}`)).to.deep.equal([
                `GET /subscriptions/${subscription}/providers/Microsoft.MachineLearningServices/workspaces`,
                `GET /subscriptions/${subscription}/providers/Microsoft.MachineLearningServices/workspaces`,
                `POST ${workspaceId}/onlineEndpoints/churn-prod/listKeys`,
            ]);
            expect(arm.requests.at(-1)!.path).to.contain("api-version=2024-04-01");
        });

        it("names what is missing: the workspace, the endpoint, or the right to read keys", async () => {
            const failure = (promise: Promise<unknown>) => promise.then(() => "no error", (err: Error) => err.message);
            expect(await failure(azureMlEndpointKey("ws-qa", "churn", lookup()))).to.equal(`no Azure ML workspace "ws-qa" in subscription ${subscription}`);
            expect(await failure(azureMlEndpointKey("ws-prod", "churn-old", lookup()))).to.match(/^listing the keys of endpoint "churn-old": HTTP 404: .*ResourceNotFound/);
            expect(await failure(azureMlEndpointKey("ws-prod", "churn-prod", { ...lookup(), token: async () => "expired" }))).to.match(/^listing Azure ML workspaces: HTTP 401: .*InvalidAuthenticationToken/);
        });
    });

    describe("reading stack outputs", () => {
        it("without the Pulumi CLI: says to install it or pass --outputs", () => {
            expect(() => readStackOutputs({ stack: "dev", pulumi: join(scratch, "no-such-pulumi") })).to.throw(
                /the Pulumi CLI \(".*no-such-pulumi"\) is not on PATH: install it \(https:\/\/www\.pulumi\.com\/docs\/install\/\) or pass --outputs FILE/,
            );
        });

        it("runs `pulumi stack output --json --show-secrets --stack <name>` and reports its failures", () => {
            const fake = join(scratch, "pulumi");
            writeFileSync(
                fake,
                [
                    "#!/bin/sh",
                    'if [ "$*" = "stack output --json --show-secrets --stack dev" ]; then echo \'{"cloudrun":{"url":"https://x.run.app"}}\'; exit 0; fi',
                    'echo "error: no stack named $6" >&2; exit 255',
                ].join("\n"),
            );
            chmodSync(fake, 0o755);
            expect(readStackOutputs({ stack: "dev", pulumi: fake })).to.deep.equal({ cloudrun: { url: "https://x.run.app" } });
            expect(() => readStackOutputs({ stack: "qa", pulumi: fake })).to.throw(/`.*pulumi stack output --json --show-secrets --stack qa` exited 255: error: no stack named qa/);
        });
    });

    it("the shape check: only a well-formed one-row answer passes", () => {
        const required = { probabilitiesRequired: true };
        expect(shapeProblem({ predictions: [1], probabilities: [[0.25, 0.75]] }, required)).to.equal(undefined);
        expect(shapeProblem({ predictions: [1] }, { probabilitiesRequired: false })).to.equal(undefined);
        expect(shapeProblem({ predictions: [1] }, required)).to.equal('answer has no "probabilities" (keys: predictions)');
        expect(shapeProblem([1], required)).to.equal("answer is not a JSON object: [1]");
        expect(shapeProblem({ label: 1 }, required)).to.equal('answer has no "predictions" array (keys: label)');
        expect(shapeProblem({ predictions: [1], probabilities: [[1.5, -0.5]] }, required)).to.equal('"probabilities[0]" must be ≥ 2 numbers in [0, 1], got [1.5,-0.5]');
    });
});

/** The lambda and cloudrun checks both POST /predict: SigV4 tells them apart. */
function hasSigV4(request: RecordedRequest): boolean {
    return parseSigV4(request.headers.authorization) !== undefined;
}
