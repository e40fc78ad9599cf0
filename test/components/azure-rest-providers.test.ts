import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { ACR_TOKEN_USERNAME, AcrLoginInputs, acrLoginProvider } from "../../components/azure/acr-image";
import { checkTrafficMap, EndpointTrafficInputs, endpointTrafficProvider, putEndpointTraffic } from "../../components/azure/endpoint-traffic";
import { instanceTypeGuardProvider } from "../../components/azure/instance-type-guard";
import { armTokenSource, GITHUB_OIDC_AUDIENCE, githubOidcToken } from "../../components/azure/arm-rest";
import { createHttpHeaders, type HttpClient } from "@azure/core-rest-pipeline";
import { FAKE_ARM_TOKEN, FakeArm } from "../azure/fake-arm";

// The dynamic providers, driven for real over loopback against fakes that follow Azure's documented
// REST shapes and refuse what Azure refuses: ARM's GET/PUT of an online endpoint with its long-running
// operation (test/azure/fake-arm.ts), ACR's /oauth2/exchange of an Entra ID access token for a refresh
// token, and GitHub's OIDC token endpoint with Entra ID's token endpoint for the CI credential.

interface Seen {
    readonly method: string;
    readonly url: string;
    readonly authorization?: string;
    readonly body: string;
}

/** A loopback server answering with `handle`; records every request. */
async function fakeServer(handle: (request: Seen, response: http.ServerResponse, base: string) => void) {
    const seen: Seen[] = [];
    const server = http.createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => { body += chunk; });
        request.on("end", () => {
            const entry = { method: request.method!, url: request.url!, authorization: request.headers.authorization, body };
            seen.push(entry);
            handle(entry, response, base);
        });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { base, seen, close: () => new Promise<void>((done) => server.close(() => done())) };
}

const json = (response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
};

const ENDPOINT_ID = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/churn-prod";

