// What an update would break, read off the classified changes: each hazard names its resources, why, the
// remedy and its source. Levels follow the policy below; a mandatory hazard fails the synth.
import type { PlannedResource } from "../two-sided";
import { isUnder, leafStrings, ResourceChange } from "./classify";
import { ruleFor } from "./rules";

export type HazardKind = "fixed-name-collision" | "outage" | "deletes-referenced" | "capacity-reset" | "refused-in-place";
export type HazardLevel = "mandatory" | "advisory";

export interface Hazard {
    readonly kind: HazardKind;
    readonly level: HazardLevel;
    readonly target: string;
    /** The resources it is about, by name. */
    readonly resources: readonly string[];
    readonly message: string;
    readonly remedy: string;
    readonly source: string;
}

/** Each hazard's level; `prod-only` is mandatory on the prod stage and advisory elsewhere. */
export const HAZARD_POLICY: Readonly<Record<HazardKind, HazardLevel | "prod-only">> = {
    // The update fails (or loses data) whatever the stage.
    "fixed-name-collision": "mandatory",
    "refused-in-place": "mandatory",
    // Breaks serving: tolerated outside production.
    "outage": "prod-only",
    "deletes-referenced": "prod-only",
    // Recovers by itself (the autoscaler scales out again), but under load first.
    "capacity-reset": "advisory",
};

const AUTOSCALING_TARGET = "aws:appautoscaling/target:Target";
const SAGEMAKER_ENDPOINT = "aws:sagemaker/endpoint:Endpoint";
const SAGEMAKER_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const AZURE_DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment";
const AZURE_AUTOSCALE = "azure-native:monitor:AutoscaleSetting";
/** What a revision, variant or registered version reads after it was created: artifacts, models, configs, environments. */
const SERVED_DATA_TYPES = new Set([
    "aws:s3/bucketObjectv2:BucketObjectv2", "aws:sagemaker/model:Model", "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    "gcp:storage/bucketObject:BucketObject", "azure-native:storage:Blob",
    "azure-native:machinelearningservices:ModelVersion", "azure-native:machinelearningservices:EnvironmentVersion",
]);
const OBJECT_TYPES = new Set(["gcp:storage/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2", "azure-native:storage:Blob"]);

export function findHazards(changes: readonly ResourceChange[], stage: string): Hazard[] {
    const level = (kind: HazardKind): HazardLevel => {
        const policy = HAZARD_POLICY[kind];
        return policy === "prod-only" ? (stage === "prod" ? "mandatory" : "advisory") : policy;
    };
    const found: Omit<Hazard, "level">[] = [
        ...fixedNameCollisions(changes),
        ...outages(changes),
        ...deletesReferenced(changes),
        ...sageMakerAutoscaledUpdates(changes),
        ...azureDeploymentUpdates(changes),
        ...providerRefusals(changes),
    ];
    return found.map((hazard) => ({ ...hazard, level: level(hazard.kind) }));
}

