import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// IAM pieces every AWS target needs, written once so each role stays least-privilege the same way.

/** One IAM policy statement, as AWS's JSON spells it. */
export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string[];
    readonly Resource: string[];
    readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** Where a component's ARNs live: partition (`aws`, `aws-cn`, `aws-us-gov`), region and account, looked up once. */
export interface AwsPlacement {
    readonly partition: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    readonly account: pulumi.Output<string>;
}

export function awsPlacement(parent: pulumi.Resource): AwsPlacement {
    return {
        partition: aws.getPartitionOutput({}, { parent }).partition,
        region: aws.getRegionOutput({}, { parent }).region,
        account: aws.getCallerIdentityOutput({}, { parent }).accountId,
    };
}

/**
 * A role that only `servicePrincipal` (e.g. `sagemaker.amazonaws.com`) can assume, and only on behalf of this
 * account: `aws:SourceAccount` in the trust policy (IAM User Guide, "The confused deputy problem";
 * SageMaker Developer Guide, "Cross-service confused deputy prevention").
 */
export function roleForService(name: string, servicePrincipal: string, account: pulumi.Input<string>, tags: Record<string, string>, parent: pulumi.Resource): aws.iam.Role {
    return new aws.iam.Role(name, {
        assumeRolePolicy: pulumi.output(account).apply((accountId) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow",
                Principal: { Service: servicePrincipal },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            }],
        })),
        tags,
    }, { parent });
}

/** The ARN of a CloudWatch log group, built from its name so a role can be scoped before the group exists. */
export function awsLogGroupArn(where: AwsPlacement, logGroupName: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${where.partition}:logs:${where.region}:${where.account}:log-group:${logGroupName}`;
}

/** Write this one log group's streams, and nothing else. */
export function writeLogsStatement(logGroupArn: string): PolicyStatement {
    return {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:log-stream:*`],
    };
}
