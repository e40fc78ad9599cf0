import { resourceGuardrail, stageSplitGuardrails } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { AWS } from "../lib/resource-types";

// Access to the Lambda target: who may call its API, and who may invoke its function.

/** The authorization types that check the caller; `NONE` (or no type at all) lets anyone in. */
const AUTHENTICATING_TYPES = ["AWS_IAM", "JWT", "CUSTOM"];

export const [apiRoutesRequireAuth, apiRoutesRequireAuthOutsideProd] = stageSplitGuardrails({
    production: {
        name: "api-routes-require-auth",
        id: "ACC-010",
        description: "Every API Gateway route of a production stack checks its caller (IAM or a JWT/Lambda authorizer).",
        severity: "critical",
    },
    elsewhere: {
        name: "api-routes-require-auth-outside-prod",
        id: "ACC-011",
        description: "API Gateway routes outside production check their caller too; anonymous routes are allowed there, but flagged.",
        severity: "medium",
    },
    remediationSteps: "Set `auth: iam` (callers sign with SigV4, service `execute-api`) or `auth: jwt` with `jwt.issuer` and `jwt.audience` on the lambda target.",
    mirrors: ["CKV_AWS_309"],
    reads: [AWS.apigatewayv2Route],
    validate: (args, reportViolation, production) => {
        const authorizationType = args.props["authorizationType"];
        if (typeof authorizationType !== "string" || !AUTHENTICATING_TYPES.includes(authorizationType)) {
            reportViolation(violationMessage(args.name, `authorizationType (route ${JSON.stringify(args.props["routeKey"])})`, authorizationType,
                `${production ? "production" : "every stage"} requires one of ${AUTHENTICATING_TYPES.join(", ")}`));
        }
    },
});

export const lambdaPermissionScoped = resourceGuardrail({
    name: "lambda-permission-scoped",
    description: "A Lambda permission granted to an AWS service names the source (sourceArn or sourceAccount), so no other account's resource can invoke the function through that service.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Give the permission a `sourceArn` (e.g. `${api.executionArn}/*/POST/predict`, or the EventBridge rule's ARN) or at least a `sourceAccount`.",
    metadata: { id: "ACC-012", mirrors: ["CKV_AWS_364", "Trivy AWS-0067"], reads: [AWS.lambdaPermission] },
    validate: (args, reportViolation) => {
        const principal = args.props["principal"];
        // Account and role principals are scoped by themselves; only service principals act for anyone.
        if (typeof principal !== "string" || !principal.endsWith(".amazonaws.com")) return;
        // Presence is what counts: a source ARN unknown at preview is still a source ARN.
        if ("sourceArn" in args.props || "sourceAccount" in args.props) return;
        reportViolation(violationMessage(args.name, "sourceArn", undefined, `a permission for ${principal} requires sourceArn or sourceAccount`));
    },
});
