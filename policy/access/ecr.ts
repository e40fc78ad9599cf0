import { resourceGuardrail } from "../lib/guardrail";
import { violationMessage } from "../lib/messages";
import { read } from "../lib/props";
import { AWS } from "../lib/resource-types";

// The ECR repositories our AWS targets pull from: every image is scanned, and a tag never moves.

export const ecrScanOnPush = resourceGuardrail({
    name: "ecr-scan-on-push",
    description: "Every ECR repository scans images for vulnerabilities on push.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `imageScanningConfiguration: { scanOnPush: true }` on the repository (EcrImage does), or turn on registry-level enhanced scanning.",
    metadata: { id: "ACC-100", mirrors: ["CKV_AWS_163", "SecurityHub ECR.1"], reads: [AWS.ecrRepository] },
    validate: (args, reportViolation) => {
        const scanOnPush = read(args.props, "imageScanningConfiguration", "scanOnPush");
        if (scanOnPush !== true) reportViolation(violationMessage(args.name, "imageScanningConfiguration.scanOnPush", scanOnPush, "must be true"));
    },
});

export const ecrImmutableTags = resourceGuardrail({
    name: "ecr-immutable-tags",
    description: "Every ECR repository has immutable tags, so a deployed tag always names the same image.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `imageTagMutability: \"IMMUTABLE\"` on the repository (EcrImage does) and push a new tag for every build.",
    metadata: { id: "ACC-101", mirrors: ["CKV_AWS_51", "SecurityHub ECR.2"], reads: [AWS.ecrRepository] },
    validate: (args, reportViolation) => {
        const mutability = read(args.props, "imageTagMutability");
        if (mutability !== "IMMUTABLE") reportViolation(violationMessage(args.name, "imageTagMutability", mutability, 'must be "IMMUTABLE"'));
    },
});