/** A create-before-delete replacement that keeps its fixed cloud-side name: the new one is the old one's name. */
function fixedNameCollisions(changes: readonly ResourceChange[]): Omit<Hazard, "level">[] {
    return changes.filter((change) => change.action === "replace" && change.replaceMode === "create-before-delete").flatMap((change) => {
        const rule = ruleFor(change.type, change.head!.inputs)!;
        // The new one lands on the old one's address only if every part of it (parents' names too) is unchanged and
        // known; a name computed from a replaced or rebuilt resource is unknown until applied, so a new name.
        const address = (rule.identity ?? rule.physicalName ?? []).filter((key) => change.head!.inputs[key] !== undefined);
        const unchanged = (key: string) => JSON.stringify(change.head!.inputs[key]) === JSON.stringify(change.base!.inputs[key])
            && !change.unknownFromReplaced.some((unknownPath) => isUnder(key, unknownPath));
        const named = (rule.physicalName ?? []).some((key) => change.head!.inputs[key] !== undefined);
        if (!named || address.length === 0 || !address.every(unchanged)) return [];
        const kept = (rule.physicalName ?? []).filter((key) => change.head!.inputs[key] !== undefined);
        const name = kept.map((key) => `${key}=${JSON.stringify(change.head!.inputs[key])}`).join(", ");
        const retained = change.base!.options?.retainOnDelete === true;
        const why = OBJECT_TYPES.has(change.type)
            ? retained
                ? `the new bytes are written over the old ones (same ${name}; retainOnDelete only skips the delete): whatever was created from the old bytes (a registered model version, a running revision) now reads the new ones`
                : `the new object is written over the old one (same ${name}), then the delete of the old one removes it: the file is gone (pulumi-gcp#152)`
            : change.type.startsWith("azure-native:")
                ? `the "create" is a PUT to the same ARM URL (${name}), which rewrites the live resource, and the delete of the old one then removes it`
                : `the create fails because a ${change.type.split(":").pop()} with ${name} already exists (as in "Cannot create already existing endpoint", terraform-provider-aws#40080)`;
        return [{
            kind: "fixed-name-collision" as const,
            target: change.target,
            resources: [change.name],
            message: `${change.name} is replaced create-before-delete (${change.replaceReasons.join(", ")} changed) but keeps its fixed name: ${why}.`,
            remedy: OBJECT_TYPES.has(change.type)
                ? "put the content hash in the object name so new and old are different objects, and retain the old ones until nothing serves them"
                : "let Pulumi autoname it (drop the fixed name) so old and new coexist, or change the name with the replace-forcing property; or set deleteBeforeReplace: true and accept the outage",
            source: `${rule.source}; Pulumi resource option deleteBeforeReplace (default create-before-delete); design notes §7`,
        }];
    });
}

/** A delete-before-replace of something that takes traffic. */
function outages(changes: readonly ResourceChange[]): Omit<Hazard, "level">[] {
    return changes.filter((change) => change.action === "replace" && change.replaceMode === "delete-before-replace").flatMap((change) => {
        const rule = ruleFor(change.type, change.head!.inputs)!;
        if (rule.serving !== true) return [];
        return [{
            kind: "outage" as const,
            target: change.target,
            resources: [change.name],
            message: `${change.name} is deleted before its replacement exists (${change.replaceReasons.join(", ")} changed): the target serves nothing ${rule.outage ?? "until the replacement is ready"}.`,
            remedy: "avoid the replace-forcing change, or stand up the replacement beside the live one under a new name (blue/green across resources) and move traffic before deleting the old one; otherwise schedule the outage",
            source: rule.source,
        }];
    });
}

/**
 * The old instances an update deletes (deleted resources, and the old half of a replacement) while a surviving
 * resource that keeps serving its previous dependencies (rollback targets, revisions) still points at them.
 */
function deletesReferenced(changes: readonly ResourceChange[]): Omit<Hazard, "level">[] {
    const byUrn = new Map(changes.map((change) => [change.urn, change]));
    const goesAway = (change: ResourceChange) => (change.action === "delete" || change.action === "replace") && change.base !== undefined && change.base.options?.retainOnDelete !== true;
    const removed = changes.filter(goesAway);
    // A retained resource that is deleted, or replaced (its old instance is kept), stays in the cloud with its references.
    const retainedDelete = (change: ResourceChange) => (change.action === "delete" || change.action === "replace") && change.base?.options?.retainOnDelete === true;
    return changes.filter((change) => change.base !== undefined && (retainedDelete(change) || (change.head !== undefined && change.action !== "same"))).flatMap((change) => {
        const rule = ruleFor(change.type, (change.head ?? change.base)!.inputs);
        const keeps = retainedDelete(change)
            ? "existing in the cloud (retainOnDelete) and pointing at what it was created with"
            : rule?.rollbackKeeps !== undefined && keepsPrevious(change) ? rule.rollbackKeeps : undefined;
        if (keeps === undefined) return [];
        // What the old instance reached, through the graph (base side, else the head's edges) and by value (artifact URIs).
        const reached = new Set<string>();
        const visit = (urn: string) => {
            if (reached.has(urn)) return;
            reached.add(urn);
            const node = byUrn.get(urn);
            for (const next of [...(node?.base?.dependencies ?? []), ...Object.values(node?.base?.propertyDependencies ?? {}).flat(),
                ...(node?.base?.dependencies.length === 0 ? [...(node?.head?.dependencies ?? []), ...Object.values(node?.head?.propertyDependencies ?? {}).flat()] : [])]) visit(next);
        };
        visit(change.urn);
        const baseStrings = leafStrings(change.base!.inputs);
        const hit = removed.filter((old) => old.urn !== change.urn && SERVED_DATA_TYPES.has(old.type) && (reached.has(old.urn) || referencesByValue(baseStrings, old.base!)));
        if (hit.length === 0) return [];
        return [{
            kind: "deletes-referenced" as const,
            target: change.target,
            resources: [change.name, ...hit.map((old) => old.name)],
            message: `${change.name} keeps ${keeps}; this update deletes ${hit.map((old) => `${old.name} (${old.action === "delete" ? "deleted" : "old instance of a replacement"})`).join(", ")} which it still points at.`,
            remedy: "retain previous artifacts, models and configs (retainOnDelete, content-addressed names) and prune them by age once no revision, variant or deployment references them",
            source: `${rule?.source ?? change.type}; terraform-provider-aws#40048 (configs deleted while in use)`,
        }];
    });
}

