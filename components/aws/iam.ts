import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// IAM pieces every AWS target needs, written once so each role stays least-privilege the same way.

/** One IAM policy statement, as AWS's JSON spells it. */
export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string[];
    readonly Resource: string[];
}

/** A role that only `servicePrincipal` (e.g. `sagemaker.amazonaws.com`) can assume. */
export function roleForService(name: string, servicePrincipal: string, tags: Record<string, string>, parent: pulumi.Resource): aws.iam.Role {
    return new aws.iam.Role(name, {
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: servicePrincipal }, Action: "sts:AssumeRole" }],
        }),
        tags,
    }, { parent });
}

/** The ARN of a CloudWatch log group, built from its name so a role can be scoped before the group exists. */
export function awsLogGroupArn(region: pulumi.Input<string>, account: pulumi.Input<string>, logGroupName: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:aws:logs:${region}:${account}:log-group:${logGroupName}`;
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
