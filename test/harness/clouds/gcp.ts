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
    },
    calls: {
        "gcp:organizations/getClientConfig:getClientConfig": () => ({ accessToken: "mock-token", project: PROJECT, region: REGION, zone: `${REGION}-a`, id: PROJECT }),
    },
};
