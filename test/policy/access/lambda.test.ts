import { expect } from "chai";
import { apiRoutesRequireAuth, apiRoutesRequireAuthOutsideProd, lambdaPermissionScoped } from "../../../policy/access/lambda";
import { AWS } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

// @pulumi/policy's sentinel for a string unknown at preview (not exported by the package).
const unknownStringValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// Routes carry no tags: their stage is the stack in the URN.
const compliantRoute = { apiId: "api-id", routeKey: "POST /predict", target: "integrations/int-id", authorizationType: "AWS_IAM" };
const noAuth = mutate(compliantRoute, (route) => { route.authorizationType = "NONE"; });

describe("policy api-routes-require-auth (production, mandatory)", () => {
    const policy = apiRoutesRequireAuth;

    it("passes IAM and JWT routes in prod", async () => {
        const jwt = mutate(compliantRoute, (route) => { route.authorizationType = "JWT"; });
        expect(await violationsOf(policy, [
            resource(AWS.apigatewayv2Route, compliantRoute, { stack: "prod", name: "iam-route" }),
            resource(AWS.apigatewayv2Route, jwt, { stack: "prod", name: "jwt-route" }),
        ])).to.deep.equal([]);
    });

    it("denies an anonymous route in prod, naming the route, the value and what is allowed", async () => {
        const violations = await violationsOf(policy, resource(AWS.apigatewayv2Route, noAuth, { stack: "prod", name: "predict-route" }));
        expect(violations).to.have.length(1);
        expect(violations[0]).to.include({ policy: "api-routes-require-auth", level: "mandatory", resource: "predict-route" });
        expect(violations[0]!.message).to.equal('predict-route: authorizationType (route "POST /predict") is "NONE"; production requires one of AWS_IAM, JWT, CUSTOM');
    });

    it("denies a prod route with no authorization type at all", async () => {
        const unset = mutate(compliantRoute, (route) => { delete (route as Partial<typeof route>).authorizationType; });
        const [violation] = await violationsOf(policy, resource(AWS.apigatewayv2Route, unset, { stack: "prod" }));
        expect(violation?.message).to.match(/authorizationType \(route "POST \/predict"\) is not set/);
    });

    it("leaves other stages to the advisory policy, and honours configured production stages", async () => {
        expect(await violationsOf(policy, resource(AWS.apigatewayv2Route, noAuth, { stack: "dev" }))).to.deep.equal([]);
        expect(await violationsOf(policy, resource(AWS.apigatewayv2Route, noAuth, { stack: "staging" }), { productionStages: ["prod", "staging"] }))
            .to.have.length(1);
    });
});

describe("policy api-routes-require-auth-outside-prod (advisory)", () => {
    const policy = apiRoutesRequireAuthOutsideProd;

    it("passes an IAM route in dev", async () => {
        expect(await violationsOf(policy, resource(AWS.apigatewayv2Route, compliantRoute, { stack: "dev" }))).to.deep.equal([]);
    });

    it("flags an anonymous dev route as advisory, and leaves prod to the mandatory policy", async () => {
        const [violation] = await violationsOf(policy, resource(AWS.apigatewayv2Route, noAuth, { stack: "dev" }));
        expect(violation).to.include({ policy: "api-routes-require-auth-outside-prod", level: "advisory" });
        expect(await violationsOf(policy, resource(AWS.apigatewayv2Route, noAuth, { stack: "prod" }))).to.deep.equal([]);
    });
});

describe("policy lambda-permission-scoped", () => {
    const policy = lambdaPermissionScoped;
    const compliantPermission = {
        action: "lambda:InvokeFunction",
        function: "churn-classifier-prod",
        qualifier: "live",
        principal: "apigateway.amazonaws.com",
        sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/*/POST/predict",
    };

    it("passes a service permission scoped by source ARN", async () => {
        expect(await violationsOf(policy, resource(AWS.lambdaPermission, compliantPermission))).to.deep.equal([]);
    });

    it("denies a service permission with no source, naming the principal", async () => {
        const unscoped = mutate(compliantPermission, (permission) => { delete (permission as Partial<typeof permission>).sourceArn; });
        const violations = await violationsOf(policy, resource(AWS.lambdaPermission, unscoped, { name: "api-permission" }));
        expect(violations).to.have.length(1);
        expect(violations[0]).to.include({ policy: "lambda-permission-scoped", level: "mandatory" });
        expect(violations[0]!.message).to.equal("api-permission: sourceArn is not set; a permission for apigateway.amazonaws.com requires sourceArn or sourceAccount");
    });

    it("accepts a source account instead of an ARN, and a source ARN still unknown at preview", async () => {
        const byAccount = mutate(compliantPermission, (permission) => {
            delete (permission as Partial<typeof permission>).sourceArn;
            (permission as Record<string, unknown>)["sourceAccount"] = "123456789012";
        });
        const unknown = mutate(compliantPermission, (permission) => { permission.sourceArn = unknownStringValue; });
        expect(await violationsOf(policy, [resource(AWS.lambdaPermission, byAccount), resource(AWS.lambdaPermission, unknown)])).to.deep.equal([]);
    });

    it("leaves account principals alone: they name who may invoke", async () => {
        const account = mutate(compliantPermission, (permission) => {
            permission.principal = "123456789012";
            delete (permission as Partial<typeof permission>).sourceArn;
        });
        expect(await violationsOf(policy, resource(AWS.lambdaPermission, account))).to.deep.equal([]);
    });
});
