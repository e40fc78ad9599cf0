import type { ServerResponse } from "node:http";
import { type Loopback, type RecordedRequest, startScriptedServer } from "../smoke/helpers/loopback";
import { expectedSignature, parseSigV4 } from "../smoke/helpers/sigv4";

// A loopback fake of the SageMaker control-plane API (JSON 1.1: `POST /`, `X-Amz-Target: SageMaker.<Action>`),
// holding models, endpoint configs and endpoints, and refusing what SageMaker refuses:
//  - a request whose SigV4 signature (service `sagemaker`) does not verify: 403 InvalidSignatureException;
//  - UpdateEndpoint while the endpoint is not InService ("Cannot update in-progress endpoint");
//  - UpdateEndpoint to a config that does not exist, or to one whose variant names differ under a
//    blue/green DeploymentConfig ("your new endpoint configuration must have the same variant name as the old
//    endpoint configuration", SageMaker Developer Guide, "Deployment guardrails: Exclusions");
//  - a canary above 50% of the fleet ("CanarySize ... must be less than or equal to 50% of the variant's total
//    instance count", API reference "TrafficRoutingConfig");
//  - an instance-type change of a variant registered as an autoscaling target ("Update endpoints that use auto
//    scaling": "If the update would change the instance type for any model that is a target for auto scaling,
//    the update fails");
//  - DescribeEndpoint / Delete* of a name that does not exist (ValidationException "Could not find ...").
// And it behaves as SageMaker does: an update ends with DesiredInstanceCount reset to the new config's
// InitialInstanceCount unless RetainAllVariantProperties is true ("UpdateEndpoint", API reference); an armed
// rollback ends the update InService on the *old* config (blue/green auto-rollback).

export const FAKE_REGION = "us-east-1";
export const FAKE_CREDENTIALS = { accessKeyId: "AKIAFAKESAGEMAKER", secretAccessKey: "fake-secret-for-loopback-only" };
const ARN = (kind: string, name: string) => `arn:aws:sagemaker:${FAKE_REGION}:123456789012:${kind}/${name}`;

export interface FakeVariant { VariantName: string; ModelName: string; InstanceType?: string; InitialInstanceCount?: number; ServerlessConfig?: object }
interface FakeEndpoint {
    name: string;
    config: string;
    status: "InService" | "Updating" | "Failed";
    desiredCount?: number;
    pending?: { config: string; retain: boolean; pollsLeft: number; rollback: boolean };
}

export interface RecordedSageMakerCall { action: string; body: Record<string, unknown> }

class ApiError extends Error {
    constructor(readonly status: number, readonly type: string, message: string) { super(message); }
}

export class FakeSageMakerApi {
    readonly calls: RecordedSageMakerCall[] = [];
    readonly models = new Set<string>();
    readonly configs = new Map<string, FakeVariant[]>();
    readonly endpoints = new Map<string, FakeEndpoint>();
    /** Application Auto Scaling resource ids registered as scalable targets: `endpoint/<name>/variant/<variant>`. */
    readonly scalableTargets = new Set<string>();
    /** DescribeEndpoint polls an update takes. */
    pollsUntilDone = 2;
    /** The next update rolls back (an auto-rollback alarm fires during the bake). */
    rollbackNextUpdate = false;
    baseUrl = "";
    private server?: Loopback;

    async start(): Promise<this> {
        this.server = await startScriptedServer((request, res) => this.handle(request, res));
        this.baseUrl = this.server.base;
        return this;
    }

    async stop(): Promise<void> {
        await this.server?.close();
    }

    /** A model and config, as aws.sagemaker.Model and EndpointConfiguration would have created them. */
    addConfig(config: string, variant: FakeVariant): void {
        this.models.add(variant.ModelName);
        this.configs.set(config, [variant]);
    }

    /** An endpoint InService on `config`, as aws.sagemaker.Endpoint would have created it. */
    addEndpoint(name: string, config: string): void {
        const variant = this.configs.get(config)![0]!;
        this.endpoints.set(name, { name, config, status: "InService", ...(variant.InitialInstanceCount ? { desiredCount: variant.InitialInstanceCount } : {}) });
    }

    actions(): string[] {
        return this.calls.map((call) => call.action);
    }

