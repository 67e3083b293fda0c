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

/** A range opened and closed by each of HCL's line comments, a file-wide one, and a range that silences nothing. */
const rangesTerraform = `resource "aws_ecr_registry_policy" "this" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Hash"
        Effect    = "Allow"
        # eslint-disable @ecrlint/valid-principal -- a partner's roles, pinned by aws:PrincipalOrgID elsewhere
        Principal = { AWS = "arn:aws:iam::111122223333:*" }
        # eslint-enable @ecrlint/valid-principal
        Action    = ["ecr:CreateRepository", "ecr:ReplicateImage"]
        Resource  = "arn:aws:ecr:us-west-2:444455556666:repository/*"
      },
      {
        Sid       = "Slashes"
        Effect    = "Allow"
        // eslint-disable @ecrlint/no-region-mismatch
        Principal = { AWS = "arn:aws:iam::222233334444:*" }
        Action    = ["ecr:CreateRepository", "ecr:ReplicateImage"]
        Resource  = "arn:aws:ecr:us-east-1:444455556666:repository/*"
        // eslint-enable
      },
      {
        Sid       = "After"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::333344445555:root" }
        Action    = ["ecr:CreateRepository", "ecr:ReplicateImage"]
        Resource  = "arn:aws:ecr:eu-west-1:444455556666:repository/*"
      },
    ]
  })
}
# eslint-disable @ecrlint/no-duplicate-sid
`;

const wholeFile = `// eslint-disable
resource "aws_ecr_registry_policy" "this" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:*" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*" }] })
}
`;

type Finding = { ruleId: string | null; line: number; column: number; message: string; severity: number };
const shape = (m: Finding) => `${m.line}:${m.column} ${m.severity} ${m.ruleId} ${m.message}`;
type Result = { filePath: string; messages: Finding[]; suppressedMessages: Finding[] };

/** The runner's findings and suppressed findings on each named file are ESLint's. */
function expectAlike(dir: string, ours: readonly Result[], theirs: readonly Result[], names: string[]): void {
  for (const name of names) {
    const mine = ours.find((r) => r.filePath === join(dir, name))!;
    const eslint = theirs.find((r) => r.filePath === join(dir, name))!;
    expect(mine.messages.map(shape), name).toEqual(eslint.messages.map(shape));
    expect(mine.suppressedMessages.map(shape), name).toEqual(eslint.suppressedMessages.map(shape));
  }
}

/** The runner's results by file name, once ESLint with the plugin's configs has given the same findings and suppressions. */
async function sameInEslint(dir: string, names: string[]) {
  const report = await lint({ cwd: dir });
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
  const eslintResults = await eslint.lintFiles(["."]);
  for (const name of names) {
    const ours = report.results.find((r) => r.filePath === join(dir, name))!;
    const theirs = eslintResults.find((r) => r.filePath === join(dir, name))!;
    expect(ours.messages.map(shape), name).toEqual(theirs.messages.map(shape));
    expect(ours.suppressedMessages.map(shape), name).toEqual(theirs.suppressedMessages.map(shape));
  }
  return (name: string) => report.results.find((r) => r.filePath === join(dir, name))!;
}

describe("eslint-disable comments in YAML templates and Terraform files", () => {
  it("silence findings and are reported when unused, alike in the runner and in ESLint, and --fix removes the unused ones alike", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "stack.yaml": yaml, "main.tf": terraform });
    const byFile = await sameInEslint(dir, ["stack.yaml", "main.tf"]);
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

describe("eslint-disable and eslint-enable ranges in # and // comments of a Terraform file", () => {
  it("silence what they cover and are reported when unused, alike in the runner and ESLint, and --fix removes the unused ones alike", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "main.tf": rangesTerraform, "all.tf": wholeFile });
    const byFile = await sameInEslint(dir, ["main.tf", "all.tf"]);
    // Slashes' principal is outside the # range and its rule is not in the // range; After's Region is past `// eslint-enable`.
    expect(byFile("main.tf").messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual(["18:29 @ecrlint/valid-principal", "28:34 @ecrlint/no-region-mismatch", "33:1 null"]);
    expect(byFile("main.tf").messages[2]!.message).toBe("Unused eslint-disable directive (no problems were reported from '@ecrlint/no-duplicate-sid').");
    expect(byFile("main.tf").suppressedMessages.map((m) => `${m.line} ${m.ruleId}`)).toEqual(["9 @ecrlint/valid-principal", "20 @ecrlint/no-region-mismatch"]);
    expect(byFile("all.tf").messages).toEqual([]);
    expect(byFile("all.tf").suppressedMessages.map((m) => `${m.line} ${m.ruleId}`)).toEqual(["3 @ecrlint/valid-principal"]);

    await lint({ cwd: dir, fix: true });
    const fixedByRunner = readFileSync(join(dir, "main.tf"), "utf8");
    writeFileSync(join(dir, "main.tf"), rangesTerraform);
    await ESLint.outputFixes(await new ESLint({ cwd: dir, fix: true, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] }).lintFiles(["main.tf"]));
    expect(fixedByRunner).toBe(readFileSync(join(dir, "main.tf"), "utf8"));
    expect(fixedByRunner).not.toContain("no-duplicate-sid");
  });
});

