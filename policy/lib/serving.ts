import { has, list, peek, read } from "./props";
import { AWS, CROSS_CLOUD } from "./resource-types";

// Where each cloud keeps the numbers and names the cross-cloud guardrails judge: how many instances a
// target serves with, how far it may scale, on what machines, from which image. One table, read by the
// availability, cost and supply-chain rules alike, so a new target is taught to all of them at once.
// Reads go through the props proxy: a value unknown at preview stops the rule (reported as advisory).

/** The `kind` prop of components/gcp's VertexModelDeployment (a dynamic resource). */
const VERTEX_DEPLOYMENT_KIND = "ml-endpoints:gcp:VertexModelDeployment";

/** One value found on a resource, with the property path an operator would fix. */
export interface Found<T = unknown> {
    readonly property: string;
    readonly value: T;
}

/** A dynamic-provider resource that deploys a model to a Vertex AI endpoint (recognised by its props). */
export function isVertexDeployment(type: string, props: unknown): boolean {
    if (type !== CROSS_CLOUD.dynamicResource) return false;
    // Ours says so in its `kind`; any other Vertex deployer is recognised by its replica and endpoint props.
    return peek(props, "kind") === VERTEX_DEPLOYMENT_KIND
        || (has(props, "minReplicaCount") && (has(props, "endpoint") || has(props, "endpointId") || has(props, "machineType") || has(props, "machineSpec")));
}

/** The standing serving capacity a resource declares (the floor an outage of one instance eats into). */
export function servingFloors(type: string, props: Record<string, unknown>): Found[] {
    switch (type) {
        case AWS.sagemakerEndpointConfiguration:
            return list(read(props, "productionVariants")).map((variant, index) => {
                const property = `productionVariants[${index}]`;
                return has(variant, "serverlessConfig")
                    ? { property: `${property}.serverlessConfig`, value: "serverless" }
                    : { property: `${property}.initialInstanceCount`, value: read(variant, "initialInstanceCount") };
            });
        case AWS.appautoscalingTarget:
            // SageMaker variants and Lambda provisioned concurrency both scale through Application Auto Scaling.
            return ["sagemaker", "lambda"].includes(read(props, "serviceNamespace") as string)
                ? [{ property: "minCapacity", value: read(props, "minCapacity") }]
                : [];
        case AWS.lambdaProvisionedConcurrency:
            return [{ property: "provisionedConcurrentExecutions", value: read(props, "provisionedConcurrentExecutions") }];
        case CROSS_CLOUD.gcpCloudRunService:
            return [cloudRunScaling(props, "minInstanceCount")];
        case CROSS_CLOUD.azureOnlineDeployment:
            return [{ property: "sku.capacity", value: read(props, "sku", "capacity") }];
        case CROSS_CLOUD.azureAutoscaleSetting:
            return list(read(props, "profiles")).map((profile, index) => ({ property: `profiles[${index}].capacity.minimum`, value: read(profile, "capacity", "minimum") }));
        default:
            return isVertexDeployment(type, props) ? [{ property: "minReplicaCount", value: read(props, "minReplicaCount") }] : [];
    }
}

/** The most instances a resource may scale to (its ceiling), and fixed counts where there is no autoscaling. */
export function servingCeilings(type: string, props: Record<string, unknown>): Found[] {
    switch (type) {
        case AWS.sagemakerEndpointConfiguration:
            return list(read(props, "productionVariants"))
                .map((variant, index) => ({ property: `productionVariants[${index}].initialInstanceCount`, value: read(variant, "initialInstanceCount") }))
                .filter((found) => found.value !== undefined);
        case AWS.appautoscalingTarget:
            return ["sagemaker", "lambda"].includes(read(props, "serviceNamespace") as string)
                ? [{ property: "maxCapacity", value: read(props, "maxCapacity") }]
                : [];
        case CROSS_CLOUD.gcpCloudRunService:
            return [cloudRunScaling(props, "maxInstanceCount")].filter((found) => found.value !== undefined);
        case CROSS_CLOUD.azureOnlineDeployment:
            return [{ property: "sku.capacity", value: read(props, "sku", "capacity") }].filter((found) => found.value !== undefined);
        case CROSS_CLOUD.azureAutoscaleSetting:
            return list(read(props, "profiles")).map((profile, index) => ({ property: `profiles[${index}].capacity.maximum`, value: read(profile, "capacity", "maximum") }));
        default:
            return isVertexDeployment(type, props) ? [{ property: "maxReplicaCount", value: read(props, "maxReplicaCount") }] : [];
    }
}

