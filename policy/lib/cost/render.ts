import type { CloudPrices } from "./prices";

// Writes a cloud's price module (prices/<cloud>.ts) from data: the refresh script's output, and the format the
// hand-read figures are kept in, so a refresh shows as a plain diff of figures and dates.

const EXPORT_NAMES = { aws: "AWS_PRICES", gcp: "GCP_PRICES", azure: "AZURE_PRICES" } as const;

export function renderPriceModule(cloud: keyof typeof EXPORT_NAMES, prices: CloudPrices, header: string): string {
    const regions = Object.keys(prices).sort().map((region) => {
        const entries = Object.keys(prices[region]!).sort().map((key) => `        ${JSON.stringify(key)}: ${JSON.stringify(prices[region]![key])},`);
        return `    ${JSON.stringify(region)}: {\n${entries.join("\n")}\n    },`;
    });
    const comment = header.split("\n").map((line) => `// ${line}`.trimEnd()).join("\n");
    return `${comment}\nimport type { CloudPrices } from "../prices";\n\nexport const ${EXPORT_NAMES[cloud]}: CloudPrices = {\n${regions.join("\n")}\n};\n`;
}

/** The header comment of a rendered module, as `renderPriceModule` takes it (so a rewrite keeps it). */
export function headerOf(moduleText: string): string {
    return moduleText.split("\nimport")[0]!.split("\n").map((line) => line.replace(/^\/\/ ?/, "")).join("\n");
}
