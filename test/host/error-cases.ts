import { misconfiguredStackFile, readStackFile, stackFilePath, StackFileConfig } from "../harness/run-program";

/** Program errors the CLI must report promptly: a config error and a model path that is not there. */
export interface ErrorCase {
    readonly label: string;
    readonly stack: string;
    readonly config: StackFileConfig;
    /** Text the reported error must contain. */
    readonly expected: string;
}

export function errorCases(): ErrorCase[] {
    const dev = readStackFile(stackFilePath("dev"));
    return [
        {
            label: "config error (minInstances 3 > maxInstances 2)",
            stack: "prod",
            config: readStackFile(misconfiguredStackFile("config-min-above-max.yaml")),
            expected: "ml-endpoints:targets.sagemaker.scaling.minInstances",
        },
        {
            label: "model.path error (app/no-such-model)",
            stack: "dev",
            config: { ...dev, "ml-endpoints:model": { ...(dev["ml-endpoints:model"] as object), path: "app/no-such-model" } },
            expected: `model.path "${stackFilePath("dev").replace(/Pulumi\.dev\.yaml$/, "app/no-such-model")}" is not a directory`,
        },
    ];
}
