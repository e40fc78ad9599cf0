import * as authorization from "@pulumi/azure-native/authorization";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ImageBuildArgs, resolveImageBuild } from "../image-build";
import { ArmTokenSource, defaultArmToken, requestJson } from "./arm-rest";

// Pushing to a registry whose admin user is off (CKV_AZURE_137). The options, least privilege first:
// - the deployer's own Entra ID identity, its ARM token exchanged at
//   the registry's /oauth2/exchange for an ACR refresh token (what `az acr login --expose-token` does;
//   valid 3 hours, never stored anywhere but this stack's encrypted state) — chosen;
// - a repository-scoped ACR token (ScopeMap + Token): azure-native cannot generate its password
//   (no generateCredentials), and it would be a standing secret to rotate;
// - `listRegistryCredentials`: needs the admin user, which stays off.

/** The username ACR expects with a refresh token obtained by exchange. */
export const ACR_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";
/** ACR refresh tokens live 3 hours; a login older than this is renewed before the next push. */
const RENEW_AFTER_MS = 60 * 60_000;

export interface AcrLoginInputs {
    readonly loginServer: string;
    readonly tenantId: string;
    /** The registry's base URL. Default: `https://<loginServer>`. */
    readonly registryUrl: string;
}

export interface AcrLoginOutputs extends AcrLoginInputs {
    readonly username: string;
    readonly password: string;
    /** When the refresh token was issued, ms since the epoch. */
    readonly issuedAt: number;
}

/** Exchanges an Entra ID (ARM) access token for an ACR refresh token at the registry's `/oauth2/exchange`. */
export async function exchangeForAcrRefreshToken(inputs: AcrLoginInputs, armToken: string): Promise<string> {
    const { body } = await requestJson("POST", `${inputs.registryUrl}/oauth2/exchange`, {
        form: { grant_type: "access_token", service: inputs.loginServer, tenant: inputs.tenantId, access_token: armToken },
    });
    const refreshToken = body["refresh_token"];
    if (typeof refreshToken !== "string" || refreshToken === "") {
        throw new Error(`${inputs.registryUrl}/oauth2/exchange answered without a refresh_token`);
    }
    return refreshToken;
}

/** The dynamic provider behind `AcrLogin`; `token` is injectable so tests can drive it on loopback. */
export function acrLoginProvider(token: ArmTokenSource = defaultArmToken): pulumi.dynamic.ResourceProvider<AcrLoginInputs, AcrLoginOutputs> {
    const login = async (inputs: AcrLoginInputs): Promise<AcrLoginOutputs> => ({
        loginServer: inputs.loginServer,
        tenantId: inputs.tenantId,
        registryUrl: inputs.registryUrl,
        username: ACR_TOKEN_USERNAME,
        password: await exchangeForAcrRefreshToken(inputs, await token()),
        issuedAt: Date.now(),
    });
    return {
        async create(inputs) {
            return { id: `acr-login-${inputs.loginServer}`, outs: await login(inputs) };
        },
        async diff(_id, olds, news) {
            const moved = olds.loginServer !== news.loginServer || olds.tenantId !== news.tenantId || olds.registryUrl !== news.registryUrl;
            return { changes: moved || Date.now() - olds.issuedAt > RENEW_AFTER_MS };
        },
        async update(_id, _olds, news) {
            return { outs: await login(news) };
        },
        // Refresh tokens expire by themselves; there is nothing to revoke.
        async delete() {},
    };
}

/**
 * A short-lived push credential for one registry, from the deployer's Entra ID identity. Renewed when
 * older than an hour, so previews stay quiet in between.
 */
export class AcrLogin extends pulumi.dynamic.Resource {
    declare public readonly username: pulumi.Output<string>;
    declare public readonly password: pulumi.Output<string>;

    constructor(name: string, args: { loginServer: pulumi.Input<string>; tenantId: pulumi.Input<string>; registryUrl?: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super(acrLoginProvider(), name, {
            loginServer: args.loginServer,
            tenantId: args.tenantId,
            registryUrl: args.registryUrl ?? pulumi.interpolate`https://${args.loginServer}`,
            username: undefined,
            password: undefined,
        }, { ...opts, additionalSecretOutputs: ["password"] }, "ml-endpoints", "AcrLogin");
    }
}

export interface AcrImageArgs extends ImageBuildArgs {
    /** The registry's login server, e.g. `myregistry.azurecr.io`. Required. */
    readonly loginServer: pulumi.Input<string>;
    /** The repository to push to. Default: `ml-endpoints-serving`. */
    readonly repository?: string;
}

/**
 * The serving image built by `@pulumi/docker` and pushed to an Azure Container Registry whose admin
 * user is off, with a 3-hour token exchanged from the deployer's own Entra ID identity. That identity
 * needs push rights on the registry: Contributor, which creating the workspace takes anyway, includes
 * them; a narrower custom role needs AcrPush on the registry. `imageUri` is pinned by digest.
 */
export class AcrImage extends pulumi.ComponentResource {
    /** The image, pinned by digest: `<registry>.azurecr.io/<repository>@sha256:…`. */
    public readonly imageUri: pulumi.Output<string>;
    /** The tag pushed: 16 hex digits of a sha256 over the context, Dockerfile, platform and build args (see `resolveImageBuild`). */
    public readonly contextTag: string;

    constructor(name: string, args: AcrImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ml-endpoints:azure:AcrImage", name, {}, opts);
        // The same build identity as ECR and Artifact Registry; managed online endpoints run linux/amd64, the default.
        const { build, tag } = resolveImageBuild(args);
        this.contextTag = tag;
        const client = authorization.getClientConfigOutput({ parent: this });

        const login = new AcrLogin(`${name}-login`, { loginServer: args.loginServer, tenantId: client.tenantId }, { parent: this });

        const image = new docker.Image(`${name}-image`, {
            imageName: pulumi.interpolate`${args.loginServer}/${args.repository ?? "ml-endpoints-serving"}:${this.contextTag}`,
            build,
            registry: { server: args.loginServer, username: login.username, password: login.password },
        }, { parent: this });
        this.imageUri = image.repoDigest;

        this.registerOutputs({ imageUri: this.imageUri });
    }
}
