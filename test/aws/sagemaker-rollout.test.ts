import { expect } from "chai";
import {
    rolloutDiff,
    SAGEMAKER_ROLLOUT_KIND,
    SageMakerConfigRolloutInputs,
    sageMakerRolloutProvider,
} from "../../components/aws/sagemaker-rollout";
import { FAKE_CREDENTIALS, FAKE_REGION, FakeSageMakerApi } from "./fake-sagemaker-api";

// The SageMaker endpoint's config rollout, driven through the dynamic provider's own create/update/delete
// against a loopback fake of the SageMaker API that signs-checks every call and refuses what SageMaker refuses.

const BLUE_GREEN = {
    BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: "CANARY", CanarySize: { Type: "CAPACITY_PERCENT", Value: 10 }, WaitIntervalInSeconds: 600 },
        TerminationWaitInSeconds: 300,
    },
    AutoRollbackConfiguration: { Alarms: [{ AlarmName: "churn-classifier-prod-5xx" }] },
};

describe("SageMakerConfigRollout (dynamic provider against a loopback SageMaker API)", () => {
    let fake: FakeSageMakerApi;
    const savedEnv = { ...process.env };
    const inputs = (overrides: Partial<SageMakerConfigRolloutInputs> = {}): SageMakerConfigRolloutInputs => ({
        kind: SAGEMAKER_ROLLOUT_KIND,
        region: FAKE_REGION,
        apiEndpoint: fake.baseUrl,
        endpointName: "churn-prod",
        endpointConfigName: "config-v1",
        modelName: "model-v1",
        instanceType: "ml.m5.xlarge",
        autoscaled: true,
        deploymentConfig: BLUE_GREEN,
        pollMs: 1,
        timeoutSeconds: 10,
        ...overrides,
    });
    const v1 = () => inputs();
    const v2 = (overrides: Partial<SageMakerConfigRolloutInputs> = {}) => inputs({ endpointConfigName: "config-v2", modelName: "model-v2", ...overrides });

    beforeEach(async () => {
        // The provider signs with the AWS SDK's default chain; its first link is the environment.
        process.env["AWS_ACCESS_KEY_ID"] = FAKE_CREDENTIALS.accessKeyId;
        process.env["AWS_SECRET_ACCESS_KEY"] = FAKE_CREDENTIALS.secretAccessKey;
        delete process.env["AWS_SESSION_TOKEN"];
        delete process.env["AWS_PROFILE"];
        fake = await new FakeSageMakerApi().start();
        fake.addConfig("config-v1", { VariantName: "AllTraffic", ModelName: "model-v1", InstanceType: "ml.m5.xlarge", InitialInstanceCount: 2 });
        fake.addConfig("config-v2", { VariantName: "AllTraffic", ModelName: "model-v2", InstanceType: "ml.m5.xlarge", InitialInstanceCount: 2 });
        fake.addEndpoint("churn-prod", "config-v1");
        fake.scalableTargets.add("endpoint/churn-prod/variant/AllTraffic");
    });
    afterEach(async () => {
        await fake.stop();
        process.env = { ...savedEnv };
    });

    // Finding 8. "UpdateEndpoint" (API reference): RetainAllVariantProperties "enables or disables the retention of
    // variant properties, such as the instance count ... The default is false"; terraform-provider-aws PR #49069
    // (open): the provider never sends it, so each deploy reset the autoscaled fleet to InitialInstanceCount.
    it("keeps the autoscaled instance count across a deploy (RetainAllVariantProperties), data capture excepted", async () => {
        fake.endpoints.get("churn-prod")!.desiredCount = 7; // scaled out under load
        await sageMakerRolloutProvider.update!("churn-prod", { ...v1(), retired: [] }, v2());
        const endpoint = fake.endpoints.get("churn-prod")!;
        expect(endpoint.config).to.equal("config-v2");
        expect(endpoint.desiredCount).to.equal(7);
        const update = fake.calls.find((call) => call.action === "UpdateEndpoint")!;
        expect(update.body).to.deep.include({
            RetainAllVariantProperties: true,
            ExcludeRetainedVariantProperties: [{ VariantPropertyType: "DataCaptureConfig" }],
            DeploymentConfig: BLUE_GREEN,
        });
    });

    it("the fake resets the fleet when RetainAllVariantProperties is not sent, as SageMaker does (what the provider's update did)", async () => {
        fake.endpoints.get("churn-prod")!.desiredCount = 7;
        await sageMakerRolloutProvider.update!("churn-prod", { ...v1(), autoscaled: false, retired: [] }, v2({ autoscaled: false }));
        expect(fake.endpoints.get("churn-prod")!.desiredCount).to.equal(2);
    });

    // Finding 6. terraform-provider-aws#48997: the waiter accepts InService after an auto-rollback without
    // checking EndpointConfigName ("Blue/Green Deployments": "If any of the pre-specified alarms trip during any
    // baking period, then all endpoint traffic rolls back to the blue fleet").
    it("fails the update naming both configs when the endpoint rolled back, and keeps the config and model it runs on", async () => {
        fake.rollbackNextUpdate = true;
        let error: Error | undefined;
        try {
            await sageMakerRolloutProvider.update!("churn-prod", { ...v1(), retired: [] }, v2());
        } catch (err) {
            error = err as Error;
        }
        expect(error?.message).to.match(/churn-prod rolled back: it runs endpoint config config-v1, not config-v2/);
        expect(fake.configs.has("config-v1") && fake.models.has("model-v1"), "the live config and model survive").to.equal(true);
        expect(fake.actions()).to.not.include.members(["DeleteEndpointConfig", "DeleteModel"]);
    });

    // "UpdateEndpoint": "You must not delete an EndpointConfig in use by an endpoint that is live or while the
    // UpdateEndpoint or CreateEndpoint operations are being performed on the endpoint."
    it("retires the superseded config and model only after the endpoint verifiably runs the new one", async () => {
        const { outs } = await sageMakerRolloutProvider.update!("churn-prod", { ...v1(), retired: [] }, v2());
        expect(outs?.retired).to.deep.equal(["config-v1", "model-v1"]);
        expect(fake.configs.has("config-v1")).to.equal(false);
        expect(fake.models.has("model-v1")).to.equal(false);
        const actions = fake.actions();
        expect(actions.lastIndexOf("DescribeEndpoint")).to.be.greaterThan(actions.indexOf("UpdateEndpoint"));
        expect(actions.indexOf("DeleteEndpointConfig")).to.be.greaterThan(actions.indexOf("UpdateEndpoint"));
    });

    it("keeps a superseded config that another endpoint still runs (ListEndpoints followed page by page)", async () => {
        for (const other of ["a-other", "b-other", "c-other"]) fake.addEndpoint(other, "config-v1");
        const { outs } = await sageMakerRolloutProvider.update!("churn-prod", { ...v1(), retired: [] }, v2());
        expect(outs?.retired).to.deep.equal([]);
        expect(fake.configs.has("config-v1") && fake.models.has("model-v1")).to.equal(true);
        expect(fake.calls.filter((call) => call.action === "ListEndpoints")).to.have.length(2);
    });

    it("keeps every superseded model when an in-use config cannot be described, and the deploy still succeeds", async () => {
        fake.addConfig("config-orphan", { VariantName: "AllTraffic", ModelName: "model-v1", InstanceType: "ml.m5.xlarge", InitialInstanceCount: 1 });
        fake.addEndpoint("z-other", "config-orphan");
        fake.configs.delete("config-orphan"); // deleted by hand while z-other still runs it
        const { outs } = await sageMakerRolloutProvider.update!("churn-prod", { ...v1(), retired: [] }, v2());
        expect(fake.endpoints.get("churn-prod")!.config).to.equal("config-v2");
        expect(outs?.retired).to.deep.equal(["config-v1"]);
        expect(fake.models.has("model-v1"), "z-other may still run model-v1").to.equal(true);
    });

    // "UpdateEndpoint": "When SageMaker receives the request, it sets the endpoint status to Updating"; a second
    // update is refused until it is InService again.
    it("waits for an in-progress update to finish before it sends its own", async () => {
        fake.endpoints.get("churn-prod")!.pending = { config: "config-v1", retain: true, pollsLeft: 3, rollback: false };
        fake.endpoints.get("churn-prod")!.status = "Updating";
        await sageMakerRolloutProvider.update!("churn-prod", { ...v1(), retired: [] }, v2());
        expect(fake.endpoints.get("churn-prod")!.config).to.equal("config-v2");
    });

    // Finding 3. "Update endpoints that use auto scaling": "If the update would change the instance type for any
    // model that is a target for auto scaling, the update fails."
    it("refuses an instance-type change of an autoscaled variant at preview (diff), with the steps", () => {
        expect(() => rolloutDiff(v1(), v2({ instanceType: "ml.c5.xlarge" })))
            .to.throw(/instanceType ml\.m5\.xlarge → ml\.c5\.xlarge is refused.*\(1\) set scaling\.maxInstances equal to scaling\.minInstances.*\(2\) change instanceType.*\(3\) restore/);
        // Step 2 of those: no scalable target any more, so the change goes through.
        expect(rolloutDiff({ ...v1(), autoscaled: false }, v2({ instanceType: "ml.c5.xlarge", autoscaled: false })).changes).to.equal(true);
    });

    it("the fake refuses that instance-type change as SageMaker does, so the refusal above is not our own invention", async () => {
        fake.addConfig("config-c5", { VariantName: "AllTraffic", ModelName: "model-v1", InstanceType: "ml.c5.xlarge", InitialInstanceCount: 2 });
        let error: Error | undefined;
        try {
            await sageMakerRolloutProvider.create!(inputs({ endpointConfigName: "config-c5" }));
        } catch (err) {
            error = err as Error;
        }
        expect(error?.message).to.match(/ValidationException: .*autoscaling target/);
    });

    // Finding 2. terraform-provider-aws internal/service/sagemaker/endpoint.go: `name` and
    // `deployment_config.auto_rollback_configuration` are ForceNew.
    it("replaces only on a new endpoint name; a new DeploymentConfig (autoRollback toggled, alarm replaced) is an in-place change with no API call", async () => {
        expect(rolloutDiff(v1(), inputs({ endpointName: "other" })).replaces).to.deep.equal(["endpointName"]);
        const toggled = inputs({ deploymentConfig: { BlueGreenUpdatePolicy: BLUE_GREEN.BlueGreenUpdatePolicy } });
        expect(rolloutDiff(v1(), toggled)).to.deep.include({ changes: true, replaces: [] });
        await sageMakerRolloutProvider.update!("churn-prod", { ...v1(), retired: [] }, toggled);
        expect(fake.calls).to.deep.equal([]);
    });

    it("on create, does nothing while the endpoint does not exist yet, and brings an existing endpoint to the config", async () => {
        await sageMakerRolloutProvider.create!(inputs({ endpointName: "not-yet" }));
        expect(fake.actions()).to.deep.equal(["DescribeEndpoint"]);
        await sageMakerRolloutProvider.create!(v2());
        expect(fake.endpoints.get("churn-prod")!.config).to.equal("config-v2");
    });

    it("on delete (after the endpoint's), retires the last config and model", async () => {
        fake.endpoints.delete("churn-prod");
        await sageMakerRolloutProvider.delete!("churn-prod", { ...v1(), retired: [] });
        expect(fake.configs.has("config-v1") || fake.models.has("model-v1")).to.equal(false);
    });

    it("signs every call with SigV4 for service sagemaker (the fake verifies each signature)", async () => {
        process.env["AWS_SECRET_ACCESS_KEY"] = "a-different-secret";
        let error: Error | undefined;
        try {
            await sageMakerRolloutProvider.create!(v2());
        } catch (err) {
            error = err as Error;
        }
        expect(error?.message).to.match(/InvalidSignatureException/);
    });
});
