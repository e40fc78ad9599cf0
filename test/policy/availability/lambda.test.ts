import { expect } from "chai";
import { prodLambdaProvisionedConcurrency } from "../../../policy/availability/lambda";
import { AWS } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

// @pulumi/policy's sentinel for a number unknown at preview (not exported by the package).
const unknownNumberValue = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";

// Provisioned-concurrency configs carry no tags: their stage is the stack in the URN.
const compliantConfig = { functionName: "churn-classifier-prod", qualifier: "live", provisionedConcurrentExecutions: 2 };

describe("policy prod-lambda-provisioned-concurrency", () => {
    const policy = prodLambdaProvisionedConcurrency;

    it("passes 2 provisioned environments in prod", async () => {
        expect(await violationsOf(policy, resource(AWS.lambdaProvisionedConcurrency, compliantConfig, { stack: "prod" }))).to.deep.equal([]);
    });

    it("denies 1 in prod, naming the property and the values", async () => {
        const one = mutate(compliantConfig, (config) => { config.provisionedConcurrentExecutions = 1; });
        const violations = await violationsOf(policy, resource(AWS.lambdaProvisionedConcurrency, one, { stack: "prod", name: "lambda-provisioned" }));
        expect(violations).to.have.length(1);
        expect(violations[0]).to.include({ policy: "prod-lambda-provisioned-concurrency", level: "mandatory", resource: "lambda-provisioned" });
        expect(violations[0]!.message).to.equal("lambda-provisioned: provisionedConcurrentExecutions is 1; production requires at least 2");
    });

    it("ignores dev, and honours a configured minimum", async () => {
        const one = mutate(compliantConfig, (config) => { config.provisionedConcurrentExecutions = 1; });
        expect(await violationsOf(policy, resource(AWS.lambdaProvisionedConcurrency, one, { stack: "dev" }))).to.deep.equal([]);
        expect(await violationsOf(policy, resource(AWS.lambdaProvisionedConcurrency, compliantConfig, { stack: "prod" }), { minProvisionedConcurrency: 3 }))
            .to.have.length(1);
    });

    it("reports a count unknown at preview as advisory, like the CLI", async () => {
        const unknown = mutate(compliantConfig, (config) => { (config as Record<string, unknown>)["provisionedConcurrentExecutions"] = unknownNumberValue; });
        const [violation] = await violationsOf(policy, resource(AWS.lambdaProvisionedConcurrency, unknown, { stack: "prod" }));
        expect(violation).to.include({ level: "advisory" });
    });
});
