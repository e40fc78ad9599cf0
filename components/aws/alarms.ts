import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// CloudWatch threshold alarms, built the same way for every AWS target: one-minute periods,
// "greater than" thresholds, and missing data counted as healthy (an idle endpoint is not failing).

/** What every alarm of one endpoint shares. */
export interface AlarmDefaults {
    /** Consecutive one-minute periods over the threshold before the alarm fires. */
    readonly evaluationPeriods: number;
    /** SNS topic ARNs (or other alarm actions) notified when the alarm fires. */
    readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
    readonly tags: Record<string, string>;
}

/** One metric over one threshold. */
export interface ThresholdAlarmSpec {
    readonly description: pulumi.Input<string>;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
    readonly statistic: "Sum" | "Average" | "Maximum";
    /** In the metric's own unit (SageMaker ModelLatency is in microseconds, Lambda Duration in milliseconds). */
    readonly threshold: number;
}

/** A CloudWatch alarm that fires when `spec`'s metric stays above its threshold. */
export function thresholdAlarm(name: string, defaults: AlarmDefaults, spec: ThresholdAlarmSpec, parent: pulumi.Resource): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(name, {
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: spec.dimensions,
        statistic: spec.statistic,
        threshold: spec.threshold,
        period: 60,
        evaluationPeriods: defaults.evaluationPeriods,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: defaults.alarmActions,
        tags: defaults.tags,
    }, { parent });
}
