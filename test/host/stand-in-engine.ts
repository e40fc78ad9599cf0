// A stand-in for the Pulumi engine, enough to run the program the way the CLI does and see what it registers.
//
// The CLI's nodejs language host starts `node …/@pulumi/pulumi/cmd/run` with `--monitor` and `--engine`
// addresses; the program then talks gRPC to two services the engine serves (pulumi/pulumi proto/pulumi/resource.proto
// ResourceMonitor, proto/pulumi/engine.proto Engine). This serves both on loopback with the generated stubs that
// @pulumi/pulumi ships, and answers as a preview (`--dry-run`) does: a registration gets the engine's URN, no id,
// and its inputs back as its outputs (what a provider's Check echoes; the SDK reads every missing output as
// unknown while previewing). Invokes get the harness's fake cloud answers. Methods left out answer UNIMPLEMENTED,
// as an older engine would, and the SDK falls back where it can (e.g. GetDeploymentInfo → SupportsFeature).
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import * as resourceRpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb";
import { answerInvoke, engineUrn } from "../harness/recorder";

/** One RegisterResource call, as the engine received it. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The parent's URN as sent; the root stack's for top-level resources. */
    readonly parentUrn: string;
    readonly custom: boolean;
    /** The inputs on the wire (secrets and unknowns in their wire forms). */
    readonly inputs: Record<string, unknown>;
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
}

export interface LoggedMessage {
    readonly severity: string;
    readonly message: string;
    readonly urn: string;
}

/** Monitor features the SDK asks about that this engine, like today's CLI, supports (see runtime/settings.ts legacyFeatureMapping). */
const SUPPORTED_FEATURES = new Set(["secrets", "resourceReferences", "deletedWith", "aliasSpecs"]);

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SPECIAL_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A wire value with secrets unwrapped, for the fake invoke answers. */
function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SECRET_SIG] === SPECIAL_SIG) return unwrapSecrets(record["value"]);
        return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, unwrapSecrets(child)]));
    }
    return value;
}

export class StandInEngine {
    readonly registrations: Registration[] = [];
    readonly logs: LoggedMessage[] = [];
    private rootUrn = "";
    private readonly server = new grpc.Server();

    constructor(private readonly stack: string, private readonly project: string) {}

    /** Serves both services on one loopback port; returns `127.0.0.1:<port>`. */
    async start(): Promise<string> {
        this.server.addService(resourceRpc.ResourceMonitorService, this.monitor());
        this.server.addService(engineRpc.EngineService, this.engine());
        const port = await new Promise<number>((done, fail) =>
            this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? fail(error) : done(bound))));
        return `127.0.0.1:${port}`;
    }

    stop(): void {
        this.server.forceShutdown();
    }

    private monitor(): Pick<resourceRpc.IResourceMonitorServer, "supportsFeature" | "registerResource" | "registerResourceOutputs" | "invoke" | "signalAndWaitForShutdown"> {
        return {
            supportsFeature: (call, reply) => {
                reply(null, new resourcePb.SupportsFeatureResponse().setHassupport(SUPPORTED_FEATURES.has(call.request.getId())));
            },
            registerResource: (call, reply) => {
                const request = call.request;
                const urn = engineUrn(this.stack, this.project, request.getParent() || undefined, request.getType(), request.getName());
                const inputs = (request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
                const propertyDependencies: Record<string, string[]> = {};
                request.getPropertydependenciesMap().forEach((dependencies, property) => { propertyDependencies[property] = dependencies.getUrnsList(); });
                this.registrations.push({
                    type: request.getType(),
                    name: request.getName(),
                    urn,
                    parentUrn: request.getParent(),
                    custom: request.getCustom(),
                    inputs,
                    dependencies: request.getDependenciesList(),
                    propertyDependencies,
                });
                const response = new resourcePb.RegisterResourceResponse().setUrn(urn);
                if (request.getCustom()) response.setObject(Struct.fromJavaScript(inputs as never));
                reply(null, response);
            },
            registerResourceOutputs: (_call, reply) => reply(null, new Empty()),
            invoke: (call, reply) => {
                try {
                    const args = unwrapSecrets(call.request.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
                    const answer = answerInvoke(call.request.getTok(), args);
                    reply(null, new resourcePb.ResourceInvokeResponse().setReturn(Struct.fromJavaScript(answer as never)));
                } catch (error) {
                    reply({ code: grpc.status.UNKNOWN, details: (error as Error).message });
                }
            },
            signalAndWaitForShutdown: (_call, reply) => reply(null, new Empty()),
        };
    }

    private engine(): Pick<engineRpc.IEngineServer, "log" | "getRootResource" | "setRootResource"> {
        return {
            log: (call, reply) => {
                const severity = Object.entries(enginePb.LogSeverity).find(([, value]) => value === call.request.getSeverity())?.[0] ?? "UNKNOWN";
                this.logs.push({ severity, message: call.request.getMessage(), urn: call.request.getUrn() });
                reply(null, new Empty());
            },
            getRootResource: (_call, reply) => reply(null, new enginePb.GetRootResourceResponse().setUrn(this.rootUrn)),
            setRootResource: (call, reply) => {
                this.rootUrn = call.request.getUrn();
                reply(null, new enginePb.SetRootResourceResponse());
            },
        };
    }
}
