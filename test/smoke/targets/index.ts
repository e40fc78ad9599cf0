/** One smoke check per deploy target, keyed like `ml-endpoints:targets` and the stack outputs. */
import { azuremlSmoke } from "./azureml";
import { cloudrunSmoke } from "./cloudrun";
import { lambdaSmoke } from "./lambda";
import { sagemakerSmoke } from "./sagemaker";
import type { SmokeTarget } from "./target";
import { vertexSmoke } from "./vertex";

export const SMOKE_TARGETS: ReadonlyMap<string, SmokeTarget> = new Map(
    [sagemakerSmoke, lambdaSmoke, vertexSmoke, cloudrunSmoke, azuremlSmoke].map((target) => [target.name, target]),
);

export type { SmokeContext, SmokeTarget } from "./target";
