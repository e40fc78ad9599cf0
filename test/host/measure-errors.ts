// `node --import tsx test/host/measure-errors.ts`: how long a program error takes to surface under the CLI's
// process model (test/host/cli-host.ts), and the process's peak RSS, with Pulumi.yaml's `nodeargs` and without.
// Needs /usr/bin/time (GNU time) for the peak RSS. Prints figures; asserts nothing.
import * as fs from "node:fs";
import { ensureBuilt, projectNodeArgs, runUnderCli } from "./cli-host";
import { errorCases } from "./error-cases";

async function main(): Promise<void> {
    ensureBuilt();
    const wrapper = fs.existsSync("/usr/bin/time") ? ["/usr/bin/time", "-f", "peak-rss-kib=%M"] : [];
    console.log(`node ${process.version}; Pulumi.yaml nodeargs: ${JSON.stringify(projectNodeArgs().join(" "))}`);
    for (const nodeArgs of [projectNodeArgs(), []]) {
        for (const errorCase of errorCases()) {
            const run = await runUnderCli(errorCase.stack, errorCase.config, { nodeArgs, wrapper });
            const rss = /peak-rss-kib=(\d+)/.exec(run.stderr)?.[1];
            const reported = run.logs.some((log) => log.severity === "ERROR" && log.message.includes(errorCase.expected));
            console.log(`${nodeArgs.length ? `nodeargs ${JSON.stringify(nodeArgs.join(" "))}` : "no nodeargs"} | ${errorCase.label}: exit ${run.code}, ` +
                `${(run.elapsedMs / 1000).toFixed(2)} s, peak RSS ${rss ? `${(Number(rss) / 1024).toFixed(0)} MiB` : "unknown"}, error reported: ${reported}`);
        }
    }
}

void main();
