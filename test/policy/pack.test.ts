import * as fs from "node:fs";
import * as path from "node:path";
import type { Policies } from "@pulumi/policy";
import Ajv from "ajv";
import { expect } from "chai";
import { parse as parseYaml } from "yaml";
import { accessPolicies } from "../../policy/access";
import { availabilityPolicies } from "../../policy/availability";
import { costPolicies } from "../../policy/cost";
import { encryptionPolicies } from "../../policy/encryption";
import type { Guardrail } from "../../policy/lib/guardrail";
import { renderDefaultConfig, renderPolicyTable, withPolicyTable } from "../../policy/lib/readme-table";
import { loggingPolicies } from "../../policy/logging";
import { OfflinePackConfig, reconcilePackConfig } from "../../policy/offline";
import { ALL_POLICIES } from "../../policy/policies";
import { taggingPolicies } from "../../policy/tagging";
import { checkPackConfig } from "../harness/pack-config";
import { REPO_ROOT } from "../harness/run-program";

// The pack as a whole: every rule documented and configurable the way the CLI expects, the README and
// the default config generated from the rules, the example configs valid, the entry file thin.

const POLICY_DIR = path.join(REPO_ROOT, "policy");
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(POLICY_DIR, file), "utf8")) as OfflinePackConfig;
const guardrails = ALL_POLICIES as Guardrail[];

