// Which resources must carry the required tags (AWS, Azure) or labels (GCP), and in which prop.
// A resource counts as taggable when its type is in this table, or when its props carry a tag map
// anyway (so a type the table has not met yet is still checked the moment someone tags it).

/** AWS types that accept `tags` (the ones our targets create, and their common neighbours). */
export const TAGGABLE_AWS = [
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2",
    "aws:ecr/repository:Repository", "aws:kms/key:Key",
    "aws:iam/role:Role", "aws:iam/policy:Policy",
    "aws:sagemaker/model:Model", "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "aws:sagemaker/endpoint:Endpoint",
    "aws:appautoscaling/target:Target",
    "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/eventRule:EventRule",
    "aws:lambda/function:Function",
    "aws:apigatewayv2/api:Api", "aws:apigatewayv2/stage:Stage",
    "aws:sns/topic:Topic", "aws:sqs/queue:Queue",
    "aws:scheduler/scheduleGroup:ScheduleGroup",
] as const;

/** GCP types that accept `labels` (`userLabels` for Monitoring alert policies). */
export const TAGGABLE_GCP = [
    "gcp:storage/bucket:Bucket",
    "gcp:artifactregistry/repository:Repository",
    "gcp:cloudrunv2/service:Service",
    "gcp:vertex/aiEndpoint:AiEndpoint",
    "gcp:kms/cryptoKey:CryptoKey",
    "gcp:monitoring/alertPolicy:AlertPolicy",
    "gcp:pubsub/topic:Topic",
] as const;

/** Azure tracked resources (they all accept `tags`; proxy resources such as model versions do not). */
export const TAGGABLE_AZURE = [
    "azure-native:resources:ResourceGroup",
    "azure-native:machinelearningservices:Workspace",
    "azure-native:machinelearningservices:OnlineEndpoint",
    "azure-native:machinelearningservices:OnlineDeployment",
    "azure-native:monitor:AutoscaleSetting",
    "azure-native:storage:StorageAccount",
    "azure-native:keyvault:Vault",
    "azure-native:containerregistry:Registry",
    "azure-native:applicationinsights:Component",
    "azure-native:operationalinsights:Workspace",
    "azure-native:managedidentity:UserAssignedIdentity",
    "azure-native:insights:ActionGroup", "azure-native:monitor:ActionGroup",
    "azure-native:insights:MetricAlert", "azure-native:monitor:MetricAlert",
] as const;

const TAG_FIELD_BY_TYPE = new Map<string, string>([
    ...TAGGABLE_AWS.map((type) => [type, "tags"] as const),
    ...TAGGABLE_GCP.map((type) => [type, type === "gcp:monitoring/alertPolicy:AlertPolicy" ? "userLabels" : "labels"] as const),
    ...TAGGABLE_AZURE.map((type) => [type, "tags"] as const),
]);

/** Prop names that hold a resource's tag or label map. */
const TAG_FIELDS = ["tags", "labels", "userLabels"] as const;

/**
 * The prop that must hold the required tags, or `undefined` when the resource is not taggable: the
 * table's field for known types, else the first tag-map prop the resource carries.
 */
export function tagFieldOf(type: string, props: object): string | undefined {
    if (type.startsWith("pulumi:")) return undefined; // providers and stack resources carry no tags
    return TAG_FIELD_BY_TYPE.get(type) ?? TAG_FIELDS.find((field) => field in props);
}

/** True for GCP types, whose labels allow only lowercase keys. */
export function isGcp(type: string): boolean {
    return type.startsWith("gcp:");
}