/** Two policies in another Region: a `# eslint-disable` … `# eslint-enable` range silences the first only. */
const policy = (name: string, sid: string) => `  ${name}:
    Type: AWS::ECR::RegistryPolicy
    Properties:
      PolicyText:
        Version: "2012-10-17"
        Statement:
          - Sid: ${sid}
            Effect: Allow
            Principal: { AWS: "arn:aws:iam::111122223333:*" }
            Action: ecr:BatchGetImage
            Resource: arn:aws:ecr:us-east-1:444455556666:repository/*
`;
const ranges = `Resources:
  # eslint-disable @ecrlint/no-region-mismatch, @ecrlint/no-duplicate-sid -- the DR copy lives there
${policy("Dr", "Dr")}  # eslint-enable @ecrlint/no-region-mismatch
${policy("Main", "Main")}`;
const inlineConfig = `# eslint @ecrlint/valid-principal: "off"
Resources:
${policy("Main", "Main")}`;

describe("eslint-disable and eslint-enable ranges and inline config in YAML templates", () => {
  it("are # comments that ESLint honours as block comments, and the runner does alike, fixes included", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "ranges.yaml": ranges, "inline.yml": inlineConfig });
    const eslintOptions = { cwd: dir, overrideConfigFile: true as const, overrideConfig: plugin.configs.recommended as Linter.Config[] };
    const report = await lint({ cwd: dir });
    const eslintResults = await new ESLint(eslintOptions).lintFiles(["."]);
    expectAlike(dir, report.results, eslintResults, ["ranges.yaml", "inline.yml"]);
    const byFile = (name: string) => report.results.find((r) => r.filePath === join(dir, name))!;
    expect(byFile("ranges.yaml").suppressedMessages.map((m) => `${m.line} ${m.ruleId}`)).toEqual(["13 @ecrlint/no-region-mismatch"]);
    expect(byFile("ranges.yaml").messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`)).toEqual([
      "2:3 null Unused eslint-disable directive (no problems were reported from '@ecrlint/no-duplicate-sid').",
      "11:31 @ecrlint/valid-principal Principal \"arn:aws:iam::111122223333:*\" has a wildcard; principals take no partial wildcards (\"*\" alone means everyone); match a pattern with a condition on aws:PrincipalArn.",
      "23:31 @ecrlint/valid-principal Principal \"arn:aws:iam::111122223333:*\" has a wildcard; principals take no partial wildcards (\"*\" alone means everyone); match a pattern with a condition on aws:PrincipalArn.",
      "25:35 @ecrlint/no-region-mismatch Region \"us-east-1\" does not match the registry's Region \"us-west-2\": this statement never applies to the registry it is deployed to.",
    ]);
    expect(byFile("inline.yml").messages.map((m) => m.ruleId)).toEqual(["@ecrlint/no-region-mismatch"]);

    await lint({ cwd: dir, fix: true });
    const fixedByRunner = readFileSync(join(dir, "ranges.yaml"), "utf8");
    writeFileSync(join(dir, "ranges.yaml"), ranges);
    await ESLint.outputFixes(await new ESLint({ ...eslintOptions, fix: true }).lintFiles(["ranges.yaml"]));
    expect(fixedByRunner).toBe(readFileSync(join(dir, "ranges.yaml"), "utf8"));
    expect(fixedByRunner).toContain("# eslint-disable @ecrlint/no-region-mismatch -- the DR copy lives there\n");
  });
});
