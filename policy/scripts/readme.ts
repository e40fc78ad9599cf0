// `npm --prefix policy run readme`: regenerates, from ALL_POLICIES, the rule table in policy/README.md and
// examples/default.json (every configurable setting at its default). A test fails when either is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { ALL_POLICIES } from "../policies";
import { renderDefaultConfig, renderPolicyTable, withPolicyTable } from "../lib/readme-table";

const root = path.join(__dirname, "..");
rewrite(path.join(root, "README.md"), (before) => withPolicyTable(before, renderPolicyTable(ALL_POLICIES)));
rewrite(path.join(root, "examples", "default.json"), () => renderDefaultConfig(ALL_POLICIES));

function rewrite(file: string, render: (before: string) => string): void {
    const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const after = render(before);
    fs.writeFileSync(file, after);
    console.log(`${path.relative(process.cwd(), file)}: ${before === after ? "up to date" : "rewritten"} (${ALL_POLICIES.length} policies)`);
}
