import { expect } from "chai";
import { prodCloudRunMinInstances } from "../../../policy/availability/cloudrun";
import { GCP } from "../../../policy/lib/resource-types";
import { mutate, resource, violationsOf } from "../harness";

// A compliant prod service as CloudRunEndpoint declares it: service-level bounds, no revision-level ones.
const compliantService = {
    name: "churn-classifier-prod",
    location: "us-central1",
    labels: { stage: "prod", "managed-by": "ml-endpoints", model: "churn-classifier" } as Record<string, string>,
    scaling: { minInstanceCount: 2, maxInstanceCount: 20 } as Record<string, unknown>,
    template: {
        maxInstanceRequestConcurrency: 80,
        containers: [{ image: "us-central1-docker.pkg.dev/p/r/serving@sha256:" + "a".repeat(64) }],
    } as Record<string, unknown>,
};

describe("policy prod-cloudrun-min-instances", () => {
    const policy = prodCloudRunMinInstances;
    const check = (props: object, options?: { name?: string; stack?: string }) => violationsOf(policy, resource(GCP.cloudRunService, props as Record<string, unknown>, options));

    it("passes a compliant prod service", async () => {
        expect(await check(compliantService)).to.deep.equal([]);
    });

    it("denies a prod service that may scale to zero, naming the property and the values", async () => {
        const props = mutate(compliantService, (service) => { service.scaling["minInstanceCount"] = 0; });
        const violations = await check(props, { name: "cloudrun-service" });
        expect(violations).to.have.length(1);
        expect(violations[0]).to.include({ policy: "prod-cloudrun-min-instances", level: "mandatory", resource: "cloudrun-service" });
        expect(violations[0]!.message).to.equal("cloudrun-service: scaling.minInstanceCount is 0; production requires at least 2");
    });

    it("denies a prod service with no minimum at all", async () => {
        const props = mutate(compliantService, (service) => { delete (service as { scaling?: unknown }).scaling; });
        const [violation] = await check(props);
        expect(violation?.message).to.equal("subject: scaling.minInstanceCount is not set; production requires at least 2");
    });

    it("accepts a revision-level minimum of 2 when the service-level one is lower", async () => {
        const props = mutate(compliantService, (service) => {
            service.scaling["minInstanceCount"] = 1;
            service.template["scaling"] = { minInstanceCount: 2 };
        });
        expect(await check(props)).to.deep.equal([]);
    });

    it("judges manual scaling by its instance count", async () => {
        const props = mutate(compliantService, (service) => { service.scaling = { scalingMode: "MANUAL", manualInstanceCount: 1 }; });
        const [violation] = await check(props);
        expect(violation?.message).to.equal("subject: scaling.manualInstanceCount is 1; production requires at least 2");
    });

    it("ignores dev, reading the stage from the label before the stack name", async () => {
        const dev = mutate(compliantService, (service) => { service.scaling["minInstanceCount"] = 0; service.labels["stage"] = "dev"; });
        expect(await check(dev, { stack: "prod" })).to.deep.equal([]);
    });

    it("honours a configured minimum", async () => {
        expect(await violationsOf(policy, resource(GCP.cloudRunService, compliantService), { minInstances: 3 })).to.have.length(1);
    });

    it("reports a minimum unknown at preview as advisory, like the CLI", async () => {
        const props = mutate(compliantService, (service) => { service.scaling["minInstanceCount"] = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; });
        const [violation] = await check(props);
        expect(violation).to.include({ level: "advisory" });
        expect(violation?.message).to.match(/can't run policy 'prod-cloudrun-min-instances' during preview/);
    });
});
