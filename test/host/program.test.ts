import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import { ROOT_STACK_TYPE, UNKNOWN } from "../harness/recorder";
import { ProgramRun, PROJECT, readStackFile, runProgram, stackFilePath } from "../harness/run-program";
import { CliRun, ensureBuilt, PROGRAM_DIR, runUnderCli } from "./cli-host";
import { errorCases } from "./error-cases";
import { Registration } from "./stand-in-engine";

// The compiled program (dist/) run as `pulumi preview` runs it (test/host/cli-host.ts: cmd/run, cwd dist/,
// PULUMI_CONFIG, Pulumi.yaml's nodeargs) against a stand-in engine over gRPC, compared with the offline synth.

/** What both runs must agree on for one resource; the root stack is the engine's, not the program's. */
function planned(resource: { type: string; name: string; urn: string; parentUrn?: string }): string {
    const parent = resource.parentUrn && !resource.parentUrn.includes(`::${ROOT_STACK_TYPE}::`) ? resource.parentUrn : "(stack)";
    return `${resource.urn} type=${resource.type} name=${resource.name} parent=${parent}`;
}

/** Physical names the program chooses (`name`, and the Azure ML endpoint's name) known at preview, by URN. */
function chosenNames(resources: readonly { urn: string; inputs: Record<string, unknown> }[]): Record<string, string> {
    const names: Record<string, string> = {};
    for (const resource of resources) {
        for (const key of ["name", "endpointName"]) {
            const value = resource.inputs[key];
            // Known at preview only when chosen from config; one computed from another resource's output is not.
            if (typeof value === "string" && value !== UNKNOWN) names[`${resource.urn} ${key}`] = value;
        }
    }
    return names;
}

function loadProviders(sources: string[]): { ok: boolean; methods?: string[]; error?: string }[] {
    const result = spawnSync(process.execPath, [path.join(__dirname, "load-dynamic-providers.js")], { cwd: PROGRAM_DIR, input: JSON.stringify(sources), encoding: "utf8" });
    expect(result.status, result.stderr).to.equal(0);
    return JSON.parse(result.stdout) as { ok: boolean; methods?: string[]; error?: string }[];
}

describe("the compiled program under the CLI's nodejs language host (stand-in engine)", function () {
    this.timeout(300_000);
    before(() => ensureBuilt());

    for (const stack of ["dev", "prod"]) {
        describe(stack, () => {
            let cli: CliRun;
            let customs: Registration[];
            let synth: ProgramRun;
            before(async () => {
                synth = await runProgram(stack, readStackFile(stackFilePath(stack)));
                cli = await runUnderCli(stack, readStackFile(stackFilePath(stack)));
                customs = cli.registrations.filter((registration) => registration.type !== ROOT_STACK_TYPE);
            });

            it("runs from dist/ to the end (exit 0, no error logged) under a root stack", () => {
                expect(cli.code, cli.stderr + cli.logs.filter((log) => log.severity === "ERROR").map((log) => log.message).join("\n")).to.equal(0);
                expect(cli.logs.filter((log) => log.severity === "ERROR")).to.deep.equal([]);
                const root = cli.registrations.filter((registration) => registration.type === ROOT_STACK_TYPE);
                expect(root.map((registration) => registration.urn)).to.deep.equal([`urn:pulumi:${stack}::${PROJECT}::${ROOT_STACK_TYPE}::${PROJECT}-${stack}`]);
            });

            it("registers exactly the synth's resources: types, names, URNs and parents", () => {
                expect(customs.map(planned).sort()).to.deep.equal(synth.resources.map(planned).sort());
            });

            it("chooses the synth's physical names (the Azure ML endpoint's hash takes the CLI's organization)", () => {
                const real = chosenNames(customs);
                expect(Object.keys(real).some((key) => key.includes("OnlineEndpoint")), "the Azure ML endpoint's name is known at preview").to.equal(true);
                expect(chosenNames(synth.resources)).to.deep.include(real);
            });

            it("serializes every dynamic provider, and each serialized source loads as the provider host loads it", () => {
                const sources = customs.map((registration) => registration.inputs["__provider"]).filter((source): source is string => typeof source === "string");
                expect(sources.length, "dynamic resources").to.be.greaterThan(0);
                expect(customs.filter((registration) => registration.type.startsWith("pulumi-nodejs:dynamic")).length).to.equal(sources.length);
                for (const verdict of loadProviders(sources)) expect(verdict, verdict.error).to.deep.include({ ok: true });
            });
        });
    }

    // How fast: test/host/measure-errors.ts prints the figures (README "Measured on this machine").
    for (const errorCase of errorCases()) {
        it(`reports a ${errorCase.label} as an error naming it, exit 32`, async () => {
            const cli = await runUnderCli(errorCase.stack, errorCase.config);
            expect(cli.code).to.equal(32);
            const errors = cli.logs.filter((log) => log.severity === "ERROR").map((log) => log.message);
            expect(errors.join("\n")).to.include(errorCase.expected);
        });
    }
});
