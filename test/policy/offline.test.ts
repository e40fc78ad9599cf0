import type { StackValidationPolicy } from "@pulumi/policy";
import { expect } from "chai";
import { resourceGuardrail, stackGuardrail } from "../../policy/lib/guardrail";
import { reconcilePackConfig, runPoliciesOffline } from "../../policy/offline";
import { resource } from "./harness";

// The offline runner mirrors the CLI's analyzer: config reconciliation (schema defaults, `all`, per-policy
// entries), enforcement levels, unknown values at preview, and the stack view with parents and dependencies.

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const TYPE = "test:index/thing:Thing";
const schema = { properties: { limit: { type: "integer", default: 3 }, names: { type: "array", default: ["a"] } } } as const;
let seenConfig: Record<string, unknown> = {};
const probe = resourceGuardrail({
    name: "probe",
    description: "Reports the thing's size when it exceeds the limit.",
    severity: "low",
    enforcementLevel: "advisory",
    remediationSteps: "None: a test policy.",
    configSchema: schema,
    metadata: { id: "TAG-999", mirrors: [], reads: [TYPE] },
    validate: (args, reportViolation) => {
        seenConfig = args.getConfig();
        if ((args.props["size"] as number) > (seenConfig["limit"] as number)) reportViolation(`${args.name}: too big`);
        if (args.props["skip"] === true) args.notApplicable("skipped");
    },
});
const other = { ...probe, name: "other", enforcementLevel: "mandatory" as const };
const thing = (props: Record<string, unknown>) => resource(TYPE, props, { name: "thing" });

describe("the offline policy runner", () => {
    describe("pack config, reconciled as the CLI does", () => {
        it("fills each policy's config with its schema defaults, without configWithDefaults", async () => {
            await runPoliciesOffline([probe], [thing({ size: 1 })]);
            expect(seenConfig).to.deep.equal({ limit: 3, names: ["a"] });
        });

        it("merges a policy's settings over its defaults, one property at a time", async () => {
            await runPoliciesOffline([probe], [thing({ size: 1 })], { probe: { limit: 5 } });
            expect(seenConfig).to.deep.equal({ limit: 5, names: ["a"] });
        });

        it("applies `all` to every policy, and a policy's own level over `all`", () => {
            const levels = (config: Parameters<typeof reconcilePackConfig>[1]) =>
                [...reconcilePackConfig([probe, other], config).values()].map((found) => found.enforcementLevel);
            expect(levels({})).to.deep.equal(["advisory", "mandatory"]);
            expect(levels({ all: "mandatory" })).to.deep.equal(["mandatory", "mandatory"]);
            expect(levels({ all: { enforcementLevel: "disabled" }, probe: "advisory" })).to.deep.equal(["advisory", "disabled"]);
        });

        it("reports at the configured level, skips disabled policies, and reports remediate as mandatory", async () => {
            const big = [thing({ size: 9 })];
            expect((await runPoliciesOffline([probe], big))[0]).to.include({ level: "advisory", policy: "probe", resource: "thing", message: "thing: too big" });
            expect((await runPoliciesOffline([probe], big, { all: "mandatory" }))[0]).to.include({ level: "mandatory" });
            expect(await runPoliciesOffline([probe], big, { probe: "disabled" })).to.deep.equal([]);
            expect((await runPoliciesOffline([probe], big, { probe: "remediate" }))[0]).to.include({ level: "mandatory" });
        });

        it("refuses an unknown enforcement level", async () => {
            let failure: unknown;
            await runPoliciesOffline([probe], [], { probe: "fatal" as never }).catch((error: unknown) => { failure = error; });
            expect((failure as Error).message).to.equal('policy config "probe": "fatal" is not an enforcement level; allowed: advisory, mandatory, remediate, disabled');
        });
    });

    describe("preview semantics", () => {
        it("reports a rule that reads an unknown value as advisory can't-run, even when it is mandatory", async () => {
            expect(await runPoliciesOffline([other], [thing({ size: UNKNOWN })])).to.deep.equal([
                { policy: "other", level: "advisory", resource: "thing", message: "can't run policy 'other' during preview: string value at .size can't be known during preview" },
            ]);
        });

        it("reports nothing for a policy that declares itself not applicable", async () => {
            expect(await runPoliciesOffline([probe], [thing({ size: 9, skip: true })])).to.have.length(1); // the violation, no error
            expect(await runPoliciesOffline([probe], [thing({ size: 1, skip: true })])).to.deep.equal([]);
        });
    });

    describe("stack policies", () => {
        it("see parents and property dependencies as the engine links them", async () => {
            const component = resource("test:index:Component", {}, { name: "component" });
            const source = resource(TYPE, {}, { name: "source", parent: component });
            const consumer = resource(TYPE, { from: UNKNOWN }, { name: "consumer", parent: component, propertyDependencies: { from: [source] } });
            const links: string[] = [];
            const linker: StackValidationPolicy = stackGuardrail({
                name: "linker", description: "Records links.", severity: "low", enforcementLevel: "advisory", remediationSteps: "None: a test policy.",
                metadata: { id: "TAG-998", mirrors: [], reads: [TYPE] },
                validateStack: (args) => {
                    for (const found of args.resources) {
                        links.push(`${found.name} parent=${found.parent?.name ?? "-"} from=${(found.propertyDependencies["from"] ?? []).map((dependency) => dependency.name).join(",") || "-"}`);
                    }
                },
            });
            expect(await runPoliciesOffline([linker], [component, source, consumer])).to.deep.equal([]);
            expect(links).to.deep.equal(["component parent=- from=-", "source parent=component from=-", "consumer parent=component from=source"]);
        });
    });
});
