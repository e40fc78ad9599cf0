import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { GCP } from "../lib/resource-types";
import { isProduction } from "../lib/stage";

// Access to Cloud Run services: in production nobody calls anonymously. Invoker grants come from the
// service's IAM resources (member, binding or whole policy, v2 or v1 API); turning the invoker check off
// on the service itself is the same as granting allUsers.

/** Principals that mean "anyone" (on the internet, or with any Google account). */
const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];

const schema = { properties: { ...productionStagesSchema } } as const;

const MEMBER_TYPES: readonly string[] = [GCP.cloudRunServiceIamMember, GCP.cloudRunV1IamMember];
const BINDING_TYPES: readonly string[] = [GCP.cloudRunServiceIamBinding, GCP.cloudRunV1IamBinding];
const POLICY_TYPES: readonly string[] = [GCP.cloudRunServiceIamPolicy, GCP.cloudRunV1IamPolicy];

interface PolicyBinding {
    readonly role?: string;
    readonly members?: string[];
}

/** Each public grant a resource makes, as the property holding it and the member found there. */
function publicGrants(type: string, props: Record<string, unknown>): { property: string; member: unknown; role: unknown }[] {
    if (MEMBER_TYPES.includes(type)) {
        return PUBLIC_MEMBERS.includes(props["member"] as string) ? [{ property: "member", member: props["member"], role: props["role"] }] : [];
    }
    if (BINDING_TYPES.includes(type)) {
        const members = Array.isArray(props["members"]) ? (props["members"] as unknown[]) : [];
        return members.flatMap((member, index) =>
            PUBLIC_MEMBERS.includes(member as string) ? [{ property: `members[${index}]`, member, role: props["role"] }] : []);
    }
    if (POLICY_TYPES.includes(type)) {
        let bindings: PolicyBinding[] = [];
        try {
            bindings = (JSON.parse(String(props["policyData"])) as { bindings?: PolicyBinding[] }).bindings ?? [];
        } catch {
            return []; // not a policy document: the provider refuses it before any grant is made
        }
        return bindings.flatMap((binding, bindingIndex) => (binding.members ?? []).flatMap((member, memberIndex) =>
            PUBLIC_MEMBERS.includes(member) ? [{ property: `policyData.bindings[${bindingIndex}].members[${memberIndex}]`, member, role: binding.role }] : []));
    }
    return [];
}

export const prodCloudRunNotPublic = resourceGuardrail({
    name: "prod-cloudrun-not-public",
    description: "A production Cloud Run service is not invocable by allUsers or allAuthenticatedUsers, and keeps its invoker IAM check on.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Use `auth: iam` on the cloudrun target of a production stack and list the callers under `invokers` (user:, serviceAccount:, group:, domain:); never grant allUsers or allAuthenticatedUsers, nor set invokerIamDisabled.",
    configSchema: schema,
    metadata: {
        id: "ACC-030",
        mirrors: ["CKV_GCP_102"],
        reads: [GCP.cloudRunService, ...MEMBER_TYPES, ...BINDING_TYPES, ...POLICY_TYPES],
    },
    validate: (args, reportViolation) => {
        const config = configWithDefaults<GuardrailConfig>(args, schema);
        if (!isProduction(args, config.productionStages)) return;
        const required = "production services must not be invocable by allUsers or allAuthenticatedUsers; grant roles/run.invoker to named principals";
        if (args.type === GCP.cloudRunService) {
            if (args.props["invokerIamDisabled"] === true) {
                reportViolation(violationMessage(args.name, "invokerIamDisabled", true, `${required}, with the invoker check on`));
            }
            return;
        }
        for (const grant of publicGrants(args.type, args.props)) {
            reportViolation(violationMessage(args.name, grant.property, grant.member, `${required} (role ${String(grant.role)})`));
        }
    },
});
