import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "@ecrlint/eslint-plugin";
import { lint } from "../src/index.js";
import { fileTree, registryPolicyStack } from "./helpers.js";

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };

/** Two defects (another Region, a partial account wildcard); one silenced, one directive that silences nothing. */
const yaml = registryPolicyStack(`          - Sid: Pull
            Effect: Allow
            Principal: { AWS: "arn:aws:iam::111122223333:*" }
            Action: [ecr:BatchGetImage]
            # eslint-disable-next-line @ecrlint/no-region-mismatch -- the DR copy lives there
            Resource: arn:aws:ecr:us-east-1:444455556666:repository/*
          # eslint-disable-next-line @ecrlint/no-duplicate-sid
          - Sid: Other
            Effect: Allow
            Principal: { AWS: "arn:aws:iam::111122223333:root" }
            Action: [ecr:BatchGetImage]
            Resource: arn:aws:ecr:us-west-2:444455556666:repository/*
`);

const terraform = `resource "aws_ecr_registry_policy" "this" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Pull"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:*" } # eslint-disable-line @ecrlint/valid-principal
        Action    = ["ecr:BatchGetImage"]
        // eslint-disable-next-line @ecrlint/no-region-mismatch
        Resource  = "arn:aws:ecr:us-east-1:444455556666:repository/*"
      },
      /* eslint-disable @ecrlint/no-region-mismatch, @ecrlint/no-duplicate-sid */
      {
        Sid       = "Other"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:*" }
        Action    = ["ecr:BatchGetImage"]
        Resource  = "arn:aws:ecr:eu-west-1:444455556666:repository/*"
      },
      /* eslint-enable */
    ]
  })
}
`;

type Finding = { ruleId: string | null; line: number; column: number; message: string; severity: number };
const shape = (m: Finding) => `${m.line}:${m.column} ${m.severity} ${m.ruleId} ${m.message}`;

describe("eslint-disable comments in YAML templates and Terraform files", () => {
  it("silence findings and are reported when unused, alike in the runner and in ESLint, and --fix removes the unused ones alike", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "stack.yaml": yaml, "main.tf": terraform });
    const report = await lint({ cwd: dir });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
    const eslintResults = await eslint.lintFiles(["."]);
    for (const name of ["stack.yaml", "main.tf"]) {
      const ours = report.results.find((r) => r.filePath === join(dir, name))!;
      const theirs = eslintResults.find((r) => r.filePath === join(dir, name))!;
      expect(ours.messages.map(shape), name).toEqual(theirs.messages.map(shape));
      expect(ours.suppressedMessages.map(shape), name).toEqual(theirs.suppressedMessages.map(shape));
    }
    const byFile = (name: string) => report.results.find((r) => r.filePath === join(dir, name))!;
    expect(byFile("stack.yaml").messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual(["10:31 @ecrlint/valid-principal", "14:11 null"]);
    expect(byFile("stack.yaml").messages[1]!.message).toBe("Unused eslint-disable directive (no problems were reported from '@ecrlint/no-duplicate-sid').");
    expect(byFile("stack.yaml").suppressedMessages.map((m) => `${m.line} ${m.ruleId}`)).toEqual(["13 @ecrlint/no-region-mismatch"]);
    expect(byFile("main.tf").messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual(["13:7 null", "17:29 @ecrlint/valid-principal"]);
    expect(byFile("main.tf").suppressedMessages.map((m) => `${m.line} ${m.ruleId}`)).toEqual(["8 @ecrlint/valid-principal", "11 @ecrlint/no-region-mismatch", "19 @ecrlint/no-region-mismatch"]);

    await lint({ cwd: dir, fix: true });
    const fixedByRunner = { yaml: readFileSync(join(dir, "stack.yaml"), "utf8"), tf: readFileSync(join(dir, "main.tf"), "utf8") };
    writeFileSync(join(dir, "stack.yaml"), yaml);
    writeFileSync(join(dir, "main.tf"), terraform);
    await ESLint.outputFixes(await new ESLint({ cwd: dir, fix: true, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] }).lintFiles(["."]));
    expect(fixedByRunner.yaml).toBe(readFileSync(join(dir, "stack.yaml"), "utf8"));
    expect(fixedByRunner.tf).toBe(readFileSync(join(dir, "main.tf"), "utf8"));
    expect(fixedByRunner.yaml).not.toContain("no-duplicate-sid");
  });
});
