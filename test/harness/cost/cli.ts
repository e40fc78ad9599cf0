// `npm run cost -- --stack <name> [--config-file FILE] [--traffic FILE | --requests-per-day N]
//                 [--against <git-ref | FILE>] [--json-out FILE] [--markdown] [--lines]`
//
// The monthly cost of a stack, offline: the synth's plan (the program under Pulumi mocks) priced from the price
// book in policy/lib/cost/prices/. Per target floor, ceiling and expected cost for a traffic profile, the stack's
// total, the break-even between serverless and always-on targets and a recommendation. `--against` prices the other
// side of the plan diff's two-sided run (test/harness/two-sided.ts: another stack file, or a commit's code and config)
// and prints the change per target. Exit 1 on bad input (config, traffic file, --against).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { breakEvens, recommend } from "../../../policy/lib/cost/advice";
import { estimateCost, PlannedResource } from "../../../policy/lib/cost/estimate";
import { readDates } from "../../../policy/lib/cost/prices";
import { DEFAULT_TRAFFIC, TrafficProfile, trafficProfile, TrafficProfileError } from "../../../policy/lib/cost/traffic";
import { isConfigError, synthesize } from "../synth";
import { readStackFile, REPO_ROOT, stackFilePath, StackFileConfig } from "../run-program";
import { isStackFile, planBothSides } from "../two-sided";
import { CostReport, formatMarkdown, formatReport } from "./report";

const USAGE = "usage: npm run cost -- --stack <name> [--config-file FILE] [--traffic FILE | --requests-per-day N] [--against <git-ref | FILE>] [--json-out FILE] [--markdown] [--lines]";

/** A traffic file (YAML) as a validated profile; errors name the file, the key, the value and what is allowed. */
export function loadTrafficFile(file: string): TrafficProfile {
    if (!fs.existsSync(file)) throw new TrafficProfileError(`traffic file ${file} does not exist`);
    let document: unknown;
    try {
        document = parseYaml(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new TrafficProfileError(`traffic file ${file} is not valid YAML: ${(error as Error).message}`);
    }
    return trafficProfile(document, `traffic file ${file}`);
}

/** What the stack file says the estimate needs beyond the plan: the default regions and the model directory's size. */
export function stackFacts(config: StackFileConfig): { awsRegion?: string; gcpRegion?: string; azureLocation?: string; artifactBytes?: number } {
    const text = (key: string) => (typeof config[key] === "string" ? (config[key] as string) : undefined);
    const model = config["ml-endpoints:model"] as { path?: unknown } | undefined;
    const dir = typeof model?.path === "string" ? path.resolve(REPO_ROOT, model.path) : undefined;
    const facts = { awsRegion: text("aws:region"), gcpRegion: text("gcp:region"), azureLocation: text("azure-native:location"), artifactBytes: dir !== undefined && fs.existsSync(dir) ? directoryBytes(dir) : undefined };
    return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined));
}

function directoryBytes(dir: string): number {
    return fs.readdirSync(dir, { withFileTypes: true }).reduce((total, entry) => {
        const full = path.join(dir, entry.name);
        return total + (entry.isDirectory() ? directoryBytes(full) : entry.isFile() ? fs.statSync(full).size : 0);
    }, 0);
}

/** The base side's stack config, for its AWS region: the `--against` file, or `Pulumi.<stack>.yaml` at the ref (else the head's). */
function baseStackConfig(stack: string, against: string, headFile: string): StackFileConfig {
    if (isStackFile(against)) return readStackFile(path.resolve(against));
    try {
        const text = execFileSync("git", ["show", `${against}:Pulumi.${stack}.yaml`], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        const config = (parseYaml(text) as { config?: StackFileConfig } | null)?.config;
        if (config !== undefined && config !== null && typeof config === "object") return config;
    } catch {
        // The ref has no such stack file (an empty base) or is not a ref (two-sided.ts has said so already).
    }
    return readStackFile(headFile);
}

export interface CostOptions {
    readonly configFile?: string;
    readonly traffic?: TrafficProfile;
    readonly against?: string;
}

/** Synthesizes the stack (and, with `against`, the base) and prices it; the CLI only prints this. */
export async function costReport(stack: string, options: CostOptions = {}): Promise<CostReport> {
    const configFile = path.resolve(options.configFile ?? stackFilePath(stack));
    const traffic = options.traffic ?? DEFAULT_TRAFFIC;
    const price = (resources: readonly PlannedResource[], file: string) => estimateCost(resources, { traffic, ...stackFacts(readStackFile(file)) });
    let head: readonly PlannedResource[];
    let base: CostReport["base"];
    if (options.against !== undefined) {
        const sides = await planBothSides(stack, options.against, { configFile });
        head = sides.head.report.resources;
        base = { label: sides.base.label, estimate: estimateCost(sides.base.report.resources, { traffic, ...stackFacts(baseStackConfig(stack, options.against, configFile)) }) };
    } else {
        head = (await synthesize(stack, configFile)).report.resources;
    }
    const estimate = price(head, configFile);
    return {
        stack,
        configFile: path.relative(process.cwd(), configFile) || configFile,
        traffic,
        pricesRead: readDates().newest,
        estimate,
        breakEvens: breakEvens(estimate),
        recommendation: recommend(traffic, estimate),
        ...(base === undefined ? {} : { base }),
    };
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" },
            "config-file": { type: "string" },
            traffic: { type: "string" },
            "requests-per-day": { type: "string" },
            against: { type: "string" },
            "json-out": { type: "string" },
            markdown: { type: "boolean", default: false },
            lines: { type: "boolean", default: false },
        },
    });
    if (values.stack === undefined) {
        console.error(USAGE);
        return 2;
    }
    if (values.traffic !== undefined && values["requests-per-day"] !== undefined) throw new TrafficProfileError("give --traffic or --requests-per-day, not both");
    let traffic = values.traffic === undefined ? DEFAULT_TRAFFIC : loadTrafficFile(values.traffic);
    if (values["requests-per-day"] !== undefined) {
        const requests = Number(values["requests-per-day"]);
        traffic = trafficProfile({ requestsPerDay: Number.isNaN(requests) ? values["requests-per-day"] : requests }, "--requests-per-day");
    }
    const report = await costReport(values.stack, { configFile: values["config-file"], traffic, against: values.against });
    console.log(values.markdown ? formatMarkdown(report) : formatReport(report, { lines: values.lines }));
    if (values["json-out"] !== undefined) {
        fs.writeFileSync(values["json-out"], `${JSON.stringify(report, (_key, value) => (value === Infinity ? "unbounded" : Number.isNaN(value) ? "unknown" : value), 2)}\n`);
        if (!values.markdown) console.log(`\nWrote ${values["json-out"]}`);
    }
    return 0;
}

if (require.main === module) {
    main().then((code) => process.exit(code), (error: unknown) => {
        const message = (error as Error).message ?? String(error);
        // Config, traffic and --against errors already name the key or argument, the value and what is allowed.
        const known = isConfigError(error) || error instanceof TrafficProfileError || message.startsWith("--against ");
        console.error(known ? message : `cost failed: ${message}`);
        process.exit(1);
    });
}
