import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/**
 * The project root (the folder of Pulumi.yaml). Under the CLI the program runs in the folder of `main`
 * (`dist/` here: pulumi/pulumi `pkg/engine/project.go` getPwdMain), not the root, so relative paths must
 * not resolve from the working directory. `cmd/run` exports the root as PULUMI_NODEJS_ROOT_DIRECTORY,
 * which `getRootDirectory()` reads; under mocks it returns the relative placeholder `rootDirectory`,
 * and then the working directory (where tests and the synth run) is the root.
 */
export function projectRoot(): string {
    const root = process.env.PULUMI_NODEJS_ROOT_DIRECTORY || pulumi.runtime.getRootDirectory();
    return root && path.isAbsolute(root) ? root : process.cwd();
}

/** `file` made absolute, a relative one read from the project root, as the stack files mean it. */
export function resolveProjectPath(file: string): string {
    return path.resolve(projectRoot(), file);
}
