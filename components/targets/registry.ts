import type { z } from "zod";
import { azuremlTargetSchema, deployAzureMl } from "./azureml";
import { cloudrunTargetSchema, deployCloudRun } from "./cloudrun";
import type { StackContext, TargetOutputs } from "./context";
import { deployLambda, lambdaTargetSchema } from "./lambda";
import { deploySageMaker, sagemakerTargetSchema } from "./sagemaker";
import { deployVertex, vertexTargetSchema } from "./vertex";

/** How one target name in `ml-endpoints:targets` is validated and deployed. */
export interface TargetBinding<Schema extends z.ZodType = z.ZodType> {
    /** The cloud it runs on, for the plan and the docs. */
    readonly cloud: "aws" | "gcp" | "azure";
    /** The schema of its stack-config entry. */
    readonly schema: Schema;
    /** Creates the target's component from a validated entry and returns its stack outputs. */
    readonly deploy: (name: string, config: z.infer<Schema>, stack: StackContext) => TargetOutputs;
}

function bind<Schema extends z.ZodType>(binding: TargetBinding<Schema>): TargetBinding {
    return binding as unknown as TargetBinding;
}

/** Every target a stack file may name. A target that is absent from the stack file is not deployed. */
export const TARGETS: Readonly<Record<string, TargetBinding>> = {
    sagemaker: bind({ cloud: "aws", schema: sagemakerTargetSchema, deploy: deploySageMaker }),
    lambda: bind({ cloud: "aws", schema: lambdaTargetSchema, deploy: deployLambda }),
    vertex: bind({ cloud: "gcp", schema: vertexTargetSchema, deploy: deployVertex }),
    cloudrun: bind({ cloud: "gcp", schema: cloudrunTargetSchema, deploy: deployCloudRun }),
    azureml: bind({ cloud: "azure", schema: azuremlTargetSchema, deploy: deployAzureMl }),
};

export const TARGET_NAMES = Object.keys(TARGETS);
