// The ml-endpoints program: validate the stack config, deploy each configured target, export its details.
// Exported as a function so the offline synth and the tests can run it once per stack in one process.
import { loadStackConfig } from "./components/config";
import { StackContext, TargetOutputs } from "./components/targets/context";
import { TARGETS } from "./components/targets/registry";

export = (): Record<string, TargetOutputs> => {
    const config = loadStackConfig();
    const stack = new StackContext(config.stack, config.stage, config.model, config.image);
    const outputs: Record<string, TargetOutputs> = {};
    for (const [name, target] of Object.entries(config.targets)) {
        outputs[name] = TARGETS[name]!.deploy(name, target, stack);
    }
    return outputs;
};