describe("EndpointTraffic provider (fake ARM on loopback)", () => {
    let arm: FakeArm;
    let tokensIssued = 0;
    let sleeps: number[] = [];
    before(async () => { arm = await new FakeArm().start(); });
    after(() => arm.stop());
    beforeEach(() => {
        arm.calls.length = 0;
        arm.trafficHistory.length = 0;
        arm.operationStyle = "azure-async-operation";
        arm.pollsUntilDone = 2;
        arm.settlingGets = 0;
        arm.retryAfterSeconds = undefined;
        arm.addEndpoint(ENDPOINT_ID);
        tokensIssued = 0;
        sleeps = [];
    });

    const inputs = (): EndpointTrafficInputs => ({
        endpointId: ENDPOINT_ID, traffic: { blue: 90, green: 10 }, endpointRevision: "r1", armUrl: arm.baseUrl, apiVersion: "2025-12-01", pollMs: 5,
    });
    const provider = endpointTrafficProvider({
        token: async () => { tokensIssued += 1; return FAKE_ARM_TOKEN; },
        sleep: async (ms) => { sleeps.push(ms); },
    });
    const requests = () => arm.calls.map((call) => `${call.method} ${call.path.replace(/\/(operations|locations)\/\d+$/, "/$1/N")}`);
    const putBody = () => JSON.parse(arm.calls.find((call) => call.method === "PUT")!.body);
    const failureOf = async (run: () => Promise<unknown>) => {
        let failure: Error | undefined;
        await run().catch((error: Error) => { failure = error; });
        return failure;
    };

    it("reads the endpoint, PUTs it back with the map and its writable settings only, polls the operation, then reads the endpoint settled", async () => {
        const result = await provider.create(inputs());
        expect(result.id).to.equal(`${ENDPOINT_ID}/traffic`);
        expect(requests()).to.deep.equal([
            `GET ${ENDPOINT_ID}`, `PUT ${ENDPOINT_ID}`, "GET /operations/N", "GET /operations/N", `GET ${ENDPOINT_ID}`,
        ]);
        expect(arm.calls[0]!.url).to.include("api-version=2025-12-01");
        expect(putBody()).to.deep.equal({
            location: "eastus", tags: { stage: "prod" }, kind: "Managed", identity: { type: "SystemAssigned" },
            properties: { authMode: "AADToken", publicNetworkAccess: "Enabled", traffic: { blue: 90, green: 10 } },
        });
        expect(arm.traffic(ENDPOINT_ID)).to.deep.equal({ blue: 90, green: 10 });
    });

    it("asks for a token on every request, so a long operation never outlives its token", async () => {
        await provider.create(inputs());
        expect(arm.calls.every((call) => call.authorization === `Bearer ${FAKE_ARM_TOKEN}`)).to.equal(true);
        expect(tokensIssued).to.equal(arm.calls.length);
    });

    // azure-rest-api-specs, machinelearningservices OnlineEndpointProperties.traffic: "Traffic values need to sum to 100".
    it("refuses, at check, a map that does not sum to 100, has a fractional share, or is empty", async () => {
        const reasons = async (traffic: Record<string, number>) => (await provider.check!(inputs(), { ...inputs(), traffic })).failures?.map((failure) => failure.reason) ?? [];
        expect(await reasons({ blue: 90, green: 10 })).to.deep.equal([]);
        expect((await reasons({ blue: 90, green: 20 }))[0]).to.match(/sums to 110; Azure requires the shares to sum to 100/);
        expect((await reasons({ blue: 99.5, green: 0.5 }))[0]).to.match(/traffic\.blue 99\.5 must be a whole percent/);
        expect((await reasons({}))[0]).to.match(/traffic \{\} sends no requests anywhere/);
        expect(() => checkTrafficMap({}, true)).to.not.throw();
    });

    it("re-applies the map when it or the endpoint changes, and replaces on a new endpoint", async () => {
        const olds = inputs();
        expect(await provider.diff!("id", olds, inputs())).to.include({ changes: false });
        expect(await provider.diff!("id", olds, { ...inputs(), traffic: { blue: 100 } })).to.include({ changes: true });
        expect(await provider.diff!("id", olds, { ...inputs(), endpointRevision: "r2" })).to.include({ changes: true });
        expect((await provider.diff!("id", olds, { ...inputs(), endpointId: `${ENDPOINT_ID}2` })).replaces).to.deep.equal(["endpointId"]);
    });

    // A map of zeros sums to 0, which ARM refuses; azure-ai-ml strips every zero share before it PUTs
    // (azure-sdk-for-python sdk/ml/azure-ai-ml/azure/ai/ml/operations/_online_endpoint_operations.py, _strip_zeroes_from_traffic).
    it("drains the map on delete by sending {}, which ARM accepts, so the deployments can be deleted", async () => {
        await provider.create(inputs());
        arm.calls.length = 0;
        await provider.delete!("id", inputs());
        expect(putBody().properties.traffic).to.deep.equal({});
        expect(arm.traffic(ENDPOINT_ID)).to.deep.equal({});
    });

    // azure-sdk-for-net#36961: "Cannot create a deployment in endpoint … because it is in Updating provisioning state".
    it("retries a 409 while another operation holds the endpoint, with growing backoff, then applies the map", async () => {
        arm.startForeignOperation(ENDPOINT_ID, 3);
        await provider.create(inputs());
        expect(requests().filter((request) => request === `PUT ${ENDPOINT_ID}`)).to.have.length(4);
        // Retry-After: 0 on the 409s is honoured rather than the 5/10/20 ms backoff.
        expect(sleeps.slice(0, 3)).to.deep.equal([0, 0, 0]);
        expect(arm.traffic(ENDPOINT_ID)).to.deep.equal({ blue: 90, green: 10 });
    });

    it("gives up on a conflict that outlasts the timeout, naming the status and Azure's message", async () => {
        arm.startForeignOperation(ENDPOINT_ID, 10_000);
        const failure = await failureOf(() => putEndpointTraffic(inputs(), { blue: 100 }, {
            token: async () => FAKE_ARM_TOKEN, pollMs: 1, timeoutMs: 30, sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
        }));
        expect(failure?.message).to.match(/^PUT .*\/onlineEndpoints\/churn-prod answered 409: .*Updating provisioning state/);
    });

    // azure-resource-manager-rpc v1.0/async-api-reference.md: a 202 may carry only Location; poll it until it
    // stops answering 202, waiting Retry-After seconds between polls.
    it("follows a Location-only 202 with Retry-After until it finishes, then waits for provisioningState Succeeded", async () => {
        arm.operationStyle = "location";
        arm.retryAfterSeconds = 3;
        arm.settlingGets = 2;
        await provider.create(inputs());
        expect(requests()).to.deep.equal([
            `GET ${ENDPOINT_ID}`, `PUT ${ENDPOINT_ID}`, "GET /locations/N", "GET /locations/N",
            `GET ${ENDPOINT_ID}`, `GET ${ENDPOINT_ID}`, `GET ${ENDPOINT_ID}`,
        ]);
        expect(sleeps).to.deep.equal([3000, 3000, 5, 5]);
    });

    it("honours Retry-After on Azure-AsyncOperation polls too", async () => {
        arm.retryAfterSeconds = 7;
        await provider.create(inputs());
        expect(sleeps).to.deep.equal([7000, 7000]);
    });

    it("treats a deleted endpoint as drained, and reports other failures with the status and Azure's error", async () => {
        arm.removeEndpoint(ENDPOINT_ID);
        await provider.delete!("id", inputs());
        const failure = await failureOf(() => provider.create(inputs()));
        expect(failure?.message).to.match(/^GET .*\/onlineEndpoints\/churn-prod answered 404: .*ResourceNotFound/);
    });
});

