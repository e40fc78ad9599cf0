import type { MockOutputs } from "../recorder";

// Plausible provider outputs for the AWS resources and invokes the components use, so outputs that
// feed other resources (ARNs, URLs, digests) look like the real thing under mocks.

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

export const awsMockOutputs: MockOutputs = {
    resources: {
        "aws:s3/bucket:Bucket": (name) => ({ bucket: name, arn: `arn:aws:s3:::${name}` }),
        "aws:ecr/repository:Repository": (name) => ({
            arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
            registryId: ACCOUNT,
            repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`,
        }),
        "docker:index/image:Image": (_name, inputs) => {
            const imageName = String(inputs["imageName"]);
            return { repoDigest: `${imageName.split(":").slice(0, -1).join(":")}@sha256:${"0".repeat(63)}1` };
        },
        "aws:iam/role:Role": (name) => ({ arn: `arn:aws:iam::${ACCOUNT}:role/${name}` }),
        "aws:kms/key:Key": (name) => ({ arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${name}` }),
        "aws:sagemaker/model:Model": (name, inputs) => ({ name: inputs["name"] ?? name, arn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model/${name}` }),
        "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (name, inputs) => ({ name: inputs["name"] ?? name }),
        "aws:sagemaker/endpoint:Endpoint": (name, inputs) => ({ arn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${inputs["name"] ?? name}` }),
        "aws:cloudwatch/metricAlarm:MetricAlarm": (name, inputs) => ({ name: inputs["name"] ?? name, arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}` }),
        "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => ({ arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${inputs["name"] ?? name}` }),
        "aws:lambda/function:Function": (name, inputs) => {
            const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${inputs["name"] ?? name}`;
            return { arn, qualifiedArn: `${arn}:1`, version: "1", invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations` };
        },
        "aws:lambda/alias:Alias": (name, inputs) => {
            const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${inputs["functionName"]}:${inputs["name"] ?? name}`;
            return { arn, invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations` };
        },
        "aws:apigatewayv2/api:Api": (name) => ({
            apiEndpoint: `https://${name}-id.execute-api.${REGION}.amazonaws.com`,
            executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${name}-id`,
            arn: `arn:aws:apigateway:${REGION}::/apis/${name}-id`,
        }),
        "aws:apigatewayv2/stage:Stage": (name, inputs) => ({
            invokeUrl: `https://${inputs["apiId"]}.execute-api.${REGION}.amazonaws.com/`,
            executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${inputs["apiId"]}/${inputs["name"] ?? name}`,
        }),
        "aws:cloudwatch/eventRule:EventRule": (name, inputs) => ({ name: inputs["name"] ?? name, arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${inputs["name"] ?? name}` }),
        "aws:iam/policy:Policy": (name) => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/${name}` }),
    },
    calls: {
        "aws:index/getRegion:getRegion": () => ({ name: REGION, region: REGION, id: REGION }),
        "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" }),
        "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/synth`, userId: "synth", id: ACCOUNT }),
        "aws:ecr/getAuthorizationToken:getAuthorizationToken": () => ({ userName: "AWS", password: "mock-token", authorizationToken: "mock", proxyEndpoint: "https://mock", expiresAt: "never", id: "token" }),
    },
};
