import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { AWS } from "../lib/resource-types";

// Logging and tracing of the Lambda target: every API request leaves an access-log line, and every
// invocation a trace.

export const apiStageAccessLogging = resourceGuardrail({
    name: "api-stage-access-logging",
    description: "Every API Gateway HTTP API stage writes access logs (destination and format set).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: "Give the stage `accessLogSettings` with a CloudWatch log group ARN (with retention) and a JSON format; the LambdaEndpoint component does this.",
    metadata: { id: "LOG-010", mirrors: ["CKV_AWS_76"], reads: [AWS.apigatewayv2Stage] },
    validate: (args, reportViolation) => {
        const settings = args.props["accessLogSettings"] as Record<string, unknown> | undefined;
        for (const field of ["destinationArn", "format"]) {
            // Presence is what counts: an ARN unknown at preview is still a destination.
            if (settings === undefined || !(field in settings)) {
                reportViolation(violationMessage(args.name, `accessLogSettings.${field}`, undefined, "every stage requires access logging"));
            }
        }
    },
});

export const lambdaXrayActive = resourceGuardrail({
    name: "lambda-xray-active",
    description: "Lambda functions trace every invocation with X-Ray (tracingConfig.mode Active).",
    severity: "low",
    enforcementLevel: "advisory",
    remediationSteps: "Set `tracingConfig: { mode: \"Active\" }` on the function and allow xray:PutTraceSegments and xray:PutTelemetryRecords to its role.",
    metadata: { id: "LOG-012", mirrors: ["CKV_AWS_50"], reads: [AWS.lambdaFunction] },
    validate: (args, reportViolation) => {
        const mode = (args.props["tracingConfig"] as Record<string, unknown> | undefined)?.["mode"];
        if (mode !== "Active") reportViolation(violationMessage(args.name, "tracingConfig.mode", mode, "Active is advised"));
    },
});
