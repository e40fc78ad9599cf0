import { expect } from "chai";
import * as path from "node:path";
import { resolveImageBuild } from "../../components/image-build";
import { readLocalModel } from "../../components/model-artifact";
import { projectRoot } from "../../components/project-path";

// Under the CLI the program's working directory is the folder of `main` (dist/), not the project root:
// pulumi/pulumi pkg/engine/project.go getPwdMain (pwd = dir of main) and sdk/nodejs/cmd/run (chdir to --pwd),
// which exports --root-directory as PULUMI_NODEJS_ROOT_DIRECTORY. Stack files' paths mean the project root.
describe("paths from the stack files resolve from the project root, not the working directory", () => {
    const root = process.cwd();
    const saved = process.env.PULUMI_NODEJS_ROOT_DIRECTORY;
    beforeEach(() => {
        process.env.PULUMI_NODEJS_ROOT_DIRECTORY = root;
        process.chdir(path.join(root, "test")); // as cmd/run does with --pwd <root>/dist
    });
    afterEach(() => {
        process.chdir(root);
        if (saved === undefined) delete process.env.PULUMI_NODEJS_ROOT_DIRECTORY;
        else process.env.PULUMI_NODEJS_ROOT_DIRECTORY = saved;
    });

    it("model.path app/model is the root's app/model", () => {
        expect(readLocalModel("test", "app/model").dir).to.equal(path.join(root, "app", "model"));
    });

    it("an image context and its Dockerfile resolve from the root", () => {
        const { build } = resolveImageBuild({ context: "app" });
        expect(build.context).to.equal(path.join(root, "app"));
        expect(build.dockerfile).to.equal(path.join(root, "app", "Dockerfile"));
    });

    it("without the variable (mocks: getRootDirectory() is a relative placeholder) the working directory is the root", () => {
        delete process.env.PULUMI_NODEJS_ROOT_DIRECTORY;
        expect(projectRoot()).to.equal(path.join(root, "test"));
    });
});
