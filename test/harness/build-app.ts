// `npm test`'s pretest: the app tests run the real server, so build it first — and on a fresh clone,
// where only the root `npm ci` has run, install app/'s and policy/'s own dependencies once before that
// (the host tests start the compiled pack from policy/, which its `npm ci` builds through `prepare`).
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const run = (folder: string, command: string) => execSync(command, { cwd: path.join(root, folder), stdio: "inherit" });

for (const folder of ["app", "policy"]) {
    if (!fs.existsSync(path.join(root, folder, "node_modules"))) {
        console.log(`pretest: installing ${folder}/ dependencies (first run only): npm --prefix ${folder} ci`);
        run(folder, "npm ci --no-audit --no-fund");
    }
}
console.log("pretest: building app/ (npm --prefix app run build)");
run("app", "npm run --silent build");
