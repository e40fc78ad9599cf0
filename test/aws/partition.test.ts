import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { lambdaPullPolicyDocument } from "../../components/aws/ecr-image";
import { awsLogGroupArn } from "../../components/aws/iam";
import { s3ObjectArn } from "../../components/aws/sagemaker-endpoint";
import { resolve } from "../harness/run-program";

// Hardening (issue #11): ARNs carry the account's partition ("Amazon Resource Names (ARNs)", AWS General
// Reference: arn:partition:service:region:account-id:…; partitions aws, aws-cn, aws-us-gov), never a hard-coded `arn:aws`.
describe("partition-aware ARNs", () => {
    it("builds log group, S3 object and Lambda source ARNs in the given partition", async () => {
        const where = { partition: pulumi.output("aws-cn"), region: pulumi.output("cn-north-1"), account: pulumi.output("123456789012") };
        expect(await resolve(awsLogGroupArn(where, "/aws/sagemaker/Endpoints/e"))).to.equal("arn:aws-cn:logs:cn-north-1:123456789012:log-group:/aws/sagemaker/Endpoints/e");
        expect(s3ObjectArn("aws-us-gov", "s3://models-bucket/churn/model.tar.gz")).to.equal("arn:aws-us-gov:s3:::models-bucket/churn/model.tar.gz");
        const statement = (lambdaPullPolicyDocument("aws-cn", "cn-north-1", "123456789012") as { Statement: { Condition: unknown }[] }).Statement[0]!;
        expect(statement.Condition).to.deep.equal({ StringLike: { "aws:sourceArn": "arn:aws-cn:lambda:cn-north-1:123456789012:function:*" } });
    });

    it("refuses an artifactUri that is not an S3 object, naming the key and the expected form", () => {
        expect(() => s3ObjectArn("aws", "https://example.com/model.tar.gz")).to.throw(/model\.artifactUri "https:\/\/example\.com\/model\.tar\.gz" is not an S3 object URI \(s3:\/\/<bucket>\/<key>/);
    });
});
