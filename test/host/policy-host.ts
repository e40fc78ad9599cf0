// Starts the policy pack as the Pulumi CLI does and talks to it over the analyzer protocol.
//
// pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin: a policy pack (kind analyzer) runs as
// `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack [nodeargs] <engine address> <pack dir>` with its
// working directory the pack's folder; the pack prints the port of its Analyzer gRPC server on stdout
// (@pulumi/policy server.js serve). The engine then calls GetAnalyzerInfo, Configure (the reconciled pack
// config), ConfigureStack and AnalyzeStack (sdk/go/common/resource/plugin/analyzer_plugin.go).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type { EnforcementLevel } from "@pulumi/policy";
import { REPO_ROOT } from "../harness/run-program";
import type { SynthReportResource } from "../harness/synth";
import { ensureCompiled } from "./cli-host";
import { StandInEngine } from "./stand-in-engine";

export const POLICY_DIR = path.join(REPO_ROOT, "policy");

const LEVELS: Record<EnforcementLevel, analyzerPb.EnforcementLevel> = {
    advisory: analyzerPb.EnforcementLevel.ADVISORY,
    mandatory: analyzerPb.EnforcementLevel.MANDATORY,
    disabled: analyzerPb.EnforcementLevel.DISABLED,
    remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};
const LEVEL_NAMES = Object.fromEntries(Object.entries(LEVELS).map(([name, level]) => [level, name as EnforcementLevel]));

/** One diagnostic the pack returned, its level named as the pack config names it. */
export interface PackDiagnostic {
    readonly policy: string;
    readonly level: EnforcementLevel;
    readonly urn: string;
    readonly message: string;
}

function unary<Request, Response>(method: (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown, request: Request): Promise<Response> {
    return new Promise((done, fail) => { method(request, (error, response) => (error ? fail(error) : done(response))); });
}

/** The pack's own sources (top-level .ts files and folders), without node_modules and the build. */
function packSources(): string[] {
    return fs.readdirSync(POLICY_DIR, { withFileTypes: true })
        .filter((entry) => !["node_modules", "bin", "examples"].includes(entry.name) && (entry.isDirectory() || entry.name.endsWith(".ts")))
        .map((entry) => entry.name);
}

export class PolicyPackProcess {
    private constructor(
        private readonly client: analyzerRpc.AnalyzerClient,
        private readonly stopProcess: () => void,
        /** Spawn to the port on stdout: what a preview waits before the pack can judge anything. */
        readonly loadMs: number,
    ) {}

    /** Starts the pack in `packDir` as the CLI does (built first if stale); fails with its output when it does not come up. */
    static async start(packDir = POLICY_DIR, env: NodeJS.ProcessEnv = process.env): Promise<PolicyPackProcess> {
        if (packDir === POLICY_DIR) ensureCompiled(POLICY_DIR, "tsconfig.json", "bin/index.js", packSources());
        const engine = new StandInEngine("policy", "ml-endpoints");
        const engineAddress = await engine.start();
        const runPolicyPack = path.join(packDir, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js");
        const started = process.hrtime.bigint();
        const child = spawn(process.execPath, [runPolicyPack, engineAddress, packDir], { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
        const port = await new Promise<string>((done, fail) => {
            child.on("error", fail);
            let stdout = "";
            child.stdout.on("data", (chunk: Buffer) => {
                stdout += chunk.toString();
                const line = /^(\d+)\s*$/m.exec(stdout);
                if (line) done(line[1]!);
            });
            child.on("close", (code) => fail(new Error(`policy pack exited ${code} before serving:\n${stdout}${stderr}`)));
        }).catch((error: unknown) => {
            engine.stop();
            throw error;
        });
        const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new PolicyPackProcess(client, () => { client.close(); child.kill(); engine.stop(); }, loadMs);
    }

    stop(): void {
        this.stopProcess();
    }

    async policyNames(): Promise<string[]> {
        const info = await unary<Empty, analyzerPb.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
        return info.getPoliciesList().map((policy) => policy.getName());
    }

    /** Sends every policy's reconciled level and properties, as the CLI does before analysing. */
    async configure(config: ReadonlyMap<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>): Promise<void> {
        const request = new analyzerPb.ConfigureAnalyzerRequest();
        for (const [name, entry] of config) {
            request.getPolicyconfigMap().set(name, new analyzerPb.PolicyConfig()
                .setEnforcementlevel(LEVELS[entry.enforcementLevel])
                .setProperties(Struct.fromJavaScript(entry.properties as never)));
        }
        await unary(this.client.configure.bind(this.client), request);
    }

    async configureStack(stack: string, project: string, organization: string): Promise<void> {
        const request = new analyzerPb.AnalyzerStackConfigureRequest().setStack(stack).setProject(project).setOrganization(organization).setDryRun(true);
        await unary(this.client.configureStack.bind(this.client), request);
    }

    /**
     * The synth report replayed as the engine sends a deployment: Analyze per resource (resource policies),
     * then AnalyzeStack over them all (stack policies). Returns both calls' diagnostics.
     */
    async analyzeDeployment(resources: readonly SynthReportResource[]): Promise<PackDiagnostic[]> {
        const perResource = await Promise.all(resources.map(async (resource) => {
            const request = new analyzerPb.AnalyzeRequest()
                .setType(resource.type)
                .setName(resource.name)
                .setUrn(resource.urn)
                .setProperties(Struct.fromJavaScript(resource.inputs as never))
                .setOptions(new analyzerPb.AnalyzerResourceOptions());
            return diagnosticsOf(await unary(this.client.analyze.bind(this.client), request));
        }));
        return [...perResource.flat(), ...await this.analyzeStack(resources)];
    }

    /** AnalyzeStack over the synth report's resources, replayed as the engine would send them. */
    async analyzeStack(resources: readonly SynthReportResource[]): Promise<PackDiagnostic[]> {
        const request = new analyzerPb.AnalyzeStackRequest().setResourcesList(resources.map((resource) => {
            const analyzed = new analyzerPb.AnalyzerResource()
                .setType(resource.type)
                .setName(resource.name)
                .setUrn(resource.urn)
                .setParent(resource.parentUrn ?? "")
                .setOptions(new analyzerPb.AnalyzerResourceOptions()) // the engine always sends them; none are set here
                .setProperties(Struct.fromJavaScript(resource.inputs as never))
                .setDependenciesList([...resource.dependencies]);
            for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
                analyzed.getPropertydependenciesMap().set(property, new analyzerPb.AnalyzerPropertyDependencies().setUrnsList([...urns]));
            }
            return analyzed;
        }));
        return diagnosticsOf(await unary(this.client.analyzeStack.bind(this.client), request));
    }
}

function diagnosticsOf(response: analyzerPb.AnalyzeResponse): PackDiagnostic[] {
    return response.getDiagnosticsList().map((diagnostic) => ({
        policy: diagnostic.getPolicyname(),
        level: LEVEL_NAMES[diagnostic.getEnforcementlevel()]!,
        urn: diagnostic.getUrn(),
        message: diagnostic.getMessage(),
    }));
}
