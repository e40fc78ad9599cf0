import * as pulumi from "@pulumi/pulumi";

// Azure cannot change an online deployment's instance type in place: "today deployment update can't
// change instance type. The recommended behavior is … deploy a new deployment, move traffic there, and
// delete the old one" (Azure ML maintainer, Azure/AML-Kubernetes#247). azure-native would send the new
// type in an ordinary PUT and Azure would fail it mid-`up`. This resource, one per deployment colour,
// sees the previous instance type in `check` (olds are the inputs of the last successful `up`) and
// refuses the change at preview, with the blue/green steps that do it.

export interface InstanceTypeGuardInputs {
    /** The component's name, for the message. */
    readonly component: string;
    /** `blue` or `green`. */
    readonly deployment: string;
    readonly instanceType: string;
    /** The stack key to name in the message, e.g. `targets.azureml.instanceType` or `liveInstanceType`. */
    readonly configKey: string;
}

/** Why an instance-type change of `deployment` is refused, with the steps that do it; `undefined` when nothing changed. */
export function azureInstanceTypeChangeRefusal(olds: Partial<InstanceTypeGuardInputs>, news: InstanceTypeGuardInputs): string | undefined {
    if (olds.instanceType === undefined || olds.instanceType.toLowerCase() === news.instanceType.toLowerCase()) return undefined;
    const other = news.deployment === "blue" ? "green" : "blue";
    return `${news.component}: ${news.configKey} "${news.instanceType}" would change deployment "${news.deployment}" from "${olds.instanceType}" in place, `
        + `which Azure ML cannot do (Azure/AML-Kubernetes#247: create a new deployment, move traffic to it, delete the old one). Steps: `
        + `(1) set liveInstanceType: ${olds.instanceType}, instanceType: ${news.instanceType} and rollout.strategy: blue-green, and run up (the "${other}" deployment starts on ${news.instanceType} beside "${news.deployment}"); `
        + `(2) set liveDeployment: ${other}, remove liveInstanceType, set rollout.strategy: all-at-once, and run up (traffic moves to "${other}", then "${news.deployment}" is deleted)`;
}

/** The dynamic provider behind `InstanceTypeGuard`: no cloud calls, only the comparison in `check`. */
export function instanceTypeGuardProvider(): pulumi.dynamic.ResourceProvider<InstanceTypeGuardInputs, InstanceTypeGuardInputs> {
    return {
        async check(olds, news) {
            const refusal = azureInstanceTypeChangeRefusal(olds ?? {}, news);
            return refusal ? { failures: [{ property: "instanceType", reason: refusal }] } : { inputs: news };
        },
        async create(inputs) {
            return { id: `${inputs.component}/${inputs.deployment}/instance-type`, outs: inputs };
        },
        async diff(_id, olds, news) {
            const keys = ["component", "deployment", "instanceType", "configKey"] as const;
            return { changes: keys.some((key) => olds[key] !== news[key]) };
        },
        async update(_id, _olds, news) {
            return { outs: news };
        },
    };
}

/**
 * Refuses, at preview, an `up` that would change a deployment's instance type in place. The deployment
 * depends on it, so nothing is sent to Azure when it refuses.
 */
export class InstanceTypeGuard extends pulumi.dynamic.Resource {
    constructor(name: string, args: InstanceTypeGuardInputs, opts?: pulumi.CustomResourceOptions) {
        super(instanceTypeGuardProvider(), name, { ...args }, opts, "ml-endpoints", "InstanceTypeGuard");
    }
}