/** The instance or machine types a resource runs on, and any GPU accelerators attached. */
export function machineTypes(type: string, props: Record<string, unknown>): { instances: Found[]; accelerators: Found[] } {
    switch (type) {
        case AWS.sagemakerEndpointConfiguration:
            return {
                instances: list(read(props, "productionVariants"))
                    .map((variant, index) => ({ property: `productionVariants[${index}].instanceType`, value: read(variant, "instanceType") }))
                    .filter((found) => found.value !== undefined),
                accelerators: [],
            };
        case CROSS_CLOUD.azureOnlineDeployment:
            return { instances: [{ property: "properties.instanceType", value: read(props, "properties", "instanceType") }], accelerators: [] };
        default: {
            if (!isVertexDeployment(type, props)) return { instances: [], accelerators: [] };
            const spec = has(props, "machineSpec") ? "machineSpec." : "";
            const from = (key: string) => spec ? read(props, "machineSpec", key) : read(props, key);
            const accelerator = from("acceleratorType");
            return {
                instances: [{ property: `${spec}machineType`, value: from("machineType") }],
                accelerators: accelerator === undefined ? [] : [{ property: `${spec}acceleratorType`, value: accelerator }],
            };
        }
    }
}

/** The container images a resource runs. */
export function containerImages(type: string, props: Record<string, unknown>): Found[] {
    switch (type) {
        case AWS.sagemakerModel:
            return [
                ...(has(props, "primaryContainer") ? [{ property: "primaryContainer.image", value: read(props, "primaryContainer", "image") }] : []),
                ...list(read(props, "containers")).map((container, index) => ({ property: `containers[${index}].image`, value: read(container, "image") })),
            ];
        case AWS.lambdaFunction:
            return read(props, "packageType") === "Image" || has(props, "imageUri") ? [{ property: "imageUri", value: read(props, "imageUri") }] : [];
        case CROSS_CLOUD.gcpCloudRunService:
            return list(read(props, "template", "containers")).map((container, index) => ({ property: `template.containers[${index}].image`, value: read(container, "image") }));
        case CROSS_CLOUD.azureEnvironmentVersion:
            return [{ property: "properties.image", value: read(props, "properties", "image") }];
        default:
            return isVertexDeployment(type, props) && (has(props, "image") || has(props, "imageUri"))
                ? [{ property: has(props, "image") ? "image" : "imageUri", value: read(props, has(props, "image") ? "image" : "imageUri") }]
                : [];
    }
}

/** Cloud Run v2 scales per revision (`template.scaling`) or per service (`scaling`); the revision's wins. */
function cloudRunScaling(props: Record<string, unknown>, key: "minInstanceCount" | "maxInstanceCount"): Found {
    const revision = read(props, "template", "scaling", key);
    if (revision !== undefined) return { property: `template.scaling.${key}`, value: revision };
    const service = read(props, "scaling", key);
    return service !== undefined ? { property: `scaling.${key}`, value: service } : { property: `template.scaling.${key}`, value: undefined };
}

/** The types `servingFloors`, `servingCeilings`, `machineTypes` and `containerImages` know, for README `reads`. */
export const SERVING_TYPES = {
    floors: [AWS.sagemakerEndpointConfiguration, AWS.appautoscalingTarget, AWS.lambdaProvisionedConcurrency, CROSS_CLOUD.gcpCloudRunService, CROSS_CLOUD.azureOnlineDeployment, CROSS_CLOUD.azureAutoscaleSetting, CROSS_CLOUD.dynamicResource],
    machines: [AWS.sagemakerEndpointConfiguration, CROSS_CLOUD.azureOnlineDeployment, CROSS_CLOUD.dynamicResource],
    images: [AWS.sagemakerModel, AWS.lambdaFunction, CROSS_CLOUD.gcpCloudRunService, CROSS_CLOUD.azureEnvironmentVersion, CROSS_CLOUD.dynamicResource],
} as const;
