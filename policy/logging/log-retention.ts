import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { AWS } from "../lib/resource-types";

// Logs expire on purpose: a log group without retention keeps (and bills) every line forever.

export const logGroupRetention = resourceGuardrail({
    name: "log-group-retention",
    description: "Every CloudWatch log group sets a retention period.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `retentionInDays` on the log group (the targets' `logRetentionDays`, e.g. 14 in dev and 90 in prod).",
    metadata: { id: "LOG-011", mirrors: ["CKV_AWS_66"], reads: [AWS.cloudwatchLogGroup] },
    validate: (args, reportViolation) => {
        const retention = args.props["retentionInDays"];
        // 0 is CloudWatch's "never expire".
        if (typeof retention !== "number" || retention <= 0) {
            reportViolation(violationMessage(args.name, "retentionInDays", retention, "every log group requires a retention of at least 1 day"));
        }
    },
});
