// Loads each dynamic provider's serialized source (JSON array of strings on stdin) the way the dynamic provider
// host does (@pulumi/pulumi/cmd/dynamic-provider getProvider: `requireFromString(source).handler()`), in a
// fresh process whose cwd is the program directory, as the plugin's is. Prints one JSON verdict per source.
const requireFromString = require(require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi/cmd/dynamic-provider")] }));
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
    const verdicts = JSON.parse(input).map((source) => {
        try {
            const provider = requireFromString(source).handler();
            const methods = ["check", "diff", "create", "read", "update", "delete"].filter((name) => typeof provider[name] === "function");
            return { ok: typeof provider.create === "function", methods };
        } catch (error) {
            return { ok: false, error: String(error && error.stack || error) };
        }
    });
    process.stdout.write(JSON.stringify(verdicts));
});
