import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** What the pack's README table says of a guardrail, beside the policy's own name and description. */
export interface GuardrailMetadata {
    /**
     * A stable id, `<CONCERN>-<NNN>`: AVL availability, ACC access, ENC encryption, LOG logging, CST cost,
     * TAG tagging. Numbers by owner: 001–009 SageMaker, 010–019 Lambda/API Gateway, 020–029 Vertex,
     * 030–039 Cloud Run, 040–049 Azure ML, 100+ cross-cloud.
     */
    readonly id: string;
    /** The scanner checks it mirrors, e.g. `CKV_AWS_98`, `AWS Config SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT`, `SecurityHub SageMaker.4`. */
    readonly mirrors: readonly string[];
    /** The Pulumi type tokens it reads; a resource guardrail only runs on these. */
    readonly reads: readonly string[];
}

export type ResourceGuardrail = ResourceValidationPolicy & { readonly metadata: GuardrailMetadata };
export type StackGuardrail = StackValidationPolicy & { readonly metadata: GuardrailMetadata };
export type Guardrail = ResourceGuardrail | StackGuardrail;

type ResourceGuardrailSpec = Omit<ResourceValidationPolicy, "validateResource"> & {
    readonly metadata: GuardrailMetadata;
    /**
     * Which resource types the policy runs on, for rules that match a family of types (e.g. every GCP
     * `*IamMember`) or every taggable resource. Default: exactly the types in `metadata.reads`.
     */
    readonly appliesTo?: (type: string, props: ResourceValidationArgs["props"]) => boolean;
    /** Called only for resources whose type is in `metadata.reads` (or that `appliesTo` accepts). */
    readonly validate: (args: ResourceValidationArgs, reportViolation: ReportViolation) => void | Promise<void>;
};

/** A resource policy that runs only on the types it declares it reads, and carries its README metadata. */
export function resourceGuardrail(spec: ResourceGuardrailSpec): ResourceGuardrail {
    const { validate, appliesTo, ...policy } = spec;
    const reads = new Set(spec.metadata.reads);
    const applies = appliesTo ?? ((type: string) => reads.has(type));
    return {
        ...policy,
        validateResource: (args, reportViolation) => (applies(args.type, args.props) ? validate(args, reportViolation) : undefined),
    };
}

/** A stack policy with its README metadata. */
export function stackGuardrail(spec: StackGuardrail): StackGuardrail {
    return spec;
}
