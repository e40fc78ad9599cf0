import { configWithDefaults } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { list, read } from "../lib/props";
import { AWS } from "../lib/resource-types";

// Least privilege on the roles and policies we create: no wildcard actions, and `*` resources only for the
// actions AWS defines without resource-level permissions (where `*` is the only thing that works).

interface IamConfig {
    readonly actionsWithoutResourceLevelPermissions: string[];
}

/** Actions that the AWS Service Authorization Reference lists with no resource types: they take only `*`. */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = [
    "ecr:GetAuthorizationToken",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",
    "sts:GetCallerIdentity",
];

const schema = {
    properties: {
        actionsWithoutResourceLevelPermissions: {
            type: "array",
            items: { type: "string", pattern: "^[a-z0-9-]+:[A-Za-z0-9]+$" },
            default: ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS,
            description: "Actions that may use `\"Resource\": \"*\"` because AWS defines them without resource-level permissions.",
        },
    },
} as const;

interface Statement {
    readonly Effect?: string;
    readonly Action?: string | string[];
    readonly NotAction?: string | string[];
    readonly Resource?: string | string[];
    readonly NotResource?: string | string[];
}

export const iamLeastPrivilege = resourceGuardrail({
    name: "iam-least-privilege",
    description: "IAM policies we create allow no wildcard actions, no NotAction/NotResource, and `*` resources only for actions that have no resource-level permissions.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "List the exact actions the role needs and scope each statement to the ARNs it touches (bucket prefix, repository, log group). `*` is allowed only for actions such as ecr:GetAuthorizationToken.",
    configSchema: schema,
    metadata: {
        id: "ACC-102",
        mirrors: ["CKV_AWS_1", "CKV_AWS_63", "CKV_AWS_355", "CKV_AWS_290", "SecurityHub IAM.1", "SecurityHub IAM.21"],
        reads: [AWS.iamRolePolicy, AWS.iamPolicy, AWS.iamRole],
    },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<IamConfig>(args, schema);
        const documents = args.type === AWS.iamRole
            ? list(read(args.props, "inlinePolicies")).map((inline, index) => ({ property: `inlinePolicies[${index}].policy`, document: read(inline, "policy") }))
            : [{ property: "policy", document: read(args.props, "policy") }];
        for (const { property, document } of documents) {
            statementsOf(document).forEach((statement, index) => {
                for (const problem of problemsOf(statement, config.actionsWithoutResourceLevelPermissions)) {
                    reportViolation(violationMessage(args.name, `${property} Statement[${index}].${problem.field}`, problem.found, problem.required));
                }
            });
        }
    },
});

function statementsOf(document: unknown): Statement[] {
    if (document === undefined || document === null || document === "") return [];
    const parsed = typeof document === "string" ? JSON.parse(document) as unknown : document;
    const statements = read(parsed, "Statement");
    return (Array.isArray(statements) ? statements : statements === undefined ? [] : [statements]) as Statement[];
}

function problemsOf(statement: Statement, starResourceActions: readonly string[]): { field: string; found: unknown; required: string }[] {
    if (statement.Effect !== "Allow") return []; // wildcards in a Deny only narrow what is allowed
    const problems: { field: string; found: unknown; required: string }[] = [];
    const actions = asList(statement.Action);
    for (const action of actions.filter((found) => found.includes("*"))) {
        problems.push({ field: "Action", found: action, required: "name each action; wildcard actions are not allowed" });
    }
    for (const field of ["NotAction", "NotResource"] as const) {
        if (statement[field] !== undefined) problems.push({ field, found: statement[field], required: `an Allow with ${field} grants everything else; list what is allowed instead` });
    }
    if (asList(statement.Resource).includes("*")) {
        const scopable = actions.filter((action) => !starResourceActions.includes(action));
        if (scopable.length > 0) {
            problems.push({ field: "Resource", found: "*", required: `scope ${scopable.join(", ")} to ARNs; "*" is allowed only for ${starResourceActions.join(", ")}` });
        }
    }
    return problems;
}

function asList(value: string | string[] | undefined): string[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
