import type { Guardrail } from "../lib/guardrail";
import { prodSageMakerDataCapture } from "./sagemaker-data-capture";
import { apiStageAccessLogging, lambdaXrayActive } from "./lambda";
import { logGroupRetention } from "./log-retention";

// Logging: endpoints and APIs leave an audit and debugging trail that expires on purpose.
// One file per target or cross-cloud rule; this index lists them for the pack.
export const loggingPolicies: Guardrail[] = [
    apiStageAccessLogging,
    logGroupRetention,
    lambdaXrayActive,
    prodSageMakerDataCapture,
];
