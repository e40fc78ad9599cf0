import * as pulumi from "@pulumi/pulumi";
import type { DescribedEndpoint, SageMakerApi } from "./sagemaker-api";
import { isSageMakerApiError, sageMakerApi } from "./sagemaker-api";

// SageMakerConfigRollout: the one owner of which endpoint config a SageMaker endpoint runs, after its creation.
// `aws.sagemaker.Endpoint` creates and deletes the endpoint but ignores changes of `endpointConfigName` and
// `deploymentConfig`; this dynamic provider makes the update itself, because the provider's cannot:
//  - it sends no RetainAllVariantProperties (terraform-provider-aws PR #49069), so every deploy resets the
//    autoscaled fleet to the config's InitialInstanceCount ("UpdateEndpoint", API reference);
//  - its waiter accepts InService after an alarm rollback without checking EndpointConfigName
//    (terraform-provider-aws#48997), and Pulumi then deletes the config and model the endpoint still runs on;
//  - `deployment_config.auto_rollback_configuration` is ForceNew (terraform-provider-aws
//    internal/service/sagemaker/endpoint.go), so toggling autoRollback or replacing an alarm replaced a
//    fixed-name endpoint, and CreateEndpoint failed with "Cannot create already existing endpoint".
// The Model and EndpointConfiguration resources are `retainOnDelete`: Pulumi never deletes them. This provider
// retires a superseded config and model once the endpoint verifiably runs the new one and no endpoint uses them.

/** The marker prop that tells this dynamic resource apart from others (all have type `pulumi-nodejs:dynamic:Resource`). */
export const SAGEMAKER_ROLLOUT_KIND = "ml-endpoints:aws:SageMakerConfigRollout";

/** The inputs as the provider sees them: plain values. */
export interface SageMakerConfigRolloutInputs {
    readonly kind: typeof SAGEMAKER_ROLLOUT_KIND;
    readonly region: string;
    /** The API's base URL; tests point it at a loopback fake. Default: the regional endpoint. */
    readonly apiEndpoint?: string;
    readonly endpointName: string;
    /** The config the endpoint must run. */
    readonly endpointConfigName: string;
    /** The model that config serves (retired with the config once superseded). */
    readonly modelName: string;
    /** The variant's instance type; absent for serverless. */
    readonly instanceType?: string;
    /** Whether the variant is an Application Auto Scaling target (its instance count is then the autoscaler's). */
    readonly autoscaled: boolean;
    /** UpdateEndpoint's `DeploymentConfig`, in the API's own shape; absent for all-at-once. */
    readonly deploymentConfig?: Record<string, unknown>;
    readonly pollMs: number;
    readonly timeoutSeconds: number;
}

export interface SageMakerConfigRolloutOutputs extends SageMakerConfigRolloutInputs {
    /** The configs and models this resource deleted after they were superseded (the last update's), or why it could not. */
    readonly retired: string[];
}

/** The steps AWS documents for an instance-type change of an autoscaled variant, spelled out in our config keys. */
export function sagemakerInstanceTypeChangeRefusal(endpointName: string, from: string, to: string): string {
    return `SageMaker endpoint ${endpointName}: instanceType ${from} → ${to} is refused: the variant is an autoscaling target, and ` +
        `"if the update would change the instance type for any model that is a target for auto scaling, the update fails" ` +
        `(SageMaker Developer Guide, "Update endpoints that use auto scaling"). Do it in three updates: ` +
        `(1) set scaling.maxInstances equal to scaling.minInstances (no autoscaling: the scalable target is deregistered) and run pulumi up; ` +
        `(2) change instanceType to ${to} and run pulumi up; (3) restore scaling.maxInstances and run pulumi up.`;
}

/** The message when the endpoint does not run the config we asked for once it is InService again. */
export function rollbackMessage(endpointName: string, live: string, requested: string): string {
    return `SageMaker endpoint ${endpointName} rolled back: it runs endpoint config ${live}, not ${requested} ` +
        `(an auto-rollback alarm fired during the blue/green bake, or the new fleet failed). ${live} and its model are kept; ` +
        `fix the model or image and run pulumi up again (terraform-provider-aws#48997).`;
}

