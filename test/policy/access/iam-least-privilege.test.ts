import { expect } from "chai";
import { iamLeastPrivilege } from "../../../policy/access/iam-least-privilege";
import { AWS } from "../../../policy/lib/resource-types";
import { messagesOf, mutate, resource, violationsOf } from "../harness";

const statements = [
    { Sid: "ReadModel", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::bucket/models/churn/*"] },
    { Sid: "Pull", Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: ["arn:aws:ecr:us-east-1:123456789012:repository/r"] },
    { Sid: "Auth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    { Sid: "Traces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
    { Sid: "NeverDelete", Effect: "Deny", Action: "s3:*", Resource: "*" },
];
type Statements = typeof statements;
const document = (found: Statements) => JSON.stringify({ Version: "2012-10-17", Statement: found });

describe("policy iam-least-privilege", () => {
    const rolePolicy = async (found: Statements, config = {}) =>
        messagesOf(await violationsOf(iamLeastPrivilege, resource(AWS.iamRolePolicy, { role: "r", policy: document(found) }, { name: "exec-policy" }), config));

    it("passes scoped statements, `*` only for actions without resource-level permissions, and wildcards in a Deny", async () => {
        expect(await rolePolicy(statements)).to.deep.equal([]);
    });

    it("denies a wildcard action", async () => {
        expect(await rolePolicy(mutate(statements, (found) => { found[0]!.Action = ["s3:Get*"]; })))
            .to.deep.equal(['exec-policy: policy Statement[0].Action is "s3:Get*"; name each action; wildcard actions are not allowed']);
    });

    it("denies `*` on an action that can be scoped", async () => {
        expect(await rolePolicy(mutate(statements, (found) => { found[2]!.Action = ["ecr:GetAuthorizationToken", "s3:GetObject"]; })))
            .to.deep.equal(['exec-policy: policy Statement[2].Resource is "*"; scope s3:GetObject to ARNs; "*" is allowed only for ecr:GetAuthorizationToken, xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules, xray:GetSamplingTargets, cloudwatch:PutMetricData, sts:GetCallerIdentity']);
    });

    it("denies NotAction in an Allow", async () => {
        expect(await rolePolicy(mutate(statements, (found) => { (found[0] as Record<string, unknown>)["NotAction"] = "iam:*"; })))
            .to.include('exec-policy: policy Statement[0].NotAction is "iam:*"; an Allow with NotAction grants everything else; list what is allowed instead');
    });

    it("honours a configured list of `*`-only actions", async () => {
        expect(await rolePolicy(statements, { actionsWithoutResourceLevelPermissions: ["ecr:GetAuthorizationToken"] })).to.have.length(1);
    });

    it("reads standalone policies and a role's inline policies too", async () => {
        const wildcard = mutate(statements, (found) => { found[1]!.Action = ["ecr:*"]; });
        const standalone = await violationsOf(iamLeastPrivilege, resource(AWS.iamPolicy, { policy: document(wildcard) }, { name: "p" }));
        expect(messagesOf(standalone)).to.deep.equal(['p: policy Statement[1].Action is "ecr:*"; name each action; wildcard actions are not allowed']);
        const inline = await violationsOf(iamLeastPrivilege, resource(AWS.iamRole, { assumeRolePolicy: "{}", inlinePolicies: [{ name: "i", policy: document(wildcard) }] }, { name: "role" }));
        expect(messagesOf(inline)).to.deep.equal(['role: inlinePolicies[0].policy Statement[1].Action is "ecr:*"; name each action; wildcard actions are not allowed']);
    });

    it("reports a policy document unknown at preview as advisory, like the CLI", async () => {
        const [violation] = await violationsOf(iamLeastPrivilege, resource(AWS.iamRolePolicy, { policy: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }));
        expect(violation).to.include({ level: "advisory" });
        expect(violation?.message).to.equal("can't run policy 'iam-least-privilege' during preview: string value at .policy can't be known during preview");
    });
});