/** SageMaker keeps its previous config only under a deployment config (blue/green, rollback); Cloud Run always keeps revisions. */
function keepsPrevious(change: ResourceChange): boolean {
    if (change.type === SAGEMAKER_ENDPOINT) return change.base!.inputs["deploymentConfig"] !== undefined || change.head?.inputs["deploymentConfig"] !== undefined;
    return true;
}

/**
 * A string in the referrer that names the object's location: `s3://bucket/key`, `gs://bucket/dir/` (a prefix of
 * the object), or an Azure ML datastore URI `azureml://…/datastores/<store>/paths/<dir>/` over the blob's container.
 */
function referencesByValue(referrerStrings: readonly string[], object: PlannedResource): boolean {
    if (!OBJECT_TYPES.has(object.type)) return false;
    const bucket = object.inputs["bucket"] ?? object.inputs["containerName"];
    const key = object.inputs["key"] ?? object.inputs["name"] ?? object.inputs["blobName"];
    if (typeof bucket !== "string" || typeof key !== "string") return false;
    const location = `${bucket}/${key}`;
    return referrerStrings.some((value) => {
        const datastorePath = /^azureml:\/\/.*\/datastores\/[^/]+\/paths\/(.+)$/.exec(value)?.[1];
        if (datastorePath !== undefined) return object.type === "azure-native:storage:Blob" && key.startsWith(datastorePath);
        const withoutScheme = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
        return withoutScheme.length > bucket.length + 1 && location.startsWith(withoutScheme);
    });
}

/** Autoscaled SageMaker variants: an endpoint update resets their count; an instance-type change is refused. */
function sageMakerAutoscaledUpdates(changes: readonly ResourceChange[]): Omit<Hazard, "level">[] {
    const hazards: Omit<Hazard, "level">[] = [];
    const targets = changes.filter((change) => change.type === AUTOSCALING_TARGET && change.base !== undefined);
    for (const endpoint of changes.filter((change) => change.type === SAGEMAKER_ENDPOINT && change.base !== undefined && change.head !== undefined)) {
        const name = endpoint.base!.inputs["name"];
        const scaling = targets.find((target) => typeof name === "string" && String(target.base!.inputs["resourceId"]).startsWith(`endpoint/${name}/variant/`));
        if (scaling === undefined) continue;
        const configChanges = endpoint.action === "update" && [...endpoint.changed, ...endpoint.unknownFromReplaced].some((changed) => changed.startsWith("endpointConfigName"));
        if (!configChanges) continue;
        const config = changes.find((change) => change.type === SAGEMAKER_CONFIG && change.action === "replace" && change.head !== undefined
            && endpoint.head!.propertyDependencies["endpointConfigName"]?.includes(change.urn));
        const initial = (config?.head?.inputs["productionVariants"] as { initialInstanceCount?: number }[] | undefined)?.[0]?.initialInstanceCount;
        const max = scaling.head?.inputs["maxCapacity"] ?? scaling.base!.inputs["maxCapacity"];
        hazards.push({
            kind: "capacity-reset",
            target: endpoint.target,
            resources: [endpoint.name, scaling.name],
            message: `${endpoint.name} moves to a new endpoint configuration while its variant is autoscaled (up to ${String(max)}): UpdateEndpoint resets the variant to the config's initialInstanceCount (${initial ?? "its initial count"}), dropping whatever the autoscaler had added, because the provider does not send RetainAllVariantProperties.`,
            remedy: "deploy off-peak or raise initialInstanceCount to the expected load before the update; the lasting fix is an UpdateEndpoint with RetainAllVariantProperties (a provider change, terraform-provider-aws PR #49069)",
            source: "AWS docs 'Update endpoints that use auto scaling' (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html, RetainAllVariantProperties); terraform-provider-aws PR #49069; design notes §7",
        });
        const instanceTypeChanged = config?.changed.some((changed) => /^productionVariants\[\d+\]\.instanceType$/.test(changed)) ?? false;
        if (instanceTypeChanged) {
            hazards.push({
                kind: "refused-in-place",
                target: endpoint.target,
                resources: [endpoint.name, config!.name, scaling.name],
                message: `${config!.name} changes the instance type of an autoscaled variant: UpdateEndpoint fails until the variant is deregistered as a scalable target.`,
                remedy: "take the variant out of autoscaling in one `up` (scaling.maxInstances = minInstances off, or remove scaling), change the instance type in the next, then restore scaling; or deploy the new instance type as a new endpoint and move callers",
                source: "AWS docs 'Update endpoints that use auto scaling' (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html): an update that changes the instance type of an autoscaled variant fails",
            });
        }
    }
    return hazards;
}

