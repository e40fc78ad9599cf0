export * from "./artifact-registry-image";
export * from "./model-bucket";
