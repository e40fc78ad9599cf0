import * as pulumi from "@pulumi/pulumi";
import { awsMockOutputs } from "./clouds/aws";
import { azureMockOutputs } from "./clouds/azure";
import { gcpMockOutputs } from "./clouds/gcp";

/** A resource the program registered under mocks. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The parent's URN; `undefined` for top-level resources. */
    readonly parentUrn?: string;
    /** The parent's name, for the plan; `undefined` for top-level resources. */
    parent?: string;
    /** False for component resources. */
    readonly custom: boolean;
    /** The inputs as the provider would receive them (outputs of other resources resolved; at preview, unknowns as `UNKNOWN`). */
    readonly inputs: Record<string, unknown>;
    /** URNs of the resources this one depends on, as the engine passes them to stack policies. */
    readonly dependencies: string[];
    /** Per input property, the URNs its value came from. */
    readonly propertyDependencies: Record<string, string[]>;
    /** The id the provider answered (`undefined` for components, and for custom resources at preview). */
    readonly id?: string;
    /** The resource options the engine receives that change a plan's update, replace and delete steps. */
    readonly options: RecordedOptions;
}

export interface RecordedOptions {
    readonly ignoreChanges: string[];
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly protect: boolean;
    readonly replaceOnChanges: string[];
}

/** The options the plan diff reads (the same record). */
export type ResourceOptionsSeen = RecordedOptions;

/** The type of the engine's root resource, which never appears in its children's URNs. */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The URN the engine gives a resource: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, where the
 * qualified type is the parent's whole qualified type, `$`, then the resource's type; a top-level resource
 * (no parent, or the root stack as parent) has its type alone. pulumi/pulumi pkg/resource/deploy/deployment.go
 * `generateURN` (parent.QualifiedType(), the root stack type skipped) and pkg/resource/urn.go `NewURN`.
 * The SDK's mocks use only the parent's last type segment, so a grandchild's URN differs from the engine's.
 */
export function engineUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    const parentType = parentUrn ? parentUrn.split("::")[2]! : "";
    const qualifiedType = parentType === "" || parentType === ROOT_STACK_TYPE ? type : `${parentType}$${type}`;
    return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/**
 * Pulumi's unknown-value sentinel on the wire. It is also `@pulumi/policy`'s `unknownStringValue`, so a
 * policy that reads it through `unknownCheckingProxy` fails with `UnknownValueError`, as under the CLI.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type OutputsFor = (name: string, inputs: Record<string, unknown>) => Record<string, unknown>;

/** Per-cloud fake provider outputs, merged by the recorder. */
export interface MockOutputs {
    readonly resources: Readonly<Record<string, OutputsFor>>;
    readonly calls: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>>;
}

const CLOUDS: readonly MockOutputs[] = [awsMockOutputs, gcpMockOutputs, azureMockOutputs];

/** The fake answer to an invoke (`aws:index/getCallerIdentity:getCallerIdentity`, …), shared with the host test's stand-in engine. */
export function answerInvoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const answer = CLOUDS.map((cloud) => cloud.calls[token]).find((found) => found !== undefined);
    if (answer === undefined) throw new Error(`no mock answer for invoke ${token}; add one to test/harness/clouds/`);
    return answer(inputs);
}

/**
 * Pulumi mocks that record every registered resource, with its parent, and answer with the inputs
 * plus plausible provider outputs (ids, ARNs, URLs) from `clouds/`.
 */
