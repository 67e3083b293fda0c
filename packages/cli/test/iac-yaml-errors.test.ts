import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "@ecrlint/eslint-plugin";
import { fileTree, registryPolicyStack, runBin } from "./helpers.js";

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };

const statement = (extra = "") => `          - Sid: A
            Effect: Allow
${extra}            Principal: { AWS: "arn:aws:iam::111122223333:root" }
            Action: ecr:ReplicateImage
            Resource: "*"
`;

const NO_ALIASES = "CloudFormation does not allow YAML aliases or merge keys (<<) in a template: write the values out";

/** Templates CloudFormation cannot read, each with the one parsing error both front ends give, at its place. */
const cases: Record<string, { text: string; error: string }> = {
  "duplicate-key.yaml": {
    text: registryPolicyStack(statement("            Effect: Deny\n")),
    error: `10:13 Parsing error: Duplicate key "Effect" (first on line 9): the keys of a YAML mapping must be unique, and CloudFormation's reading of a repeated one is undefined`,
  },
  "two-documents.yaml": {
    text: `${registryPolicyStack(statement())}---\nOutputs: {}\n`,
    error: `13:1 Parsing error: A second YAML document starts here; a CloudFormation template is one document: remove the "---" or split the file`,
  },
  "alias.yml": {
    text: registryPolicyStack(`${statement().replace("- Sid: A", "- &a\n            Sid: A")}          - *a\n`),
    error: `14:13 Parsing error: Alias "*a": ${NO_ALIASES}`,
  },
  "merge-key.yaml": {
    text: registryPolicyStack(`${statement().replace("- Sid: A", "- &a\n            Sid: A")}          - <<: *a\n            Sid: B\n`),
    error: `14:13 Parsing error: Merge key "<<": ${NO_ALIASES}`,
  },
  "undefined-alias.yaml": {
    text: registryPolicyStack(`${statement()}          - *nowhere\n`),
    error: `13:13 Parsing error: Alias "*nowhere" names no anchor defined before it`,
  },
  "syntax.yaml": {
    text: registryPolicyStack(statement().replace("Sid: A", "Sid: [A")),
    error: "9:13 Parsing error: Flow sequence in block collection must be sufficiently indented and end with a ]",
  },
  "deep.yaml": {
    text: `${registryPolicyStack("")}${"[".repeat(5000)}${"]".repeat(5000)}\n`,
    error: "8:1 Parsing error: YAML nested too deeply to read",
  },
};

type Result = { filePath: string; messages: { line: number; column: number; message: string; ruleId: string | null }[] };

describe("YAML templates that cannot be read", () => {
  it("give one parsing error with the same message and place in the runner and in ESLint", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, ...Object.fromEntries(Object.entries(cases).map(([name, c]) => [name, c.text])), "other.yaml": `a: ${"[".repeat(5000)}${"]".repeat(5000)}\n` });
    const byFile = (results: Result[]) => Object.fromEntries(results.filter((r) => r.messages.length).map((r) => [r.filePath.slice(dir.length + 1), r.messages.map((m) => `${m.line}:${m.column} ${m.message}`)]));
    const expected = Object.fromEntries(Object.entries(cases).map(([name, c]) => [name, [c.error]]));
    const run = await runBin(["--format", "json"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(byFile(JSON.parse(run.stdout) as Result[])).toEqual(expected);
    // Deep YAML that is not a template (other.yaml) is left alone by both, without a stack overflow.
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
    expect(byFile((await eslint.lintFiles(["."])) as Result[])).toEqual(expected);
  });
});
