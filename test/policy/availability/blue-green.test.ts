import { expect } from "chai";
import { prodBlueGreenAutoRollback } from "../../../policy/availability/blue-green";
import { AWS } from "../../../policy/lib/resource-types";
import { messagesOf, mutate, resource, violationsOf } from "../harness";

const compliantEndpoint = {
    endpointConfigName: "cfg",
    deploymentConfig: {
        blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: "CANARY", canarySize: { type: "CAPACITY_PERCENT", value: 10 }, waitIntervalInSeconds: 600 } },
        autoRollbackConfiguration: { alarms: [{ alarmName: "5xx" }] },
    },
    tags: { stage: "prod" },
};

describe("policy prod-blue-green-auto-rollback", () => {
    const check = async (props: object, stack?: string) => violationsOf(prodBlueGreenAutoRollback, resource(AWS.sagemakerEndpoint, props as Record<string, unknown>, { name: "ep", stack }));

    it("passes a prod endpoint that updates blue/green and rolls back on an alarm", async () => {
        expect(await check(compliantEndpoint)).to.deep.equal([]);
    });

    it("advises blue/green on a prod endpoint that updates all at once", async () => {
        const violations = await check(mutate(compliantEndpoint, (endpoint) => { delete (endpoint as { deploymentConfig?: unknown }).deploymentConfig; }));
        expect(violations[0]).to.include({ level: "advisory" });
        expect(messagesOf(violations)).to.deep.equal(["ep: deploymentConfig.blueGreenUpdatePolicy is not set; production should update blue/green"]);
    });

    it("advises auto-rollback alarms on a prod blue/green endpoint without them", async () => {
        const props = mutate(compliantEndpoint, (endpoint) => { endpoint.deploymentConfig.autoRollbackConfiguration.alarms = []; });
        expect(messagesOf(await check(props))).to.deep.equal(["ep: deploymentConfig.autoRollbackConfiguration.alarms is []; production should roll back on at least one alarm"]);
    });

    it("says nothing outside production", async () => {
        expect(await check({ endpointConfigName: "cfg", tags: { stage: "dev" } }, "prod")).to.deep.equal([]);
    });
});

describe("policy prod-blue-green-auto-rollback on Vertex deployments", () => {
    const vertex = (strategy: string, stage = "prod") => resource("pulumi-nodejs:dynamic:Resource",
        { kind: "ml-endpoints:gcp:VertexModelDeployment", endpoint: "e", machineType: "n1-standard-4", minReplicaCount: 2, maxReplicaCount: 10, rollout: { strategy, canaryPercent: 10, bakeSeconds: 600 }, labels: { stage } }, { name: "vertex" });

    it("passes a prod canary rollout and ignores dev", async () => {
        expect(await violationsOf(prodBlueGreenAutoRollback, vertex("canary"))).to.deep.equal([]);
        expect(await violationsOf(prodBlueGreenAutoRollback, vertex("all-at-once", "dev"))).to.deep.equal([]);
    });

    it("advises against an all-at-once prod rollout", async () => {
        expect(messagesOf(await violationsOf(prodBlueGreenAutoRollback, vertex("all-at-once"))))
            .to.deep.equal(['vertex: rollout.strategy is "all-at-once"; production should roll out blue-green or canary']);
    });
});