/** Provider internals, exported for the tests: each takes its API client, so they run against the loopback fake. */
export const rollout = {
    /** Polls DescribeEndpoint until the endpoint is no longer in a transitional state; `undefined` when it does not exist. */
    async settle(api: SageMakerApi, inputs: Pick<SageMakerConfigRolloutInputs, "endpointName" | "pollMs" | "timeoutSeconds">): Promise<DescribedEndpoint | undefined> {
        const deadline = Date.now() + inputs.timeoutSeconds * 1000;
        for (;;) {
            let endpoint: DescribedEndpoint;
            try {
                endpoint = await api.call<DescribedEndpoint>("DescribeEndpoint", { EndpointName: inputs.endpointName });
            } catch (err) {
                // SageMaker answers a missing endpoint with ValidationException "Could not find endpoint".
                if (isSageMakerApiError(err, "ValidationException") && /could not find endpoint/i.test(err.message)) return undefined;
                throw err;
            }
            if (!["Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting", "UpdateRollbackFailed"].includes(endpoint.EndpointStatus)) return endpoint;
            if (Date.now() > deadline) {
                throw new Error(`SageMaker endpoint ${inputs.endpointName} is still ${endpoint.EndpointStatus} after ${inputs.timeoutSeconds} s`);
            }
            await new Promise((resolve) => setTimeout(resolve, inputs.pollMs));
        }
    },

    /** SageMaker's answer for a name that does not exist (or no longer): ValidationException "Could not find …". */
    notFound(err: unknown): boolean {
        return isSageMakerApiError(err, "ValidationException") && /could not find/i.test(err.message);
    },

    /**
     * Configs and models that some endpoint in the region runs or is moving to. `models` is `undefined` when an
     * in-use config cannot be described (deleted by hand): then no model can be proven unused.
     */
    async inUse(api: SageMakerApi): Promise<{ configs: Set<string>; models?: Set<string> }> {
        const configs = new Set<string>();
        let token: string | undefined;
        do {
            const page = await api.call<{ Endpoints: { EndpointName: string }[]; NextToken?: string }>("ListEndpoints", { MaxResults: 100, ...(token ? { NextToken: token } : {}) });
            for (const { EndpointName } of page.Endpoints) {
                let endpoint: DescribedEndpoint;
                try {
                    endpoint = await api.call<DescribedEndpoint>("DescribeEndpoint", { EndpointName });
                } catch (err) {
                    if (rollout.notFound(err)) continue; // deleted since the listing
                    throw err;
                }
                configs.add(endpoint.EndpointConfigName);
                if (endpoint.PendingDeploymentSummary?.EndpointConfigName) configs.add(endpoint.PendingDeploymentSummary.EndpointConfigName);
            }
            token = page.NextToken;
        } while (token);
        const models = new Set<string>();
        for (const config of configs) {
            try {
                const described = await api.call<{ ProductionVariants: { ModelName: string }[] }>("DescribeEndpointConfig", { EndpointConfigName: config });
                for (const variant of described.ProductionVariants) models.add(variant.ModelName);
            } catch (err) {
                if (rollout.notFound(err)) return { configs };
                throw err;
            }
        }
        return { configs, models };
    },

    /** Deletes each config, then each model, that no endpoint uses; returns what it deleted. */
    async retireUnused(api: SageMakerApi, configs: string[], models: string[]): Promise<string[]> {
        if (configs.length === 0 && models.length === 0) return [];
        const used = await rollout.inUse(api);
        const retired: string[] = [];
        const deleteIfPresent = async (action: string, body: Record<string, string>, name: string) => {
            try {
                await api.call(action, body);
                retired.push(name);
            } catch (err) {
                if (!rollout.notFound(err)) throw err;
            }
        };
        for (const config of configs.filter((name) => !used.configs.has(name))) {
            await deleteIfPresent("DeleteEndpointConfig", { EndpointConfigName: config }, config);
        }
        for (const model of models.filter((name) => used.models !== undefined && !used.models.has(name))) {
            await deleteIfPresent("DeleteModel", { ModelName: model }, model);
        }
        return retired;
    },

    /**
     * Makes the endpoint run `inputs.endpointConfigName`, keeping the autoscaled instance count, and verifies it did;
     * then retires `previous`'s config and model when nothing uses them. No endpoint yet (first create): nothing to do.
     */
    async switchTo(api: SageMakerApi, inputs: SageMakerConfigRolloutInputs, previous?: SageMakerConfigRolloutInputs): Promise<string[]> {
        const current = await rollout.settle(api, inputs);
        if (current === undefined) return [];
        if (current.EndpointConfigName !== inputs.endpointConfigName) {
            await api.call("UpdateEndpoint", {
                EndpointName: inputs.endpointName,
                EndpointConfigName: inputs.endpointConfigName,
                // The live DesiredInstanceCount is the autoscaler's; keep it. Data capture follows the new config.
                ...(inputs.autoscaled
                    ? { RetainAllVariantProperties: true, ExcludeRetainedVariantProperties: [{ VariantPropertyType: "DataCaptureConfig" }] }
                    : {}),
                ...(inputs.deploymentConfig ? { DeploymentConfig: inputs.deploymentConfig } : {}),
            });
            const after = await rollout.settle(api, inputs);
            if (after === undefined) throw new Error(`SageMaker endpoint ${inputs.endpointName} disappeared during its update`);
            if (after.EndpointStatus === "Failed") {
                throw new Error(`SageMaker endpoint ${inputs.endpointName} failed updating to ${inputs.endpointConfigName}: ${after.FailureReason ?? "no reason given"}`);
            }
            if (after.EndpointConfigName !== inputs.endpointConfigName) {
                throw new Error(rollbackMessage(inputs.endpointName, after.EndpointConfigName, inputs.endpointConfigName));
            }
        }
        if (previous === undefined) return [];
        // The endpoint runs the new config: a failed clean-up must not fail the deploy. What is left is named.
        try {
            return await rollout.retireUnused(
                api,
                previous.endpointConfigName !== inputs.endpointConfigName ? [previous.endpointConfigName] : [],
                previous.modelName !== inputs.modelName ? [previous.modelName] : [],
            );
        } catch (err) {
            return [`not retired (${previous.endpointConfigName}, ${previous.modelName}): ${(err as Error).message}`];
        }
    },
};

