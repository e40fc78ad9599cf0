export * from "./ecr-image";
export * from "./lambda-endpoint";
export * from "./sagemaker-endpoint";
export * from "./sagemaker-rollout";
