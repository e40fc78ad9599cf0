export * from "./ecr-image";
export * from "./sagemaker-endpoint";
