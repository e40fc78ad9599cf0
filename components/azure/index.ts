export * from "./acr-image";
export * from "./azureml-endpoint";
export * from "./endpoint-traffic";
export * from "./instance-types";
export * from "./workspace";
export * from "./instance-type-guard";
