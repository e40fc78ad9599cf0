import * as pulumi from "@pulumi/pulumi";
import { awsMockOutputs } from "./clouds/aws";
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
    /** The inputs as the provider would receive them (outputs of other resources resolved). */
    readonly inputs: Record<string, unknown>;
}

type OutputsFor = (name: string, inputs: Record<string, unknown>) => Record<string, unknown>;

/** Per-cloud fake provider outputs, merged by the recorder. */
export interface MockOutputs {
    readonly resources: Readonly<Record<string, OutputsFor>>;
    readonly calls: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>>;
}

const CLOUDS: readonly MockOutputs[] = [awsMockOutputs, gcpMockOutputs];

/**
 * Pulumi mocks that record every registered resource, with its parent, and answer with the inputs
 * plus plausible provider outputs (ids, ARNs, URLs) from `clouds/`.
 */
export class ResourceRecorder implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    /** Inputs seen by `newResource`, waiting for the registration's URN; keyed by type and name. */
    private readonly pendingInputs = new Map<string, Record<string, unknown>>();

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        const outputs = CLOUDS.map((cloud) => cloud.resources[args.type]).find((found) => found !== undefined);
        const inputs = args.inputs as Record<string, unknown>;
        this.pendingInputs.set(`${args.type}\0${args.name}`, inputs);
        return {
            id: args.custom === false ? undefined : `${args.name}-id`,
            state: { ...inputs, name: inputs["name"] ?? args.name, ...outputs?.(args.name, inputs) },
        };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const answer = CLOUDS.map((cloud) => cloud.calls[args.token]).find((found) => found !== undefined);
        if (answer === undefined) throw new Error(`no mock answer for invoke ${args.token}; add one to test/harness/clouds/`);
        return answer(args.inputs as Record<string, unknown>);
    }

    /** Hooks the mock monitor so each registration is recorded with its URN and its parent's URN. */
    attach(): void {
        const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: RegisterResource };
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
}
interface RegisterResponse {
    getUrn(): string;
}
type RegisterResource = (request: RegisterRequest, callback: (error: Error | null, response?: RegisterResponse) => void) => void;
