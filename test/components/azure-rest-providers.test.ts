import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { ACR_TOKEN_USERNAME, AcrLoginInputs, acrLoginProvider } from "../../components/azure/acr-image";
import { EndpointTrafficInputs, endpointTrafficProvider } from "../../components/azure/endpoint-traffic";

// The two dynamic providers, driven for real over loopback against fakes that follow Azure's documented
// REST shapes: ARM's GET/PUT of an online endpoint with an Azure-AsyncOperation to poll, and ACR's
// /oauth2/exchange of an Entra ID access token for a refresh token.

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
    let arm: Awaited<ReturnType<typeof fakeServer>>;
    let endpointExists = true;
    let polls = 0;
    before(async () => {
        arm = await fakeServer((request, response, base) => {
            const path = request.url.split("?")[0];
            if (path === "/operations/1") {
                polls += 1;
                return json(response, 200, { status: polls < 2 ? "InProgress" : "Succeeded" });
            }
            if (path !== ENDPOINT_ID || !endpointExists) return json(response, 404, { error: { code: "ResourceNotFound" } });
            if (request.method === "GET") {
                return json(response, 200, {
                    id: ENDPOINT_ID, name: "churn-prod", location: "eastus", tags: { stage: "prod" }, kind: "Managed",
                    identity: { type: "SystemAssigned", principalId: "p", tenantId: "t" },
                    properties: { authMode: "AADToken", publicNetworkAccess: "Enabled", traffic: {}, scoringUri: "https://x/score", provisioningState: "Succeeded" },
                });
            }
            return json(response, 201, {}, { "azure-asyncoperation": `${base}/operations/1?api-version=x` });
        });
    });
    after(() => arm.close());
    beforeEach(() => { arm.seen.length = 0; polls = 0; endpointExists = true; });

    const inputs = (): EndpointTrafficInputs => ({
        endpointId: ENDPOINT_ID, traffic: { blue: 90, green: 10 }, endpointRevision: "r1", armUrl: arm.base, apiVersion: "2025-12-01", pollMs: 1,
    });
    const provider = endpointTrafficProvider(async () => "arm-token");
    const putBody = () => JSON.parse(arm.seen.find((request) => request.method === "PUT")!.body);

    it("reads the endpoint, PUTs it back with the map and its writable settings only, and waits for the operation", async () => {
        const result = await provider.create(inputs());
        expect(result.id).to.equal(`${ENDPOINT_ID}/traffic`);
        expect(arm.seen.map((request) => `${request.method} ${request.url.split("?")[0]}`)).to.deep.equal([
            `GET ${ENDPOINT_ID}`, `PUT ${ENDPOINT_ID}`, "GET /operations/1", "GET /operations/1",
        ]);
        expect(arm.seen.every((request) => request.authorization === "Bearer arm-token")).to.equal(true);
        expect(arm.seen[0]!.url).to.include("api-version=2025-12-01");
        expect(putBody()).to.deep.equal({
            location: "eastus", tags: { stage: "prod" }, kind: "Managed", identity: { type: "SystemAssigned" },
            properties: { authMode: "AADToken", publicNetworkAccess: "Enabled", traffic: { blue: 90, green: 10 } },
        });
    });

    it("re-applies the map when it or the endpoint changes, and replaces on a new endpoint", async () => {
        const olds = inputs();
        expect(await provider.diff!("id", olds, inputs())).to.include({ changes: false });
        expect(await provider.diff!("id", olds, { ...inputs(), traffic: { blue: 100 } })).to.include({ changes: true });
        expect(await provider.diff!("id", olds, { ...inputs(), endpointRevision: "r2" })).to.include({ changes: true });
        expect((await provider.diff!("id", olds, { ...inputs(), endpointId: `${ENDPOINT_ID}2` })).replaces).to.deep.equal(["endpointId"]);
    });

    it("drains the map on delete, so Azure lets the deployments go", async () => {
        await provider.delete!("id", inputs());
        expect(putBody().properties.traffic).to.deep.equal({ blue: 0, green: 0 });
    });

    it("treats a deleted endpoint as drained, and reports other failures with the status and Azure's error", async () => {
        endpointExists = false;
        await provider.delete!("id", inputs());
        let failure: Error | undefined;
        await provider.create(inputs()).catch((error: Error) => { failure = error; });
        expect(failure?.message).to.match(/^GET .*\/onlineEndpoints\/churn-prod answered 404: .*ResourceNotFound/);
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
