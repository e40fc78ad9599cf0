/**
 * `node --import tsx test/smoke/rollback-check.ts --stack <name> [--outputs FILE] [--cwd DIR]`
 *
 * The deploy workflow's post-`up` step: exits 1, naming both configs, when the stack's SageMaker endpoint runs
 * another endpoint config than the one the update asked for (a blue/green auto-rollback, which `pulumi up`
 * reports as success: terraform-provider-aws#48997). Exits 0 when it matches or the stack has no sagemaker
 * target, 2 on bad usage or unreadable outputs.
 */
import { parseArgs } from "node:util";
import { defaultAuth } from "./auth";
import { readStackOutputs } from "./outputs";
import { sagemakerRollbackProblem, type SageMakerRollbackOutputs } from "./targets/sagemaker";

export async function main(argv: string[], auth = defaultAuth()): Promise<number> {
    let outputs: Record<string, unknown>;
    try {
        const { values } = parseArgs({ args: argv, options: { stack: { type: "string" }, outputs: { type: "string" }, cwd: { type: "string" } }, strict: true });
        if (!values.stack) throw new Error("--stack is required");
        outputs = readStackOutputs({ stack: values.stack, ...(values.outputs ? { file: values.outputs } : {}), ...(values.cwd ? { cwd: values.cwd } : {}) });
    } catch (err) {
        process.stderr.write(`rollback-check: ${(err as Error).message}\n`);
        return 2;
    }
    const sagemaker = outputs["sagemaker"] as Partial<SageMakerRollbackOutputs> | undefined;
    if (sagemaker === undefined) {
        process.stdout.write("rollback-check: no sagemaker target in this stack\n");
        return 0;
    }
    if (!sagemaker.region || !sagemaker.endpointName || !sagemaker.endpointConfigName) {
        process.stderr.write("rollback-check: the sagemaker outputs need region, endpointName and endpointConfigName\n");
        return 2;
    }
    const problem = await sagemakerRollbackProblem(sagemaker as SageMakerRollbackOutputs, await auth.aws());
    if (problem) {
        process.stderr.write(`rollback-check: ${problem}\n`);
        return 1;
    }
    process.stdout.write(`rollback-check: ${sagemaker.endpointName} runs ${sagemaker.endpointConfigName}, as this update asked\n`);
    return 0;
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
