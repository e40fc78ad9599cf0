import { expect } from "chai";
import { LambdaEndpoint, LambdaEndpointArgs } from "../../components/aws/lambda-endpoint";
import type { RecordedResource } from "../harness/recorder";
import { input, ofType, single } from "../harness/query";
import { recordResources, resolve } from "../harness/run-program";

const MODEL = { name: "churn-classifier", version: "1.0.0", path: "app/model" };
const IMAGE = { uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/serving@sha256:" + "a".repeat(64) };
const PROD_ARGS: LambdaEndpointArgs = {
    stage: "prod",
    model: MODEL,
    image: IMAGE,
    memorySizeMb: 2048,
    provisionedConcurrency: 2,
    scaling: { minInstances: 2, maxInstances: 6, targetLoadPerInstance: 0.7 },
    monitoring: { alarms: true },
};
const DEV_ARGS: LambdaEndpointArgs = { stage: "dev", model: MODEL, image: IMAGE, memorySizeMb: 1024, reservedConcurrency: 5 };

const T = {
    fn: "aws:lambda/function:Function",
    alias: "aws:lambda/alias:Alias",
    provisioned: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
    permission: "aws:lambda/permission:Permission",
    api: "aws:apigatewayv2/api:Api",
    route: "aws:apigatewayv2/route:Route",
    integration: "aws:apigatewayv2/integration:Integration",
    authorizer: "aws:apigatewayv2/authorizer:Authorizer",
    stage: "aws:apigatewayv2/stage:Stage",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    scalingTarget: "aws:appautoscaling/target:Target",
} as const;

const build = (args: LambdaEndpointArgs) => recordResources("test", () => new LambdaEndpoint("lambda", args));
const permissionFor = (resources: RecordedResource[], principal: string) =>
    ofType(resources, T.permission).find((permission) => permission.inputs["principal"] === principal);

describe("LambdaEndpoint", () => {
    describe("prod", () => {
        let resources: RecordedResource[];
        let endpoint: LambdaEndpoint;
        before(async () => {
            const run = await build(PROD_ARGS);
            resources = run.resources;
            endpoint = run.result as unknown as LambdaEndpoint;
        });

        it("runs the image by digest as a traced, published container function with the Web Adapter's settings", () => {
            const fn = single(resources, T.fn);
            expect(fn.inputs).to.include({ packageType: "Image", imageUri: IMAGE.uri, memorySize: 2048, timeout: 15, publish: true, name: "churn-classifier-prod" });
            expect(fn.inputs["architectures"]).to.deep.equal(["x86_64"]);
            expect(input(fn, "tracingConfig", "mode")).to.equal("Active");
            expect(input(fn, "environment", "variables")).to.deep.equal({
                AWS_LWA_PORT: "8080",
                AWS_LWA_READINESS_CHECK_PATH: "/health/ready",
                AWS_LWA_PASS_THROUGH_PATH: "/events",
                MODEL_NAME: "churn-classifier",
                MODEL_VERSION: "1.0.0",
            });
        });

        it("creates the function's log group and the API's access log group, both with retention", () => {
            const names = ofType(resources, T.logGroup).map((group) => [group.inputs["name"], group.inputs["retentionInDays"]]);
            expect(names).to.deep.include(["/aws/lambda/churn-classifier-prod", 30]);
            expect(names).to.deep.include(["/aws/apigateway/churn-classifier-prod/access", 30]);
        });

        it("points the live alias at the published version and keeps 2 provisioned environments on it, autoscaled to 6", () => {
            const alias = single(resources, T.alias);
            expect(alias.inputs).to.include({ name: "live", functionName: "churn-classifier-prod", functionVersion: "1" });
            expect(alias.inputs["routingConfig"]).to.equal(undefined);
            expect(single(resources, T.provisioned).inputs).to.include({ qualifier: "live", provisionedConcurrentExecutions: 2 });
            const scaling = single(resources, T.scalingTarget);
            expect(scaling.inputs).to.include({
                serviceNamespace: "lambda", scalableDimension: "lambda:function:ProvisionedConcurrency",
                resourceId: "function:churn-classifier-prod:live", minCapacity: 2, maxCapacity: 6,
            });
        });

        // Finding 9. Two owners of one value: ProvisionedConcurrencyConfig and the Application Auto Scaling target
        // ("Configuring provisioned concurrency", Lambda Developer Guide: Application Auto Scaling manages it by
        // calling PutProvisionedConcurrencyConfig). A refresh read the scaled-out value and the next up reset it.
        it("leaves the live provisioned concurrency to the autoscaler: the config resource ignores later changes of it", () => {
            expect(single(resources, T.provisioned).options.ignoreChanges).to.deep.equal(["provisionedConcurrentExecutions"]);
        });

        it("lets only lambda.amazonaws.com assume its role, for this account only", () => {
            const trust = JSON.parse(String(single(resources, "aws:iam/role:Role").inputs["assumeRolePolicy"])).Statement[0];
            expect(trust).to.deep.include({ Principal: { Service: "lambda.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } });
        });

        it("wires POST /predict through a payload-2.0 proxy integration to the alias, with IAM auth", () => {
            const aliasArn = "arn:aws:lambda:us-east-1:123456789012:function:churn-classifier-prod:live";
            const integration = single(resources, T.integration);
            expect(integration.inputs).to.include({ integrationType: "AWS_PROXY", payloadFormatVersion: "2.0", integrationUri: aliasArn });
            const routes = ofType(resources, T.route);
            expect(routes.map((route) => [route.inputs["routeKey"], route.inputs["authorizationType"]])).to.deep.equal([["POST /predict", "AWS_IAM"]]);
            expect(routes[0]!.inputs["target"]).to.equal(`integrations/${integration.name}-id`);
        });

        it("lets only this API's predict route invoke the alias", () => {
            const permission = permissionFor(resources, "apigateway.amazonaws.com")!;
            expect(permission.inputs).to.include({
                action: "lambda:InvokeFunction", qualifier: "live",
                sourceArn: "arn:aws:execute-api:us-east-1:123456789012:lambda-api-id/*/POST/predict",
            });
        });

        it("logs every request at the stage and throttles its routes", () => {
            const stage = single(resources, T.stage);
            expect(input(stage, "accessLogSettings", "destinationArn")).to.equal("arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/churn-classifier-prod/access");
            expect(JSON.parse(String(input(stage, "accessLogSettings", "format")))).to.include({ requestId: "$context.requestId", status: "$context.status" });
            expect(input(stage, "defaultRouteSettings")).to.deep.equal({ throttlingBurstLimit: 200, throttlingRateLimit: 100 });
        });

        it("has no warm-up schedule, since provisioned concurrency keeps environments warm", () => {
            expect(ofType(resources, T.rule)).to.have.length(0);
            expect(endpoint.warmupEnabled).to.equal(false);
        });

        it("alarms on API 5xx and on the alias's duration", () => {
            const alarms = ofType(resources, T.alarm).map((alarm) => `${alarm.inputs["namespace"]} ${alarm.inputs["metricName"]}`);
            expect(alarms).to.have.members(["AWS/ApiGateway 5xx", "AWS/Lambda Duration"]);
        });

        it("exposes the invoke URL, function and alias", async () => {
            const [url, fnName, aliasArn] = await Promise.all([resolve(endpoint.invokeUrl), resolve(endpoint.functionName), resolve(endpoint.aliasArn)]);
            expect(url).to.equal("https://lambda-api-id.execute-api.us-east-1.amazonaws.com/predict");
            expect(fnName).to.equal("churn-classifier-prod");
            expect(aliasArn).to.match(/:function:churn-classifier-prod:live$/);
        });

        it("parents every child on itself and tags every taggable one", () => {
            const children = resources.filter((resource) => resource.custom);
            expect(children.filter((resource) => resource.parent !== "lambda").map((resource) => resource.name)).to.deep.equal([]);
            for (const resource of children.filter((child) => "tags" in child.inputs)) {
                expect(resource.inputs["tags"], resource.name).to.include({ stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier" });
            }
        });
    });

    describe("dev", () => {
        let resources: RecordedResource[];
        before(async () => { resources = (await build(DEV_ARGS)).resources; });

        it("keeps Pulumi the owner of a fixed provisioned concurrency (no autoscaling target)", async () => {
            const fixed = (await build({ ...DEV_ARGS, provisionedConcurrency: 2, scaling: { minInstances: 2, maxInstances: 2 } })).resources;
            expect(ofType(fixed, T.scalingTarget)).to.have.length(0);
            expect(single(fixed, T.provisioned).options.ignoreChanges).to.deep.equal([]);
        });

        it("has no provisioned concurrency and caps concurrency with a reservation", () => {
            expect(ofType(resources, T.provisioned)).to.have.length(0);
            expect(ofType(resources, T.scalingTarget)).to.have.length(0);
            expect(single(resources, T.fn).inputs["reservedConcurrentExecutions"]).to.equal(5);
        });

        it("pings the alias with {\"warmup\":true} every 5 minutes, allowed for that rule only", () => {
            const rule = single(resources, T.rule);
            expect(rule.inputs["scheduleExpression"]).to.equal("rate(5 minutes)");
            const target = single(resources, T.target);
            expect(target.inputs["input"]).to.equal('{"warmup":true}');
            expect(target.inputs["arn"]).to.equal("arn:aws:lambda:us-east-1:123456789012:function:churn-classifier-dev:live");
            expect(target.inputs["rule"]).to.equal(rule.name);
            expect(permissionFor(resources, "events.amazonaws.com")!.inputs).to.include({
                qualifier: "live", sourceArn: `arn:aws:events:us-east-1:123456789012:rule/${rule.name}`,
            });
        });
    });

    it("puts a JWT authorizer on the route for auth jwt", async () => {
        const { resources } = await build({ ...DEV_ARGS, auth: "jwt", jwt: { issuer: "https://issuer.example.com", audience: ["churn-api"] } });
        const authorizer = single(resources, T.authorizer);
        expect(authorizer.inputs).to.deep.include({ authorizerType: "JWT", jwtConfiguration: { issuer: "https://issuer.example.com", audiences: ["churn-api"] } });
        expect(single(resources, T.route).inputs).to.include({ authorizationType: "JWT", authorizerId: `${authorizer.name}-id` });
    });

    it("runs a canary by alias weights against the stable version, with an alarm on the new version's errors", async () => {
        const { resources } = await build({ ...DEV_ARGS, rollout: { strategy: "canary", canaryPercent: 10 }, stableVersion: "0" });
        const alias = single(resources, T.alias);
        expect(alias.inputs["functionVersion"]).to.equal("0");
        expect(alias.inputs["routingConfig"]).to.deep.equal({ additionalVersionWeights: { "1": 0.1 } });
        const alarm = single(resources, T.alarm);
        expect(alarm.inputs).to.include({ metricName: "Errors", threshold: 0 });
        expect(alarm.inputs["dimensions"]).to.include({ ExecutedVersion: "1", Resource: "churn-classifier-dev:live" });
    });

    it("refuses bad settings with messages naming the field, the value and what is allowed", () => {
        const refuse = (args: Partial<LambdaEndpointArgs>, message: RegExp) =>
            expect(() => new LambdaEndpoint("bad", { ...DEV_ARGS, ...args })).to.throw(message);
        refuse({ memorySizeMb: 64 }, /memorySizeMb 64 is outside Lambda's 128–10240 MB/);
        refuse({ memorySizeMb: 20480 }, /memorySizeMb 20480 is outside/);
        refuse({ timeoutSeconds: 29 }, /timeoutSeconds 29 is not allowed behind API Gateway.*allowed: 1–28/);
        refuse({ provisionedConcurrency: 6, reservedConcurrency: 5 }, /provisionedConcurrency 6 is above reservedConcurrency 5/);
        refuse({ auth: "jwt" }, /auth "jwt" needs jwt.issuer .* and jwt.audience/);
        refuse({ auth: "key" }, /auth "key" is not offered by this target; allowed: iam, jwt, none/);
        refuse({ scaling: { minInstances: 1, maxInstances: 4, targetLoadPerInstance: 70 } }, /targetLoadPerInstance 70 is not a provisioned-concurrency utilisation/);
        refuse({ model: { name: "m", version: "1", artifactUri: "s3://b/m.tar.gz" } }, /artifactUri is not offered by Lambda/);
        refuse({ image: { platform: "linux/amd64" }, architecture: "arm64" }, /image.platform "linux\/amd64" does not run on architecture "arm64"/);
    });
});
