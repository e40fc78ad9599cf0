// The public surface of the `ml-endpoints` package: `import { SageMakerEndpoint } from "ml-endpoints"`.
export * from "./args";
export * from "./aws";
export * from "./gcp";
export * from "./azure";
export * from "./config";
export { EndpointArgsError, REQUIRED_TAG_KEYS, requiredTags, ResolvedSettings } from "./settings";