    private handle(request: RecordedRequest, res: ServerResponse): void {
        const { headers, body } = request;
        const answer = (status: number, payload: unknown) => {
            res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
            res.end(JSON.stringify(payload));
        };
        try {
            const sig = parseSigV4(headers["authorization"]);
            if (!sig || sig.service !== "sagemaker" || sig.accessKeyId !== FAKE_CREDENTIALS.accessKeyId
                || expectedSignature(request, FAKE_CREDENTIALS.secretAccessKey) !== sig.signature) {
                throw new ApiError(403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
            }
            const target = headers["x-amz-target"] ?? "";
            if (request.method !== "POST" || !target.startsWith("SageMaker.") || !headers["content-type"]?.startsWith("application/x-amz-json-1.1")) {
                throw new ApiError(400, "UnknownOperationException", `not a SageMaker JSON 1.1 call: ${request.method} ${target}`);
            }
            const action = target.slice("SageMaker.".length);
            const input = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
            this.calls.push({ action, body: input });
            answer(200, this.dispatch(action, input));
        } catch (err) {
            if (err instanceof ApiError) answer(err.status, { __type: err.type, message: err.message });
            else answer(500, { __type: "InternalFailure", message: String(err) });
        }
    }

    private endpoint(name: unknown): FakeEndpoint {
        const endpoint = this.endpoints.get(String(name));
        if (!endpoint) throw new ApiError(400, "ValidationException", `Could not find endpoint "${ARN("endpoint", String(name))}".`);
        return endpoint;
    }

    private dispatch(action: string, input: Record<string, unknown>): unknown {
        switch (action) {
            case "DescribeEndpoint": return this.describe(this.endpoint(input["EndpointName"]));
            case "UpdateEndpoint": return this.update(input);
            case "ListEndpoints": {
                // Two per page, so callers must follow NextToken.
                const names = [...this.endpoints.keys()].sort();
                const start = Number(input["NextToken"] ?? 0);
                const page = names.slice(start, start + 2);
                return { Endpoints: page.map((EndpointName) => ({ EndpointName })), ...(start + 2 < names.length ? { NextToken: String(start + 2) } : {}) };
            }
            case "DescribeEndpointConfig": {
                const name = String(input["EndpointConfigName"]);
                const variants = this.configs.get(name);
                if (!variants) throw new ApiError(400, "ValidationException", `Could not find endpoint configuration "${ARN("endpoint-config", name)}".`);
                return { EndpointConfigName: name, ProductionVariants: variants };
            }
            case "DeleteEndpointConfig": {
                const name = String(input["EndpointConfigName"]);
                if (!this.configs.delete(name)) throw new ApiError(400, "ValidationException", `Could not find endpoint configuration "${ARN("endpoint-config", name)}".`);
                return {};
            }
            case "DeleteModel": {
                const name = String(input["ModelName"]);
                if (!this.models.delete(name)) throw new ApiError(400, "ValidationException", `Could not find model "${ARN("model", name)}".`);
                return {};
            }
            default: throw new ApiError(400, "UnknownOperationException", `the fake does not serve ${action}`);
        }
    }

    private describe(endpoint: FakeEndpoint): unknown {
        if (endpoint.pending && --endpoint.pending.pollsLeft <= 0) {
            const { config, retain, rollback } = endpoint.pending;
            endpoint.pending = undefined;
            endpoint.status = "InService";
            if (!rollback) {
                endpoint.config = config;
                const initial = this.configs.get(config)![0]!.InitialInstanceCount;
                if (!retain && initial !== undefined) endpoint.desiredCount = initial;
            }
        }
        return {
            EndpointName: endpoint.name,
            EndpointArn: ARN("endpoint", endpoint.name),
            EndpointConfigName: endpoint.config,
            EndpointStatus: endpoint.status,
            ProductionVariants: this.configs.get(endpoint.config)?.map((variant) => ({
                VariantName: variant.VariantName,
                ...(endpoint.desiredCount !== undefined ? { CurrentInstanceCount: endpoint.desiredCount, DesiredInstanceCount: endpoint.desiredCount } : {}),
            })),
            ...(endpoint.pending ? { PendingDeploymentSummary: { EndpointConfigName: endpoint.pending.config } } : {}),
        };
    }

    private update(input: Record<string, unknown>): unknown {
        const endpoint = this.endpoint(input["EndpointName"]);
        if (endpoint.status !== "InService") {
            throw new ApiError(400, "ValidationException", `Cannot update in-progress endpoint "${ARN("endpoint", endpoint.name)}".`);
        }
        const configName = String(input["EndpointConfigName"]);
        const next = this.configs.get(configName);
        if (!next) throw new ApiError(400, "ValidationException", `Could not find endpoint configuration "${ARN("endpoint-config", configName)}".`);
        const live = this.configs.get(endpoint.config)!;
        const deployment = input["DeploymentConfig"] as { BlueGreenUpdatePolicy?: { TrafficRoutingConfiguration?: { Type?: string; CanarySize?: { Type: string; Value: number } } } } | undefined;
        const routing = deployment?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration;
        if (routing && next.map((v) => v.VariantName).join() !== live.map((v) => v.VariantName).join()) {
            throw new ApiError(400, "ValidationException", "For a blue/green deployment the new endpoint configuration must have the same variant names as the old one.");
        }
        if (routing?.Type === "CANARY" && routing.CanarySize?.Type === "CAPACITY_PERCENT" && routing.CanarySize.Value > 50) {
            throw new ApiError(400, "ValidationException", `CanarySize ${routing.CanarySize.Value}% is more than 50% of the variant's instance count.`);
        }
        for (const variant of next) {
            const old = live.find((candidate) => candidate.VariantName === variant.VariantName);
            if (old && old.InstanceType !== variant.InstanceType && this.scalableTargets.has(`endpoint/${endpoint.name}/variant/${variant.VariantName}`)) {
                throw new ApiError(400, "ValidationException", `The variant ${variant.VariantName} is registered as an autoscaling target; deregister it before changing its instance type.`);
            }
        }
        endpoint.status = "Updating";
        endpoint.pending = { config: configName, retain: input["RetainAllVariantProperties"] === true, pollsLeft: this.pollsUntilDone, rollback: this.rollbackNextUpdate };
        this.rollbackNextUpdate = false;
        return { EndpointArn: ARN("endpoint", endpoint.name) };
    }
}