describe("the policy pack", () => {
    describe("every rule", () => {
        for (const policy of guardrails) {
            it(`${policy.metadata?.id ?? "?"} ${policy.name} is complete`, () => {
                expect(policy.name, "name").to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/).and.not.equal("all");
                expect(policy.description, "description").to.be.a("string").with.length.above(20);
                expect(policy.severity, "severity").to.be.oneOf(["low", "medium", "high", "critical"]);
                expect(policy.enforcementLevel, "enforcementLevel").to.be.oneOf(["advisory", "mandatory"]);
                expect(policy.remediationSteps, "remediationSteps").to.be.a("string").with.length.above(20);
                expect(policy.metadata.id, "metadata.id").to.match(/^(AVL|ACC|ENC|LOG|CST|TAG)-\d{3}$/);
                expect(policy.metadata.mirrors, "metadata.mirrors").to.be.an("array");
                expect(policy.metadata.reads, "metadata.reads").to.be.an("array").that.is.not.empty;
                // The CLI's analyzer exits when a schema declares enforcementLevel itself.
                expect(policy.configSchema?.properties ?? {}).not.to.have.property("enforcementLevel");
            });
        }

        it("has a unique id and a unique name", () => {
            const duplicates = (values: string[]) => values.filter((value, index) => values.indexOf(value) !== index);
            expect(duplicates(guardrails.map((policy) => policy.metadata.id))).to.deep.equal([]);
            expect(duplicates(guardrails.map((policy) => policy.name))).to.deep.equal([]);
        });

        it("sits in the concern folder its id names", () => {
            const folders: [string, Policies][] = [["AVL", availabilityPolicies], ["ACC", accessPolicies], ["ENC", encryptionPolicies], ["LOG", loggingPolicies], ["CST", costPolicies], ["TAG", taggingPolicies]];
            for (const [prefix, policies] of folders) {
                expect((policies as Guardrail[]).map((policy) => policy.metadata.id).filter((id) => !id.startsWith(prefix)), prefix).to.deep.equal([]);
            }
            expect(folders.reduce((count, [, policies]) => count + policies.length, 0)).to.equal(ALL_POLICIES.length);
        });

        it("has a config schema that compiles and whose defaults satisfy it", () => {
            const ajv = new Ajv({ strict: false });
            for (const policy of ALL_POLICIES) {
                const validate = ajv.compile({ type: "object", properties: policy.configSchema?.properties ?? {} });
                expect(validate(reconcilePackConfig([policy]).get(policy.name)!.properties), `${policy.name}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
            }
        });
    });

    describe("generated documentation", () => {
        it("policy/README.md lists every rule, with its anchor (run `npm --prefix policy run readme` if this fails)", () => {
            const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
            expect(readme).to.equal(withPolicyTable(readme, renderPolicyTable(ALL_POLICIES)));
            for (const policy of guardrails) expect(readme).to.include(`<a id="${policy.metadata.id.toLowerCase()}"></a>${policy.metadata.id} | \`${policy.name}\``);
        });

        it("examples/default.json holds every policy at its defaults (run `npm --prefix policy run readme` if this fails)", () => {
            expect(fs.readFileSync(path.join(POLICY_DIR, "examples/default.json"), "utf8")).to.equal(renderDefaultConfig(ALL_POLICIES));
        });
    });

    describe("packaging", () => {
        it("versions the pack, with PulumiPolicy.yaml and package.json agreeing", () => {
            const manifest = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { version: string; scripts: Record<string, string> };
            const project = parseYaml(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")) as { runtime: string; version: string };
            expect(manifest.version).to.match(/^\d+\.\d+\.\d+$/);
            expect(project).to.include({ runtime: "nodejs", version: manifest.version });
            expect(manifest.scripts).to.have.property("readme");
        });

        it("has an entry file that only assembles the pack", () => {
            const entry = fs.readFileSync(path.join(POLICY_DIR, "index.ts"), "utf8");
            expect(entry.match(/^import .*$/gm)).to.deep.equal(['import { PolicyPack } from "@pulumi/policy";', 'import { ALL_POLICIES } from "./policies";']);
        });

        it("loads no cloud SDK and no @pulumi/pulumi at runtime: policies import only @pulumi/policy and each other", () => {
            const offenders: string[] = [];
            const walk = (dir: string) => {
                for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                    const file = path.join(dir, entry.name);
                    if (entry.isDirectory() && !["node_modules", "scripts", "examples"].includes(entry.name)) walk(file);
                    if (!entry.isFile() || !file.endsWith(".ts") || file === path.join(POLICY_DIR, "offline.ts")) continue;
                    for (const [, source] of fs.readFileSync(file, "utf8").matchAll(/^import (?!type )[^"']*["']([^"']+)["']/gm)) {
                        if (!source!.startsWith(".") && source !== "@pulumi/policy") offenders.push(`${path.relative(POLICY_DIR, file)}: ${source}`);
                    }
                }
            };
            walk(POLICY_DIR);
            expect(offenders).to.deep.equal([]);
        });
    });

    describe("configuration, validated as the CLI validates it", () => {
        it("accepts no config, the generated defaults and the strict organisation example", () => {
            for (const config of [{}, readJson("examples/default.json"), readJson("examples/strict-org.json")]) {
                expect(checkPackConfig(ALL_POLICIES, config)).to.deep.equal({ errors: [], unknownPolicies: [] });
            }
        });

        it("default.json changes nothing", () => {
            expect(reconcilePackConfig(ALL_POLICIES, readJson("examples/default.json"))).to.deep.equal(reconcilePackConfig(ALL_POLICIES));
        });

        it("strict-org.json counts staging as production on every stage-aware rule, and makes advisories mandatory", () => {
            const reconciled = reconcilePackConfig(ALL_POLICIES, readJson("examples/strict-org.json"));
            for (const policy of ALL_POLICIES.filter((found) => found.configSchema?.properties?.["productionStages"] !== undefined)) {
                expect(reconciled.get(policy.name)!.properties["productionStages"], policy.name).to.deep.equal(["staging", "prod"]);
            }
            expect(reconciled.get("images-pinned-by-digest")!.enforcementLevel).to.equal("mandatory");
            expect(reconciled.get("sagemaker-endpoint-kms")!.enforcementLevel).to.equal("advisory");
            expect(reconciled.get("required-tags")!.properties["requiredTags"]).to.include.members(["cost-center", "owner"]);
        });

        const bad: [string, OfflinePackConfig, string][] = [
            ["a stage list given as a string", { "prod-stack-min-serving-instances": { productionStages: "prod" } }, "prod-stack-min-serving-instances: productionStages must be array"],
            ["a minimum of zero instances", { "prod-stack-min-serving-instances": { minInstances: 0 } }, "prod-stack-min-serving-instances: minInstances must be >= 1"],
            ["an empty required tag", { "required-tags": { requiredTags: ["stage", ""] } }, "required-tags: requiredTags.1 must NOT have fewer than 1 characters"],
            ["an allow-list that is not a list", { "instance-type-allow-list": { instanceTypes: { dev: "ml.t3.medium" } } }, "instance-type-allow-list: instanceTypes.dev must be array"],
            ["a negative cap", { "max-instances-cap": { maxInstances: { prod: -1 } } }, "max-instances-cap: maxInstances.prod must be >= 1"],
            ["a role that is not a role", { "gcp-no-primitive-roles": { forbiddenRoles: ["owner"] } }, 'gcp-no-primitive-roles: forbiddenRoles.0 must match pattern "^roles/"'],
            ["an unknown enforcement level", { "required-tags": { enforcementLevel: "block" as never } }, 'policy config "required-tags": enforcementLevel "block" is not one of advisory, mandatory, remediate, disabled'],
            ["an unknown level under all", { all: "strict" as never }, 'policy config "all": "strict" is not an enforcement level; allowed: advisory, mandatory, remediate, disabled'],
        ];
        for (const [what, config, error] of bad) {
            it(`rejects ${what}, naming the policy and the setting`, () => {
                expect(checkPackConfig(ALL_POLICIES, config).errors).to.include(error);
            });
        }

        it("flags entries that name no policy (the CLI ignores them silently)", () => {
            expect(checkPackConfig(ALL_POLICIES, { "required-tag": { requiredTags: ["x"] } }).unknownPolicies).to.deep.equal(["required-tag"]);
        });
    });
});
