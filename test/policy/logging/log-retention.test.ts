import { expect } from "chai";
import { logGroupRetention } from "../../../policy/logging/log-retention";
import { AWS } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

describe("policy log-group-retention", () => {
    const policy = logGroupRetention;
    const compliantGroup = { name: "/aws/lambda/churn-classifier-dev", retentionInDays: 14 };

    it("passes a log group with retention", async () => {
        expect(await violationsOf(policy, resource(AWS.cloudwatchLogGroup, compliantGroup))).to.deep.equal([]);
    });

    it("denies a log group kept forever, naming the value", async () => {
        const forever = mutate(compliantGroup, (group) => { group.retentionInDays = 0; });
        const violations = await violationsOf(policy, resource(AWS.cloudwatchLogGroup, forever, { name: "logs" }));
        expect(violations).to.have.length(1);
        expect(violations[0]).to.include({ policy: "log-group-retention", level: "mandatory", message: "logs: retentionInDays is 0; every log group requires a retention of at least 1 day" });
    });

    it("denies a log group with no retention set, SageMaker's included", async () => {
        const unset = mutate(compliantGroup, (group) => { delete (group as Partial<typeof group>).retentionInDays; group.name = "/aws/sagemaker/Endpoints/churn-prod"; });
        const [violation] = await violationsOf(policy, resource(AWS.cloudwatchLogGroup, unset, { stack: "prod" }));
        expect(violation?.message).to.match(/retentionInDays is not set/);
    });
});
