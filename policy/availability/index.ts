import type { Guardrail } from "../lib/guardrail";
import { prodAzureMlMinInstances } from "./azureml";
import { prodCloudRunMinInstances } from "./cloudrun";
import { prodBlueGreenAutoRollback } from "./blue-green";
import { prodStackMinServingInstances } from "./stack-min-instances";
import { prodLambdaProvisionedConcurrency } from "./lambda";
import { prodSageMakerMinInstances } from "./sagemaker";
import { prodVertexMinReplicas } from "./vertex";

// Availability: production targets keep enough serving instances to survive the loss of one.
// One file per target or cross-cloud rule; this index lists them for the pack.
export const availabilityPolicies: Guardrail[] = [
    prodSageMakerMinInstances,
    prodLambdaProvisionedConcurrency,
    prodVertexMinReplicas,
    prodCloudRunMinInstances,
    prodAzureMlMinInstances,
    prodStackMinServingInstances,
    prodBlueGreenAutoRollback,
];