/** An Azure ML deployment updated in place: a PUT of the whole body (capacity reset when autoscaled); instance type is fixed. */
function azureDeploymentUpdates(changes: readonly ResourceChange[]): Omit<Hazard, "level">[] {
    const hazards: Omit<Hazard, "level">[] = [];
    const autoscales = changes.filter((change) => change.type === AZURE_AUTOSCALE && change.base !== undefined);
    for (const deployment of changes.filter((change) => change.type === AZURE_DEPLOYMENT && change.action === "update")) {
        const deploymentName = deployment.base!.inputs["deploymentName"];
        const autoscale = autoscales.find((setting) => Object.values(setting.base!.propertyDependencies).flat().includes(deployment.urn)
            || (typeof deploymentName === "string" && leafStrings(setting.base!.inputs["targetResourceUri"]).some((uri) => uri.endsWith(`/deployments/${deploymentName}`))));
        if (autoscale !== undefined) {
            const capacity = (deployment.head!.inputs["sku"] as { capacity?: number } | undefined)?.capacity;
            hazards.push({
                kind: "capacity-reset",
                target: deployment.target,
                resources: [deployment.name, autoscale.name],
                message: `${deployment.name} is updated in place while ${autoscale.name} scales it: azure-native PUTs the whole deployment, and with ignoreChanges on sku.capacity it re-sends the capacity in the state (${capacity ?? "the initial count"}), not what autoscale set.`,
                remedy: "set instanceCount to the expected load before such an update, or roll changes out as a new deployment (rollout.strategy: blue-green) so the live one is not PUT",
                source: "learn.microsoft.com Update-AzMLWorkspaceOnlineDeployment (the PATCH takes only sku and tags; azure-native uses PUT); design notes §7",
            });
        }
        if (deployment.changed.some((changed) => changed === "properties.instanceType")) {
            hazards.push({
                kind: "refused-in-place",
                target: deployment.target,
                resources: [deployment.name],
                message: `${deployment.name} changes properties.instanceType in place: Azure ML does not change the VM size of an existing deployment; the PUT is refused.`,
                remedy: "roll the new instance type out as a new deployment (rollout.strategy: blue-green, or a new deployment name) and move traffic to it",
                source: "azure-rest-api-specs machinelearningservices mfe.json OnlineDeployments_Update (PATCH: sku and tags only); issue #14 §3",
            });
        }
    }
    return hazards;
}

/** What one of this project's dynamic providers refuses in its `check`: `pulumi up` stops at preview. */
function providerRefusals(changes: readonly ResourceChange[]): Omit<Hazard, "level">[] {
    return changes.flatMap((change) => (change.refusals ?? []).map((refusal) => ({
        kind: "refused-in-place" as const,
        target: change.target,
        resources: [change.name],
        message: `${change.name}'s provider refuses the change at preview: ${refusal}`,
        remedy: "follow the steps the refusal names",
        source: change.source ?? change.type,
    })));
}