export class ResourceRecorder implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];

    /**
     * @param preview Answer as a preview does: outputs a provider computes (ids, ARNs, digests) are unknown;
     * only the inputs and `name` (autonamed at check time, so known at preview) come back known.
     */
    constructor(private readonly preview = false) {}

    /** Inputs seen by `newResource`, waiting for the registration's URN; keyed by type and name. */
    private readonly pendingInputs = new Map<string, Record<string, unknown>>();

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        const outputs = CLOUDS.map((cloud) => cloud.resources[args.type]).find((found) => found !== undefined);
        const inputs = withUnknownSentinels(args.inputs) as Record<string, unknown>;
        this.pendingInputs.set(`${args.type}\0${args.name}`, inputs);
        const computed = outputs?.(args.name, args.inputs as Record<string, unknown>) ?? {};
        if (this.preview) {
            // An empty id and the unknown sentinel both deserialize to unknown outputs while previewing.
            const unknowns = Object.fromEntries(Object.keys(computed).filter((key) => key !== "name" && !(key in inputs)).map((key) => [key, UNKNOWN]));
            return { id: undefined, state: { ...args.inputs, name: inputs["name"] ?? args.name, ...unknowns } };
        }
        return {
            // A cloud may answer with the id the provider would assign (e.g. an ARM id); otherwise `<name>-id`.
            id: args.custom === false ? undefined : String(computed["id"] ?? `${args.name}-id`),
            state: { ...inputs, name: inputs["name"] ?? args.name, ...computed },
        };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return answerInvoke(args.token, args.inputs as Record<string, unknown>);
    }

    /**
     * Hooks the mock monitor so that it names resources as the engine does, and so that each registration is
     * recorded with its URN, its parent's URN, its dependencies and its id.
     */
    attach(): void {
        const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: RegisterResource; newUrn: NewUrn };
        monitor.newUrn = (parent, type, name) => engineUrn(pulumi.getStack(), pulumi.getProject(), parent, type, name);
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (request, callback) => register(request, (error, response) => {
            const key = `${request.getType()}\0${request.getName()}`;
            const inputs = this.pendingInputs.get(key) ?? {};
            this.pendingInputs.delete(key);
            if (!error && response) {
                this.resources.push({
                    type: request.getType(),
                    name: request.getName(),
                    urn: response.getUrn(),
                    parentUrn: request.getParent() || undefined,
                    custom: request.getCustom(),
                    inputs,
                    dependencies: request.getDependenciesList(),
                    propertyDependencies: propertyDependenciesOf(request),
                    id: response.getId() || undefined,
                    options: {
                        ignoreChanges: request.getIgnorechangesList(),
                        retainOnDelete: request.getRetainondelete() === true,
                        deleteBeforeReplace: request.getDeletebeforereplace(),
                        protect: request.getProtect() === true,
                        replaceOnChanges: request.getReplaceonchangesList(),
                    },
                });
            }
            callback(error, response);
        });
    }

    /** Fills in each record's parent name once every resource is registered. */
    linkParents(): void {
        const names = new Map(this.resources.map((resource) => [resource.urn, resource.name]));
        for (const resource of this.resources) {
            resource.parent = resource.parentUrn ? names.get(resource.parentUrn) : undefined;
        }
    }
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getDependenciesList(): string[];
    getIgnorechangesList(): string[];
    getRetainondelete(): boolean | undefined;
    getDeletebeforereplace(): boolean;
    getProtect(): boolean | undefined;
    getReplaceonchangesList(): string[];
    getPropertydependenciesMap(): { forEach(visit: (dependencies: { getUrnsList(): string[] }, property: string) => void): void };
}
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
}
type NewUrn = (parent: string | undefined, type: string, name: string) => string;
type RegisterResource = (request: RegisterRequest, callback: (error: Error | null, response?: RegisterResponse) => void) => void;

/** Replaces the SDK's in-memory unknown (what mocks see for an unknown input at preview) with the wire sentinel. */
function withUnknownSentinels(value: unknown): unknown {
    if (pulumi.Output.isInstance(value) || pulumi.isUnknown(value)) return UNKNOWN;
    if (Array.isArray(value)) return value.map(withUnknownSentinels);
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, withUnknownSentinels(child)]));
    }
    return value;
}

function propertyDependenciesOf(request: RegisterRequest): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((dependencies, property) => { result[property] = dependencies.getUrnsList(); });
    return result;
}
