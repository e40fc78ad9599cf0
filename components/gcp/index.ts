export * from "./artifact-registry-image";
export * from "./model-bucket";
export * from "./cloudrun-endpoint";
