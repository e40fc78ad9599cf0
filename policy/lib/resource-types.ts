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
    s3Bucket: "aws:s3/bucket:Bucket",
    s3BucketV2: "aws:s3/bucketV2:BucketV2",
    s3BucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    s3BucketEncryptionV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    s3BucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ecrRepository: "aws:ecr/repository:Repository",
    iamRole: "aws:iam/role:Role",
    iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
    iamPolicy: "aws:iam/policy:Policy",
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
    // Vertex AI. The model deployment is a Node.js dynamic provider resource, so its token is the generic
    // one; `vertexModelDeploymentKind` is the `kind` prop that tells it apart.
    vertexEndpoint: "gcp:vertex/aiEndpoint:AiEndpoint",
    vertexModelDeployment: "pulumi-nodejs:dynamic:Resource",
    vertexModelDeploymentKind: "ml-endpoints:gcp:VertexModelDeployment",
    artifactRegistryRepository: "gcp:artifactregistry/repository:Repository",
} as const;

export const AZURE = {
    // Azure ML managed online endpoints and their workspace.
    onlineEndpoint: "azure-native:machinelearningservices:OnlineEndpoint",
    onlineDeployment: "azure-native:machinelearningservices:OnlineDeployment",
    mlWorkspace: "azure-native:machinelearningservices:Workspace",
    containerRegistry: "azure-native:containerregistry:Registry",
    autoscaleSetting: "azure-native:monitor:AutoscaleSetting",
} as const;

/**
 * Tokens the cross-cloud guardrails read on GCP and Azure. (The per-target objects above belong to
 * the target's own rules; these are kept apart so both can grow without stepping on each other.)
 */
export const CROSS_CLOUD = {
    gcpStorageBucket: "gcp:storage/bucket:Bucket",
    gcpCloudRunService: "gcp:cloudrunv2/service:Service",
    azureOnlineDeployment: "azure-native:machinelearningservices:OnlineDeployment",
    azureAutoscaleSetting: "azure-native:monitor:AutoscaleSetting",
    azureEnvironmentVersion: "azure-native:machinelearningservices:EnvironmentVersion",
    /** Every Pulumi dynamic provider resource (Node.js) has this type; tell them apart by their props. */
    dynamicResource: "pulumi-nodejs:dynamic:Resource",
} as const;
