/**
 * The contract between the deploy functions and the smoke client: the program, run per stack under Pulumi mocks,
 * exports for each target exactly what that target's smoke check reads. A renamed output key, or a new target
 * without a smoke check, fails here rather than in the first real deploy.
 */
import { expect } from "chai";
import { TARGETS } from "../../components/targets/registry";
import type { SmokeAuth } from "./auth";
import { predictionRequest } from "./contract";
import { SMOKE_TARGETS } from "./targets";
import { runProgram, readStackFile, stackFilePath } from "../harness/run-program";

const FAKE_AUTH: SmokeAuth = {
    aws: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
    googleAccessToken: async () => "access-token",
    googleIdToken: async () => "id-token",
    azureToken: async () => "entra-token",
    azureEndpointKey: async () => "endpoint-key",
    jwt: async () => "jwt",
};

describe("smoke client ↔ stack outputs", function () {
    this.timeout(60_000);
    before(() => {
        // The SDK warns once per process that Node 20 support ends in 2027; CI deploys on Node 22.
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    });

    it("has a smoke check for every deploy target", () => {
        expect([...SMOKE_TARGETS.keys()].sort()).to.deep.equal(Object.keys(TARGETS).sort());
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every deployed target's outputs are what its smoke check reads`, async () => {
            const { outputs } = await runProgram(stack, readStackFile(stackFilePath(stack)));
            const deployed = Object.keys(outputs);
            expect(deployed).to.not.be.empty;
            for (const name of deployed) {
                const call = await SMOKE_TARGETS.get(name)!.prepare(outputs[name], {
                    auth: FAKE_AUTH,
                    timeoutMs: 1_000,
                    requestBody: JSON.stringify(predictionRequest()),
                });
                expect(call.url, name).to.match(/^https:\/\/[^/]+\/\S+$/);
            }
        });
    }
});
