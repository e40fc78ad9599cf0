// `npm test`'s pretest: the app tests run the real server, so build it first — and on a fresh clone,
// where only the root `npm ci` has run, install app/'s own dependencies once before that.
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const app = path.resolve(__dirname, "../../app");
const run = (command: string) => execSync(command, { cwd: app, stdio: "inherit" });

if (!fs.existsSync(path.join(app, "node_modules"))) {
    console.log("pretest: installing app/ dependencies (first run only): npm --prefix app ci");
    run("npm ci --no-audit --no-fund");
}
console.log("pretest: building app/ (npm --prefix app run build)");
run("npm run --silent build");
