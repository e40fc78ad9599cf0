// Pulumi type tokens of the resources the guardrails read. Policies match on these strings rather
// than on SDK classes, so the pack loads in a fraction of a second without the cloud SDKs.
export const AWS = {
    sagemakerEndpointConfiguration: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    sagemakerEndpoint: "aws:sagemaker/endpoint:Endpoint",
    sagemakerModel: "aws:sagemaker/model:Model",
    appautoscalingTarget: "aws:appautoscaling/target:Target",
} as const;

export const GCP = {
} as const;

export const AZURE = {
} as const;
