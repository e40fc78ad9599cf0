// The VM sizes Azure ML managed online endpoints offer, with their cores, from Microsoft's
// "Managed online endpoints SKU list" (learn.microsoft.com/azure/machine-learning/reference-managed-online-endpoints-vm-sku-list).
// Azure ML keeps 20% extra quota for upgrades on every size except those marked `skipsReservation`.

/** One VM size a managed online deployment may use. */
export interface ManagedOnlineSku {
    /** The size as Azure spells it in templates, e.g. `Standard_DS3_v2`. */
    readonly name: string;
    readonly cores: number;
    /** True for the sizes Azure ML does not reserve the extra 20% upgrade quota for. */
    readonly skipsReservation: boolean;
}

type Family = readonly [template: string, sizes: readonly number[], skipsReservation?: boolean];

// `{n}` is the size's number; for these families the number is also the core count.
const FAMILIES: readonly Family[] = [
    ["Standard_D{n}as_v4", [2, 4, 8, 16, 32, 48, 64, 96]],
    ["Standard_D{n}a_v4", [2, 4, 8, 16, 32, 48, 64, 96]],
    ["Standard_E{n}s_v3", [2, 4, 8, 16, 32, 48, 64]],
    ["Standard_F{n}s_v2", [2, 4, 8, 16, 32, 48, 64, 72]],
    ["Standard_FX{n}mds", [4, 12, 24, 36, 48]],
    ["Standard_L{n}as_v3", [8, 16, 32, 48, 64, 80]],
    ["Standard_L{n}s_v2", [8, 16, 32, 48, 64, 80]],
    ["Standard_L{n}s_v3", [8, 16, 32, 48, 64, 80]],
    ["Standard_NC{n}as_T4_v3", [4, 8, 16, 64]],
    ["Standard_NC{n}s_v2", [6, 12, 24]],
    ["Standard_NC{n}s_v3", [6, 12, 24]],
    ["Standard_NC{n}ads_A100_v4", [24, 48, 96], true],
    ["Standard_NV{n}ads_A10_v5", [6, 12, 18, 36, 72]],
];

// Sizes whose number is not their core count, or that fit no family above.
const SINGLES: readonly ManagedOnlineSku[] = [
    { name: "Standard_DS1_v2", cores: 1, skipsReservation: false },
    { name: "Standard_DS2_v2", cores: 2, skipsReservation: false },
    { name: "Standard_DS3_v2", cores: 4, skipsReservation: false },
    { name: "Standard_DS4_v2", cores: 8, skipsReservation: false },
    { name: "Standard_DS5_v2", cores: 16, skipsReservation: false },
    { name: "Standard_NV36adms_A10_v5", cores: 36, skipsReservation: false },
    { name: "Standard_NC40ads_H100_v5", cores: 40, skipsReservation: true },
    { name: "Standard_NC80adis_H100_v5", cores: 80, skipsReservation: true },
    { name: "Standard_ND96amsr_A100_v4", cores: 96, skipsReservation: true },
    { name: "Standard_ND96asr_v4", cores: 96, skipsReservation: true },
    { name: "Standard_ND40rs_v2", cores: 40, skipsReservation: true },
    { name: "Standard_ND96is_H100_v5", cores: 96, skipsReservation: true },
    { name: "Standard_ND96isr_H100_v5", cores: 96, skipsReservation: true },
];

/** Every size, keyed by its upper-cased name: Azure matches sizes case-insensitively. */
export const MANAGED_ONLINE_SKUS: ReadonlyMap<string, ManagedOnlineSku> = new Map(
    [
        ...FAMILIES.flatMap(([template, sizes, skipsReservation = false]) =>
            sizes.map((size) => ({ name: template.replace("{n}", String(size)), cores: size, skipsReservation }))),
        ...SINGLES,
    ].map((sku) => [sku.name.toUpperCase(), sku]),
);

/** The size a deployment runs when the stack names none: 4 cores, 14 GiB. */
export const AZUREML_DEFAULT_INSTANCE_TYPE = "Standard_DS3_v2";

/** A few sizes to name in error messages, smallest useful first. */
export const EXAMPLE_MANAGED_ONLINE_SKUS = ["Standard_DS2_v2", "Standard_DS3_v2", "Standard_F4s_v2", "Standard_E4s_v3"] as const;

/** The size for `instanceType`, matched case-insensitively; `undefined` when managed online endpoints do not offer it. */
export function managedOnlineSku(instanceType: string): ManagedOnlineSku | undefined {
    return MANAGED_ONLINE_SKUS.get(instanceType.toUpperCase());
}

/** The message for a size managed online endpoints do not offer. */
export function unofferedSkuMessage(instanceType: string): string {
    return `instanceType ${JSON.stringify(instanceType)} is not offered by Azure ML managed online endpoints (e.g. ${EXAMPLE_MANAGED_ONLINE_SKUS.join(", ")}; see the managed online endpoints SKU list)`;
}

/**
 * The cores of quota `instances` of `sku` need. Microsoft Learn, "Manage and increase quotas … Azure
 * Machine Learning", virtual machine quota allocation for deployment: `ceil(1.2 * number of instances
 * requested for deployment) * number of cores for the VM SKU` — the 20% is whole instances, so 3 ×
 * Standard_DS3_v2 (4 cores) needs ⌈3.6⌉ × 4 = 16 cores and 10 need 12 × 4 = 48. Exempt sizes need
 * `instances × cores`.
 */
export function quotaCores(sku: ManagedOnlineSku, instances: number): number {
    const reserved = sku.skipsReservation ? instances : Math.ceil(Math.round(instances * 12) / 10);
    return reserved * sku.cores;
}
