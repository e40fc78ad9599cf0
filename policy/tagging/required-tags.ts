import { configWithDefaults, requiredTagsSchema } from "../lib/config";
import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { read } from "../lib/props";
import { isGcp, TAGGABLE_AWS, TAGGABLE_AZURE, TAGGABLE_GCP, tagFieldOf } from "../lib/taggable";

// Every taggable resource says which stage and model it serves and who manages it, on every cloud:
// cost reports, the stage-aware guardrails and clean-up scripts all read these keys.

interface RequiredTagsConfig {
    readonly requiredTags: string[];
}

const schema = { properties: { ...requiredTagsSchema } } as const;

export const requiredTags = resourceGuardrail({
    name: "required-tags",
    description: "Every taggable resource on AWS, GCP and Azure carries the required tags (labels on GCP) with non-empty values: by default stage, managed-by and model.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: "Pass the component's `tags` (the components add stage, managed-by and model themselves); for resources created outside them, merge `requiredTags()` from ml-endpoints, or `toGcpLabels(requiredTags())` on GCP.",
    configSchema: schema,
    metadata: {
        id: "TAG-100",
        mirrors: ["AWS Config REQUIRED_TAGS", "Azure Policy: Require a tag on resources"],
        reads: [...TAGGABLE_AWS, ...TAGGABLE_GCP, ...TAGGABLE_AZURE, "any resource whose props carry tags, labels or userLabels"],
    },
    appliesTo: (type, props) => tagFieldOf(type, props) !== undefined,
    validate: (args, reportViolation) => {
        const config = configWithDefaults<RequiredTagsConfig>(args, schema);
        const field = tagFieldOf(args.type, args.props)!;
        const tags = read(args.props, field);
        const fold = (key: string) => (isGcp(args.type) ? key.toLowerCase() : key);
        const present = tags !== null && typeof tags === "object" ? tags as Record<string, unknown> : {};
        const missing = config.requiredTags.map(fold).filter((key) => {
            const value = read(present, key);
            return typeof value !== "string" || value === "";
        });
        if (missing.length > 0) {
            const found = Object.keys(present).length === 0 ? tags : Object.keys(present).sort();
            reportViolation(violationMessage(args.name, field, found, `missing ${missing.join(", ")}; required: ${config.requiredTags.map(fold).join(", ")}`));
        }
    },
});
