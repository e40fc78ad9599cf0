import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, GuardrailConfig, productionStagesSchema } from "./config";
import { isProduction } from "./stage";

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

/** The parts of a guardrail that differ between its production and its elsewhere half. */
export interface StageHalf {
    readonly name: string;
    readonly id: string;
    readonly description: string;
    readonly severity: NonNullable<ResourceValidationPolicy["severity"]>;
}

type StageSplitSpec = Omit<ResourceGuardrailSpec, "name" | "description" | "severity" | "enforcementLevel" | "configSchema" | "metadata" | "validate"> & {
    readonly production: StageHalf;
    readonly elsewhere: StageHalf;
    readonly mirrors: readonly string[];
    readonly reads: readonly string[];
    /** Called only for resources of the half's stages; `production` says which half is asking. */
    readonly validate: (args: ResourceValidationArgs, reportViolation: ReportViolation, production: boolean) => void;
};

/**
 * One rule at two levels: mandatory on production stages, advisory elsewhere. CrossGuard fixes the level
 * per policy, not per violation, so the rule becomes two policies that share one check, and each level
 * stays configurable on its own.
 */
export function stageSplitGuardrails(spec: StageSplitSpec): [production: ResourceGuardrail, elsewhere: ResourceGuardrail] {
    const { production, elsewhere, mirrors, reads, validate, ...shared } = spec;
    const schema = { properties: { ...productionStagesSchema } } as const;
    const half = (stage: StageHalf, isProductionHalf: boolean) => resourceGuardrail({
        ...shared,
        name: stage.name,
        description: stage.description,
        severity: stage.severity,
        enforcementLevel: isProductionHalf ? "mandatory" : "advisory",
        configSchema: schema,
        metadata: { id: stage.id, mirrors, reads },
        validate: (args, reportViolation) => {
            const config = configWithDefaults<GuardrailConfig>(args, schema);
            if (isProduction(args, config.productionStages) === isProductionHalf) validate(args, reportViolation, isProductionHalf);
        },
    });
    return [half(production, true), half(elsewhere, false)];
}