const apiFor = (inputs: Pick<SageMakerConfigRolloutInputs, "region" | "apiEndpoint">) =>
    sageMakerApi({ region: inputs.region, ...(inputs.apiEndpoint ? { endpoint: inputs.apiEndpoint } : {}) });

/** What a change of inputs does: only a new endpoint name replaces; a config change is an UpdateEndpoint. */
export function rolloutDiff(olds: SageMakerConfigRolloutInputs, news: SageMakerConfigRolloutInputs): pulumi.dynamic.DiffResult {
    if (olds.endpointName !== news.endpointName) return { changes: true, replaces: ["endpointName"], deleteBeforeReplace: false };
    const configChanges = olds.endpointConfigName !== news.endpointConfigName;
    if (configChanges && olds.autoscaled && olds.instanceType !== undefined && news.instanceType !== undefined && olds.instanceType !== news.instanceType) {
        throw new Error(sagemakerInstanceTypeChangeRefusal(news.endpointName, olds.instanceType, news.instanceType));
    }
    const fields = ["endpointConfigName", "modelName", "instanceType", "autoscaled", "deploymentConfig", "region", "apiEndpoint", "pollMs", "timeoutSeconds"] as const;
    const changed = fields.filter((field) => JSON.stringify(olds[field]) !== JSON.stringify(news[field]));
    return { changes: changed.length > 0, replaces: [], stables: ["endpointName"] };
}

export const sageMakerRolloutProvider: pulumi.dynamic.ResourceProvider<SageMakerConfigRolloutInputs, SageMakerConfigRolloutOutputs> = {
    async diff(_id, olds, news) {
        return rolloutDiff(olds, news);
    },
    // Also on create: an endpoint that already exists (a stack adopting this resource) is brought to the config.
    async create(inputs) {
        const retired = await rollout.switchTo(apiFor(inputs), inputs);
        return { id: inputs.endpointName, outs: { ...inputs, retired } };
    },
    async update(_id, olds, news) {
        // A DeploymentConfig alone changes nothing live: it is sent with the next UpdateEndpoint.
        const retired = olds.endpointConfigName === news.endpointConfigName && olds.modelName === news.modelName
            ? []
            : await rollout.switchTo(apiFor(news), news, olds);
        return { outs: { ...news, retired } };
    },
    // Runs after the endpoint's own delete (the endpoint depends on this resource): the config and model go once unused.
    async delete(_id, olds) {
        const api = apiFor(olds);
        await rollout.settle(api, olds);
        await rollout.retireUnused(api, [olds.endpointConfigName], [olds.modelName]);
    },
};

export interface SageMakerConfigRolloutArgs {
    readonly region: pulumi.Input<string>;
    readonly apiEndpoint?: string;
    readonly endpointName: pulumi.Input<string>;
    readonly endpointConfigName: pulumi.Input<string>;
    readonly modelName: pulumi.Input<string>;
    readonly instanceType?: pulumi.Input<string>;
    readonly autoscaled: boolean;
    readonly deploymentConfig?: pulumi.Input<Record<string, unknown>>;
    /** Seconds between DescribeEndpoint polls. Default: 30. */
    readonly pollSeconds?: number;
    /** Seconds an update may take, blue/green bake and termination wait included. Default: 7200. */
    readonly timeoutSeconds?: number;
}

export class SageMakerConfigRollout extends pulumi.dynamic.Resource {
    declare public readonly endpointConfigName: pulumi.Output<string>;
    declare public readonly retired: pulumi.Output<string[]>;

    constructor(name: string, args: SageMakerConfigRolloutArgs, opts?: pulumi.CustomResourceOptions) {
        super(sageMakerRolloutProvider, name, {
            kind: SAGEMAKER_ROLLOUT_KIND,
            ...args,
            pollMs: (args.pollSeconds ?? 30) * 1000,
            timeoutSeconds: args.timeoutSeconds ?? 7200,
            pollSeconds: undefined,
            retired: undefined,
        }, opts, "ml-endpoints", "SageMakerConfigRollout");
    }
}
