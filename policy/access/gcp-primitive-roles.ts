import { configWithDefaults } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { peek, peekEach, read } from "../lib/props";

// GCP basic ("primitive") roles grant every permission on every service in the project. Our service
// accounts get predefined roles scoped to what they do (e.g. roles/aiplatform.user, roles/storage.objectViewer).

interface PrimitiveRolesConfig {
    readonly forbiddenRoles: string[];
}

const schema = {
    properties: {
        forbiddenRoles: {
            type: "array",
            items: { type: "string", pattern: "^roles/" },
            default: ["roles/owner", "roles/editor"],
            description: "Roles no IAM grant in the stack may give (add roles/viewer to forbid every basic role).",
        },
    },
} as const;

/** IAM grant resources: the `*IAMMember`/`*IamMember` (one member) and `*IAMBinding`/`*IamBinding` (members) of any GCP service, and `*IAMPolicy`/`*IamPolicy` documents. */
const GRANT = /^gcp:[a-z0-9]+\/[a-z0-9]*iam(member|binding|policy):/i;

export const gcpNoPrimitiveRoles = resourceGuardrail({
    name: "gcp-no-primitive-roles",
    description: "No GCP IAM member, binding or policy in the stack grants a basic role (roles/owner, roles/editor).",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Grant the predefined role the service account needs (e.g. roles/aiplatform.user, roles/storage.objectViewer, roles/artifactregistry.reader) on the narrowest resource.",
    configSchema: schema,
    metadata: {
        id: "ACC-103",
        mirrors: ["CKV_GCP_117", "CKV_GCP_49", "Security Command Center PRIMITIVE_ROLES_USED"],
        reads: ["gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding", "gcp:projects/iAMPolicy:IAMPolicy", "gcp:*/*IamMember, *IamBinding, *IamPolicy (any service)"],
    },
    appliesTo: (type) => GRANT.test(type),
    validate: (args, reportViolation) => {
        const config = configWithDefaults<PrimitiveRolesConfig>(args, schema);
        const required = `must not be one of ${config.forbiddenRoles.join(", ")}; grant a predefined role`;
        const grants: { property: string; role: unknown; members: unknown[] }[] = [];
        if (/Policy:/.test(args.type)) {
            const document = JSON.parse(String(read(args.props, "policyData") ?? "{}")) as { bindings?: { role?: string; members?: string[] }[] };
            (document.bindings ?? []).forEach((binding, index) => grants.push({ property: `policyData.bindings[${index}].role`, role: binding.role, members: binding.members ?? [] }));
        } else {
            // Members only name who holds the role in the message: unknown ones (computed emails) do not stop the rule.
            const members = /Member:/.test(args.type) ? [peek(args.props, "member")] : peekEach(args.props, "members");
            grants.push({ property: "role", role: read(args.props, "role"), members: members.map((member) => member ?? "(unknown at preview)") });
        }
        for (const grant of grants) {
            if (typeof grant.role === "string" && config.forbiddenRoles.includes(grant.role)) {
                reportViolation(violationMessage(args.name, grant.property, grant.role, `${required} (granted to ${grant.members.join(", ")})`));
            }
        }
    },
});
