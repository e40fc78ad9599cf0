/**
 * Every credential the smoke client uses, behind one injectable interface: the CLI uses the clouds' default
 * credential chains (which OIDC in CI and `aws sso login` / ADC / `az login` on a laptop both feed); the tests
 * inject fixed fake credentials and check what reaches the wire.
 */
import { DefaultAzureCredential } from "@azure/identity";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { GoogleAuth, Impersonated } from "google-auth-library";
import { ARM_SCOPE, azureMlEndpointKey } from "./azure-keys";
import { SmokeFailure } from "./http";

export interface AwsCredentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
}

export interface SmokeAuth {
    /** AWS credentials for SigV4 (API Gateway) and the SageMaker runtime client. */
    aws(): Promise<AwsCredentials>;
    /** A Google OAuth 2.0 access token with the cloud-platform scope (Vertex AI). */
    googleAccessToken(): Promise<string>;
    /** A Google-signed ID token whose audience is `audience` (Cloud Run with IAM invoker auth). */
    googleIdToken(audience: string): Promise<string>;
    /** A Microsoft Entra ID token for Azure ML (scope https://ml.azure.com/.default). */
    azureToken(): Promise<string>;
    /** An Azure ML endpoint's primary key, when the stack does not export it. */
    azureEndpointKey(workspaceName: string, endpointName: string): Promise<string>;
    /** A bearer JWT for an API Gateway JWT authorizer; from SMOKE_JWT. */
    jwt(): Promise<string>;
}

export const GOOGLE_CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const AZURE_ML_SCOPE = "https://ml.azure.com/.default";

/** Runs `fetch` once and keeps the promise, so several targets of one cloud share one credential lookup. */
function once<T>(fetch: () => Promise<T>): () => Promise<T> {
    let value: Promise<T> | undefined;
    return () => (value ??= fetch());
}

async function credentialFailure<T>(what: string, hint: string, fetch: () => Promise<T>): Promise<T> {
    try {
        return await fetch();
    } catch (err) {
        if (err instanceof SmokeFailure) throw err;
        throw new SmokeFailure(`no ${what}: ${(err as Error).message.split("\n")[0]} (${hint})`);
    }
}

/**
 * The clouds' default credential chains. `env` is read for SMOKE_JWT, SMOKE_GCP_SERVICE_ACCOUNT, SMOKE_AZUREML_KEY
 * and the Azure subscription (AZURE_SUBSCRIPTION_ID, or ARM_SUBSCRIPTION_ID as the deploy job sets it).
 */
export function defaultAuth(env: NodeJS.ProcessEnv = process.env): SmokeAuth {
    const google = once(async () => new GoogleAuth({ scopes: [GOOGLE_CLOUD_PLATFORM_SCOPE] }));
    const azure = once(async () => new DefaultAzureCredential());
    return {
        aws: once(() =>
            credentialFailure("AWS credentials", "aws sso login, or OIDC via aws-actions/configure-aws-credentials", () => defaultProvider()()),
        ),
        googleAccessToken: once(() =>
            credentialFailure("Google access token", "gcloud auth application-default login, or google-github-actions/auth", async () => {
                const token = await (await google()).getAccessToken();
                if (!token) throw new Error("the credentials returned an empty token");
                return token;
            }),
        ),
        googleIdToken: (audience) =>
            credentialFailure("Google ID token", "a service account key, the metadata server, or SMOKE_GCP_SERVICE_ACCOUNT to impersonate", async () => {
                const auth = await google();
                try {
                    const client = await auth.getIdTokenClient(audience);
                    return await client.idTokenProvider.fetchIdToken(audience);
                } catch (err) {
                    // Workload identity federation (OIDC from CI) and user ADC cannot mint ID tokens themselves:
                    // impersonate a service account (the caller needs roles/iam.serviceAccountTokenCreator on it).
                    const serviceAccount = env.SMOKE_GCP_SERVICE_ACCOUNT;
                    if (!serviceAccount) throw err;
                    const impersonated = new Impersonated({
                        sourceClient: await auth.getClient(),
                        targetPrincipal: serviceAccount,
                        targetScopes: [GOOGLE_CLOUD_PLATFORM_SCOPE],
                        lifetime: 600,
                    });
                    return impersonated.fetchIdToken(audience, { includeEmail: true });
                }
            }),
        azureToken: once(() =>
            credentialFailure("Azure token", "az login, or azure/login with OIDC", async () => (await (await azure()).getToken(AZURE_ML_SCOPE)).token),
        ),
        azureEndpointKey: (workspaceName, endpointName) => {
            if (env.SMOKE_AZUREML_KEY) return Promise.resolve(env.SMOKE_AZUREML_KEY);
            const subscriptionId = env.AZURE_SUBSCRIPTION_ID ?? env.ARM_SUBSCRIPTION_ID;
            if (!subscriptionId) {
                return Promise.reject(new SmokeFailure("the endpoint key is not in the outputs: set SMOKE_AZUREML_KEY, or AZURE_SUBSCRIPTION_ID to look it up"));
            }
            return credentialFailure("Azure endpoint key", "az login, or azure/login with OIDC; the identity needs onlineEndpoints/listKeys", async () =>
                azureMlEndpointKey(workspaceName, endpointName, {
                    subscriptionId,
                    timeoutMs: 30_000,
                    token: async () => (await (await azure()).getToken(ARM_SCOPE)).token,
                }),
            );
        },
        jwt: async () => {
            const token = env.SMOKE_JWT;
            if (!token) throw new SmokeFailure("authMode is jwt: put a token your authorizer accepts in SMOKE_JWT");
            return token;
        },
    };
}
