import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/index.js";
import { tempDir } from "./helpers.js";

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2", replicationSources: ["111122223333"] }] };

/** One registry policy with three defects: a partial account wildcard, another Region, replication without ReplicateImage. */
const json = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Replication",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
      "Action": ["ecr:CreateRepository"],
      "Resource": "arn:aws:ecr:us-west-2:444455556666:repository/*"
    },
    {
      "Sid": "Pull",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111122223333:*" },
      "Action": ["ecr:BatchGetImage"],
      "Resource": "arn:aws:ecr:us-east-1:444455556666:repository/*"
    }
  ]
}
`;

const yaml = `Resources:
  Policy:
    Type: AWS::ECR::RegistryPolicy
    Properties:
      PolicyText:
        Version: "2012-10-17"
        Statement:
          - Sid: Replication
            Effect: Allow
            Principal: { AWS: "arn:aws:iam::111122223333:root" }
            Action: [ecr:CreateRepository]
            Resource: !Sub arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/*
          - Sid: Pull
            Effect: Allow
            Principal: { AWS: "arn:aws:iam::111122223333:*" }
            Action: [ecr:BatchGetImage]
            Resource: arn:aws:ecr:us-east-1:444455556666:repository/*
`;

const terraform = `resource "aws_ecr_registry_policy" "this" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Replication"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = ["ecr:CreateRepository"]
        Resource  = "arn:aws:ecr:\${data.aws_region.current.name}:\${data.aws_caller_identity.current.account_id}:repository/*"
      },
      {
        Sid       = "Pull"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:*" }
        Action    = ["ecr:BatchGetImage"]
        Resource  = "arn:aws:ecr:us-east-1:444455556666:repository/*"
      },
    ]
  })
}
`;

describe("the same policy in JSON, CloudFormation YAML and Terraform", () => {
  it("gives the same findings in each, each at the place its host writes the value", async () => {
    const findings: Record<string, string[]> = {};
    for (const [name, text] of [["registry-policy.json", json], ["stack.yaml", yaml], ["main.tf", terraform]] as const) {
      const dir = tempDir();
      writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify(config));
      writeFileSync(join(dir, name), text);
      const report = await lint({ cwd: dir });
      const lines = text.split("\n");
      findings[name] = report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}/${m.messageId}: ${lines[m.line - 1]!.slice(m.column - 1, m.endLine === m.line ? m.endColumn! - 1 : undefined)}`));
    }
    expect(findings["registry-policy.json"]).toEqual([
      '@ecrlint/require-replicate-image/missingReplicateImage: "ecr:CreateRepository"',
      '@ecrlint/valid-principal/partialWildcard: "arn:aws:iam::111122223333:*"',
      '@ecrlint/no-region-mismatch/regionMismatch: us-east-1',
    ]);
    const unquoted = (list: string[]) => list.map((f) => f.replace(/: "(.*)"$/, ": $1"));
    expect(unquoted(findings["stack.yaml"]!)).toEqual(unquoted(findings["registry-policy.json"]!));
    expect(unquoted(findings["main.tf"]!)).toEqual(unquoted(findings["registry-policy.json"]!));
  });
});
