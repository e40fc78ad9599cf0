import { RecordedResource, UNKNOWN } from "./recorder";

/**
 * Input keys worth a glance in a plan: sizes, counts, scaling bounds, auth and rollout. Found at any
 * depth (up to a few levels), so each cloud's resources show theirs without a per-type table.
 */
const KEY_SETTINGS = new Set([
    "instanceType", "initialInstanceCount", "serverlessConfig", "enableNetworkIsolation", "kmsKeyArn",
    "minCapacity", "maxCapacity", "targetValue", "predefinedMetricType",
    "trafficRoutingConfiguration", "autoRollbackConfiguration",
    "metricName", "threshold", "retentionInDays", "imageScanningConfiguration", "imageTagMutability",
    "sseAlgorithm", "blockPublicAcls", "status",
    "memorySize", "timeout", "architectures", "reservedConcurrentExecutions", "provisionedConcurrentExecutions",
    "additionalVersionWeights", "routeKey", "authorizationType", "throttlingRateLimit", "scheduleExpression",
    "minInstanceCount", "maxInstanceCount", "maxInstanceRequestConcurrency", "limits", "ingress", "traffics", "member",
    "machineType", "minReplicaCount", "maxReplicaCount", "cpuTarget", "rollout", "encryptionSpec",
    "authMode", "capacity", "traffic", "maxConcurrentRequestsPerInstance", "requestTimeout", "adminUserEnabled", "publicNetworkAccess",
    "allowBlobPublicAccess", "minimumTlsVersion", "enablePurgeProtection",
]);
const MAX_DEPTH = 4;

/** The resources as a tree by parent, each line `type name  key=value …`. */
export function formatPlan(resources: readonly RecordedResource[]): string {
    const children = new Map<string | undefined, RecordedResource[]>();
    for (const resource of resources) {
        const siblings = children.get(resource.parentUrn) ?? [];
        siblings.push(resource);
        children.set(resource.parentUrn, siblings);
    }
    const lines: string[] = [];
    const walk = (parentUrn: string | undefined, indent: string) => {
        const siblings = children.get(parentUrn) ?? [];
        siblings.forEach((resource, index) => {
            const last = index === siblings.length - 1;
            const branch = parentUrn === undefined ? "" : last ? "└─ " : "├─ ";
            const settings = keySettings(resource.inputs);
            lines.push(`${indent}${branch}${resource.type}  ${resource.name}${settings ? `  ${settings}` : ""}`);
            walk(resource.urn, parentUrn === undefined ? "" : indent + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "");
    return lines.join("\n");
}

export function keySettings(inputs: Record<string, unknown>): string {
    const found: string[] = [];
    const visit = (value: unknown, depth: number) => {
        if (depth > MAX_DEPTH || value === null || typeof value !== "object") return;
        for (const [key, child] of Object.entries(value)) {
            if (KEY_SETTINGS.has(key)) found.push(`${key}=${compact(child)}`);
            else visit(child, depth + 1);
        }
    };
    visit(inputs, 0);
    return found.join(" ");
}

function compact(value: unknown): string {
    const text = (typeof value === "string" ? value : JSON.stringify(value)).split(UNKNOWN).join("(unknown)");
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
