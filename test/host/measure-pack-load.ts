// `node --import tsx test/host/measure-pack-load.ts`: how long the policy pack takes to come up under
// run-policy-pack (spawn → port on stdout), shipped compiled (package.json main → bin/index.js) and as
// TypeScript source (main → index.ts, compiled and type-checked by the SDK's ts-node on every start), and
// what happens when TypeScript is not installed (as an `--omit=dev` install was before it became a dependency).
// Each variant is a copy of policy/ in a temp folder whose node_modules links to policy/node_modules'
// entries, resolved by their links (--preserve-symlinks, --preserve-symlinks-main), so a left-out package is really missing. Prints
// figures; asserts nothing.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { POLICY_DIR, PolicyPackProcess } from "./policy-host";

const RUNS = 3;

function packCopy(main: string, withoutModules: readonly string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-load-"));
    for (const entry of fs.readdirSync(POLICY_DIR)) {
        if (entry !== "node_modules") fs.cpSync(path.join(POLICY_DIR, entry), path.join(dir, entry), { recursive: true });
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { main: string };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ ...manifest, main }, null, 2));
    fs.mkdirSync(path.join(dir, "node_modules/@types"), { recursive: true });
    for (const scope of ["", "@types"]) {
        for (const entry of fs.readdirSync(path.join(POLICY_DIR, "node_modules", scope))) {
            const name = scope ? `${scope}/${entry}` : entry;
            if (name === "@types" || withoutModules.includes(name)) continue;
            fs.symlinkSync(path.join(POLICY_DIR, "node_modules", name), path.join(dir, "node_modules", name));
        }
    }
    return dir;
}

async function main(): Promise<void> {
    await PolicyPackProcess.start().then((pack) => pack.stop()); // builds bin/ if stale
    const variants = [
        { label: "compiled (main bin/index.js)", main: "bin/index.js", without: [] },
        { label: "TypeScript source (main index.ts, ts-node type-checks)", main: "index.ts", without: [] },
        { label: "compiled, TypeScript not installed", main: "bin/index.js", without: ["typescript", "@types/node"] },
    ];
    for (const variant of variants) {
        const dir = packCopy(variant.main, variant.without);
        const times: string[] = [];
        for (let run = 0; run < RUNS; run++) {
            try {
                const pack = await PolicyPackProcess.start(dir, { ...process.env, NODE_OPTIONS: "--preserve-symlinks --preserve-symlinks-main" });
                times.push(`${(pack.loadMs / 1000).toFixed(2)} s (${(await pack.policyNames()).length} policies)`);
                pack.stop();
            } catch (error) {
                times.push(`failed: ${((error as Error).message.match(/TS\d+[^\n]*/g) ?? [(error as Error).message.split("\n")[0]]).slice(0, 2).join("; ")}`);
                break;
            }
        }
        console.log(`${variant.label}: ${times.join(", ")}`);
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

void main();
