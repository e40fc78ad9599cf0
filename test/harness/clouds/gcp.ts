import type { MockOutputs } from "../recorder";

// Plausible provider outputs for the GCP resources and invokes the components use.

const PROJECT = "ml-endpoints-test";
const REGION = "us-central1";
const PROJECT_NUMBER = "123456789012";
/** Locations the `getBucket` mock answers for given bucket names (tests set them; others are in the mock region). */
export const GCP_MOCK_BUCKET_LOCATIONS = new Map<string, string>();

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
        // Vertex AI: the endpoint keeps the numeric id it was given; the deployment (a dynamic resource,
        // told apart by its `kind` prop) answers with the ids the Vertex AI API would return.
        "gcp:vertex/aiEndpoint:AiEndpoint": (_name, inputs) => ({
            name: inputs["name"] ?? "1234567890",
            project: inputs["project"] ?? PROJECT,
            location: inputs["location"] ?? REGION,
        }),
        "gcp:projects/serviceIdentity:ServiceIdentity": (_name, inputs) => {
            const email = `service-${PROJECT_NUMBER}@gcp-sa-${String(inputs["service"]).split(".")[0]}.iam.gserviceaccount.com`;
            return { email, member: `serviceAccount:${email}` };
        },
        "pulumi-nodejs:dynamic:Resource": (_name, inputs) => {
            if (inputs["kind"] !== "ml-endpoints:gcp:VertexModelDeployment") return {};
            const endpoint = String(inputs["endpoint"]);
            const region = String(inputs["region"] ?? REGION);
            return {
                endpointId: endpoint.split("/").pop(),
                modelName: `projects/${PROJECT_NUMBER}/locations/${region}/models/4567890123456789012`,
                deployedModelId: "7890123456789012345",
                predictUrl: `https://${region}-aiplatform.googleapis.com/v1/${endpoint}:predict`,
                trafficSplit: { "7890123456789012345": 100 },
                cleanupErrors: [],
            };
        },
    },
    calls: {
        "gcp:organizations/getClientConfig:getClientConfig": () => ({ accessToken: "mock-token", project: PROJECT, region: REGION, zone: `${REGION}-a`, id: PROJECT }),
        "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": () => ({ emailAddress: `service-${PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com`, id: PROJECT }),
        // The provider's project has PROJECT_NUMBER; any other project a number derived from its id.
        "gcp:organizations/getProject:getProject": (inputs) => {
            const projectId = String(inputs["projectId"] ?? PROJECT);
            const number = projectId === PROJECT ? PROJECT_NUMBER : String(100_000_000_000 + ([...projectId].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) % 899_999_999_999, 7)));
            return { projectId, number, id: `projects/${projectId}` };
        },
        // A bucket's location: GCP_MOCK_BUCKET_LOCATIONS for the names a test sets, else the mock region.
        "gcp:storage/getBucket:getBucket": (inputs) => ({ name: inputs["name"], location: GCP_MOCK_BUCKET_LOCATIONS.get(String(inputs["name"])) ?? REGION.toUpperCase(), id: inputs["name"] }),
    },
};