describe("the fake ARM refuses what ARM refuses", () => {
    let arm: FakeArm;
    before(async () => { arm = await new FakeArm().start(); arm.addEndpoint(ENDPOINT_ID); });
    after(() => arm.stop());
    const put = (body: unknown) => fetch(`${arm.baseUrl}${ENDPOINT_ID}?api-version=x`, {
        method: "PUT", headers: { authorization: `Bearer ${FAKE_ARM_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body),
    });

    it("refuses a map not summing to 100 and a PUT while Updating; a PUT without traffic leaves none", async () => {
        expect((await put({ location: "eastus", properties: { authMode: "Key", traffic: { blue: 0, green: 0 } } })).status).to.equal(400);
        expect((await put({ location: "eastus", properties: { authMode: "Key", traffic: { blue: 100 } } })).status).to.equal(201);
        expect((await put({ location: "eastus", properties: { authMode: "Key", traffic: { blue: 100 } } })).status).to.equal(409);
        for (let poll = 0; poll < 2; poll++) await fetch(`${arm.baseUrl}/operations/1`, { headers: { authorization: `Bearer ${FAKE_ARM_TOKEN}` } });
        expect((await put({ location: "eastus", properties: { authMode: "Key" } })).status).to.equal(201);
        expect(arm.traffic(ENDPOINT_ID)).to.deep.equal({});
    });
});

describe("AcrLogin provider (fake ACR on loopback)", () => {
    let acr: Awaited<ReturnType<typeof fakeServer>>;
    before(async () => {
        acr = await fakeServer((request, response) => {
            const form = new URLSearchParams(request.body);
            if (request.url === "/oauth2/exchange" && form.get("grant_type") === "access_token" && form.get("access_token") === "arm-token") {
                return json(response, 200, { refresh_token: `refresh-for-${form.get("service")}` });
            }
            return json(response, 401, { errors: [{ code: "UNAUTHORIZED" }] });
        });
    });
    after(() => acr.close());

    const inputs = (): AcrLoginInputs => ({ loginServer: "mlacr.azurecr.io", tenantId: "tenant-1", registryUrl: acr.base });

    it("exchanges the deployer's ARM token for a refresh token, used with ACR's null-GUID username", async () => {
        const { outs } = await acrLoginProvider(async () => "arm-token").create(inputs());
        expect(outs).to.include({ username: ACR_TOKEN_USERNAME, password: "refresh-for-mlacr.azurecr.io", loginServer: "mlacr.azurecr.io" });
        const form = new URLSearchParams(acr.seen.at(-1)!.body);
        expect(Object.fromEntries(form)).to.deep.equal({ grant_type: "access_token", service: "mlacr.azurecr.io", tenant: "tenant-1", access_token: "arm-token" });
    });

    it("renews only when the token is over an hour old or the registry changes", async () => {
        const provider = acrLoginProvider(async () => "arm-token");
        const { outs } = await provider.create(inputs());
        expect(await provider.diff!("id", outs!, inputs())).to.include({ changes: false });
        expect(await provider.diff!("id", { ...outs!, issuedAt: Date.now() - 61 * 60_000 }, inputs())).to.include({ changes: true });
        expect(await provider.diff!("id", outs!, { ...inputs(), loginServer: "other.azurecr.io" })).to.include({ changes: true });
    });

    it("fails naming the registry and the answer when the exchange is refused", async () => {
        let failure: Error | undefined;
        await acrLoginProvider(async () => "wrong-token").create(inputs()).catch((error: Error) => { failure = error; });
        expect(failure?.message).to.match(/^POST http:\/\/127\.0\.0\.1:\d+\/oauth2\/exchange answered 401: .*UNAUTHORIZED/);
    });
});

// `.github/actions/cloud-auth` sets ARM_USE_OIDC=true for CI. GitHub's "OpenID Connect" docs: a job with
// `id-token: write` gets ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN; GET the URL with `&audience=` and the request
// token as bearer, and `value` is a short-lived JWT. Entra ID takes it as the client assertion of a
// client-credentials request (@azure/identity ClientAssertionCredential, `getAssertion` called per token request).
describe("ARM credential in CI: a fresh GitHub OIDC token per Entra ID token request", () => {
    let github: Awaited<ReturnType<typeof fakeServer>>;
    let entra: Awaited<ReturnType<typeof fakeServer>>;
    let issued = 0;
    before(async () => {
        github = await fakeServer((request, response) => {
            const url = new URL(request.url, "http://x");
            if (request.authorization !== "Bearer runner-request-token" || url.searchParams.get("audience") !== GITHUB_OIDC_AUDIENCE) {
                return json(response, 401, { message: "bad request token or audience" });
            }
            issued += 1;
            json(response, 200, { value: `github-oidc-jwt-${issued}` });
        });
        entra = await fakeServer((request, response) => {
            if (request.url.includes("/.well-known/openid-configuration")) {
                const tenant = "https://login.fake/tenant-1";
                return json(response, 200, { token_endpoint: `${tenant}/oauth2/v2.0/token`, issuer: `${tenant}/v2.0`, authorization_endpoint: `${tenant}/oauth2/v2.0/authorize`, jwks_uri: `${tenant}/keys` });
            }
            const form = new URLSearchParams(request.body);
            if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || !form.get("client_assertion")?.startsWith("github-oidc-jwt-")) {
                return json(response, 401, { error: "invalid_client" });
            }
            // A token close to expiry: @azure/identity asks again (with a new assertion) on the next request.
            json(response, 200, { token_type: "Bearer", expires_in: 60, access_token: `arm-for-${form.get("client_assertion")}` });
        });
    });
    after(async () => { await github.close(); await entra.close(); });

    /** Sends @azure/identity's requests for the fake authority host to the loopback Entra fake. */
    const loopbackHttpClient = (): HttpClient => ({
        async sendRequest(request) {
            const answer = await fetch(request.url.replace(/^https:\/\/login\.fake/, entra.base), {
                method: request.method, headers: Object.fromEntries(request.headers), body: request.body as string | undefined,
            });
            const headers = createHttpHeaders();
            answer.headers.forEach((value, key) => headers.set(key, value));
            return { request, status: answer.status, headers, bodyAsText: await answer.text() };
        },
    });
    const ciEnv = (): NodeJS.ProcessEnv => ({
        ARM_USE_OIDC: "true", ARM_TENANT_ID: "tenant-1", ARM_CLIENT_ID: "client-1",
        ACTIONS_ID_TOKEN_REQUEST_URL: `${github.base}/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runner-request-token",
    });

    it("fetches the GitHub token with the exchange audience and the runner's request token", async () => {
        expect(await githubOidcToken(ciEnv())).to.match(/^github-oidc-jwt-\d+$/);
        const url = new URL(github.seen.at(-1)!.url, "http://x");
        expect(Object.fromEntries(url.searchParams)).to.deep.equal({ "api-version": "2.0", audience: "api://AzureADTokenExchange" });
    });

    it("exchanges a new GitHub token for every ARM token it needs, never the Azure CLI login", async () => {
        const token = armTokenSource({ env: ciEnv(), credentialOptions: { authorityHost: "https://login.fake", httpClient: loopbackHttpClient(), disableInstanceDiscovery: true } });
        const first = await token();
        const second = await token();
        expect(first).to.match(/^arm-for-github-oidc-jwt-\d+$/);
        expect(second).to.match(/^arm-for-github-oidc-jwt-\d+$/);
        expect(second).to.not.equal(first);
        const assertions = entra.seen.filter((request) => request.method === "POST").map((request) => new URLSearchParams(request.body).get("client_assertion"));
        expect(new Set(assertions).size).to.equal(assertions.length);
        expect(new URLSearchParams(entra.seen.find((request) => request.method === "POST")!.body).get("client_id")).to.equal("client-1");
    });

    it("says what is missing when the job cannot mint OIDC tokens", async () => {
        const env = { ...ciEnv(), ACTIONS_ID_TOKEN_REQUEST_URL: undefined };
        let failure: Error | undefined;
        await githubOidcToken(env).catch((error: Error) => { failure = error; });
        expect(failure?.message).to.match(/ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: give the job `permissions: id-token: write`/);
        expect(() => armTokenSource({ env: { ARM_USE_OIDC: "true" } })).to.throw(/ARM_USE_OIDC=true needs ARM_TENANT_ID and ARM_CLIENT_ID/);
    });
});

// Azure/AML-Kubernetes#247 (Azure ML maintainer): "today deployment update can't change instance type. The
// recommended behavior is … deploy a new deployment, move traffic there, and delete the old one".
describe("InstanceTypeGuard provider", () => {
    const provider = instanceTypeGuardProvider();
    const news = (instanceType: string) => ({ component: `AzureMlEndpoint "azureml"`, deployment: "blue", instanceType, configKey: "instanceType" });

    it("refuses, at check (so at preview), a new instance type on an existing deployment, with the blue/green steps", async () => {
        const { failures } = await provider.check!(news("Standard_DS3_v2"), news("Standard_F4s_v2"));
        expect(failures).to.have.length(1);
        expect(failures![0]!.reason).to.match(/instanceType "Standard_F4s_v2" would change deployment "blue" from "Standard_DS3_v2" in place, which Azure ML cannot do/);
        expect(failures![0]!.reason).to.match(/set liveInstanceType: Standard_DS3_v2, instanceType: Standard_F4s_v2 and rollout\.strategy: blue-green.*set liveDeployment: green/);
    });

    it("passes a new deployment, an unchanged type, and a change of letter case only", async () => {
        // A deployment created now has no previous inputs.
        expect((await provider.check!({} as ReturnType<typeof news>, news("Standard_F4s_v2"))).failures).to.equal(undefined);
        expect((await provider.check!(news("Standard_F4s_v2"), news("Standard_F4s_v2"))).failures).to.equal(undefined);
        expect((await provider.check!(news("standard_f4s_v2"), news("Standard_F4s_v2"))).failures).to.equal(undefined);
    });
});
