import type { MockOutputs } from "../recorder";

// Plausible provider outputs for the GCP resources and invokes the components use.

const PROJECT = "ml-endpoints-test";
const REGION = "us-central1";

export const gcpMockOutputs: MockOutputs = {
    resources: {
        "gcp:artifactregistry/repository:Repository": (_name, inputs) => ({
            project: inputs["project"] ?? PROJECT,
            location: inputs["location"] ?? REGION,
        }),
        "gcp:storage/bucket:Bucket": (name, inputs) => ({ name: inputs["name"] ?? name, url: `gs://${inputs["name"] ?? name}`, project: inputs["project"] ?? PROJECT }),
        "gcp:serviceaccount/account:Account": (name, inputs) => {
            const project = inputs["project"] ?? PROJECT;
            const email = `${inputs["accountId"] ?? name}@${project}.iam.gserviceaccount.com`;
            return { email, member: `serviceAccount:${email}`, project };
        },
        "gcp:cloudrunv2/service:Service": (name, inputs) => {
            const service = String(inputs["name"] ?? name);
            const revision = (inputs["template"] as { revision?: string } | undefined)?.revision ?? `${service}-00001-abc`;
            return {
                name: service,
                project: inputs["project"] ?? PROJECT,
                location: inputs["location"] ?? REGION,
                uri: `https://${service}-a1b2c3d4e5-uc.a.run.app`,
                urls: [`https://${service}-a1b2c3d4e5-uc.a.run.app`],
                latestCreatedRevision: revision,
                latestReadyRevision: revision,
            };
        },
    },
    calls: {
        "gcp:organizations/getClientConfig:getClientConfig": () => ({ accessToken: "mock-token", project: PROJECT, region: REGION, zone: `${REGION}-a`, id: PROJECT }),
    },
};
