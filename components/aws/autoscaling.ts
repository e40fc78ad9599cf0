import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedScaling } from "../settings";

// Application Auto Scaling, the same way for every AWS target: a scalable target between the resolved
// bounds and one target-tracking policy on a predefined metric, with the resolved cooldowns.

export interface TargetTrackingArgs {
    /** `sagemaker`, `lambda`, … */
    readonly serviceNamespace: string;
    /** e.g. `endpoint/<name>/variant/<variant>`, `function:<name>:<alias>`. */
    readonly resourceId: pulumi.Input<string>;
    /** e.g. `sagemaker:variant:DesiredInstanceCount`, `lambda:function:ProvisionedConcurrency`. */
    readonly scalableDimension: string;
    /** The predefined metric tracked, e.g. `SageMakerVariantInvocationsPerInstance`. */
    readonly predefinedMetricType: string;
    readonly minCapacity: number;
    readonly maxCapacity: number;
    /** The target value and cooldowns. */
    readonly scaling: Pick<ResolvedScaling, "targetLoadPerInstance" | "scaleInCooldownSeconds" | "scaleOutCooldownSeconds">;
    readonly tags: Record<string, string>;
}

/** `<name>-scaling-target` and `<name>-scaling-policy`, children of `parent`; the target waits for `dependsOn`. */
export function targetTrackingScaling(name: string, args: TargetTrackingArgs, parent: pulumi.Resource, dependsOn: pulumi.Resource[] = []): aws.appautoscaling.Policy {
    const scalingTarget = new aws.appautoscaling.Target(`${name}-scaling-target`, {
        serviceNamespace: args.serviceNamespace,
        resourceId: args.resourceId,
        scalableDimension: args.scalableDimension,
        minCapacity: args.minCapacity,
        maxCapacity: args.maxCapacity,
        tags: args.tags,
    }, { parent, dependsOn });
    return new aws.appautoscaling.Policy(`${name}-scaling-policy`, {
        policyType: "TargetTrackingScaling",
        serviceNamespace: scalingTarget.serviceNamespace,
        resourceId: scalingTarget.resourceId,
        scalableDimension: scalingTarget.scalableDimension,
        targetTrackingScalingPolicyConfiguration: {
            predefinedMetricSpecification: { predefinedMetricType: args.predefinedMetricType },
            targetValue: args.scaling.targetLoadPerInstance,
            scaleInCooldown: args.scaling.scaleInCooldownSeconds,
            scaleOutCooldown: args.scaling.scaleOutCooldownSeconds,
        },
    }, { parent });
}
