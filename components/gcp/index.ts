export * from "./artifact-registry-image";
export * from "./model-bucket";
export * from "./cloudrun-endpoint";
export * from "./vertex-deployment";
export * from "./vertex-endpoint";
