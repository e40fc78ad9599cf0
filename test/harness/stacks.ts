import * as fs from "node:fs";
import { REPO_ROOT } from "./run-program";

/** Every stack this repository defines: one `Pulumi.<stack>.yaml` each (dev, staging, prod). */
export const STACKS: readonly string[] = fs.readdirSync(REPO_ROOT)
    .map((file) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
