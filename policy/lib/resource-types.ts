// Pulumi type tokens of the resources the guardrails read. Policies match on these strings rather
// than on SDK classes, so the pack loads in a fraction of a second without the cloud SDKs.
export const AWS = {
    sagemakerEndpointConfiguration: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    sagemakerEndpoint: "aws:sagemaker/endpoint:Endpoint",
    sagemakerModel: "aws:sagemaker/model:Model",
    appautoscalingTarget: "aws:appautoscaling/target:Target",
    // Lambda behind API Gateway (and every CloudWatch log group).
    apigatewayv2Route: "aws:apigatewayv2/route:Route",
    apigatewayv2Stage: "aws:apigatewayv2/stage:Stage",
    lambdaPermission: "aws:lambda/permission:Permission",
    cloudwatchLogGroup: "aws:cloudwatch/logGroup:LogGroup",
    // Read by the cross-cloud guardrails.
    lambdaFunction: "aws:lambda/function:Function",
    lambdaProvisionedConcurrency: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
} as const;

export const GCP = {
    // Cloud Run (v2 API; the v1 IAM resources grant the same invoker role on the same services).
    cloudRunService: "gcp:cloudrunv2/service:Service",
    cloudRunServiceIamMember: "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
    cloudRunServiceIamBinding: "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding",
    cloudRunServiceIamPolicy: "gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy",
    cloudRunV1IamMember: "gcp:cloudrun/iamMember:IamMember",
    cloudRunV1IamBinding: "gcp:cloudrun/iamBinding:IamBinding",
    cloudRunV1IamPolicy: "gcp:cloudrun/iamPolicy:IamPolicy",
} as const;

export const AZURE = {
} as const;
