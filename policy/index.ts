// The pack entry: it only assembles the policies. Tests and the offline synth import ./policies instead,
// because constructing a PolicyPack starts the analyzer's gRPC server.
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES } from "./policies";

new PolicyPack("ml-endpoints-guardrails", {
    policies: ALL_POLICIES,
});
