import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { fileTree, repoDir, runBin, runNode, type RunResult } from "./helpers.js";

/**
 * Files that do not parse, in ESLint 9 and 10 with the plugin's recommended config and in the runner: a file that is
 * not ours by its name or content (a broken tsconfig.json, a binary png.json) gets nothing from either, and one that
 * is ours (named registry-policy.json, or with a policy's markers) gets the same parsing error from each, at the same
 * place. The one decision behind both is core's `mightBeEcrFile`.
 */

const require = createRequire(import.meta.url);
const ESLINT_BINS = { "ESLint 10": join(repoDir, "node_modules", "eslint", "bin", "eslint.js"), "ESLint 9": join(repoDir, "node_modules", "eslint9", "bin", "eslint.js") };
const eslintConfig = `import ecrlint from ${JSON.stringify(pathToFileURL(require.resolve("@ecrlint/eslint-plugin")).href)};
export default [{ ignores: ["eslint.config.mjs"] }, ...ecrlint.configs.recommended];
`;

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x01, 0xff]);

/** Someone else's files: none parses, none is ours by its name or content. */
const notOurs: Record<string, string> = {
  "tsconfig.json": '{"name": "x" "version": "1"}',
  "packages/web/package.json": '{\n  "name": "web",\n  "scripts": {\n}\n',
  "settings.jsonc": "{ // editor settings\n  a: }",
  "data.json5": "{ a: 1,, }",
  "deep.json": "[".repeat(2000),
  "statement-policy.json": '{"name": ',
  "infra/other.tf.json": '{"resource": {"aws_s3_bucket": ',
  "infra/other.tf": 'resource "aws_s3_bucket" "b" {{{',
  "infra/stack.template": '{"Resources": {"Bucket": ',
  "chart/values.yaml": "a: [\n",
};

/** Files that are ours by their name or content, and do not parse. */
const ours: Record<string, string> = {
  "registry-policy.json": '{"name": "x" "version": "1"}',
  "infra/app.repo-policy.jsonc": "",
  "infra/RepositoryPolicy.json5": "  \n\t\n",
  "infra/api.registry-policy.jsonc": "// the policy goes here\n",
  "policies/pull.json": '{\n  "Statement": [\n    {"Effect": "Allow" "Action": "ecr:BatchGetImage"}\n  ]\n}\n',
  "infra/main.tf.json": '{"resource": {"aws_ecr_registry_policy": {"r": {"policy": }}}}',
  "infra/ecr.tf": 'resource "aws_ecr_repository" "r" {{{',
  "infra/ecr.template": '{"Resources": {"Repo": {"Type": "AWS::ECR::Repository", "Properties": }}}',
};

interface Result {
  filePath: string;
  messages: { ruleId: string | null; severity: number; message: string; line: number; column: number }[];
}

/** Each file with messages, by its path in the tree: what each message says and where. */
function byFile(dir: string, run: RunResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of JSON.parse(run.stdout) as Result[]) {
    if (r.messages.length) out[relative(dir, r.filePath)] = r.messages.map((m) => `${m.line}:${m.column} ${m.severity} ${m.ruleId} ${m.message}`);
  }
  return out;
}

async function allThree(files: Record<string, string>): Promise<Record<string, { code: number | null; files: Record<string, string[]> }>> {
  const dir = fileTree({ ...files, "eslint.config.mjs": eslintConfig });
  writeFileSync(join(dir, "logo.png.json"), PNG);
  const out: Record<string, { code: number | null; files: Record<string, string[]> }> = {};
  const runner = await runBin(["--format", "json"], { cwd: dir });
  out.runner = { code: runner.code, files: byFile(dir, runner) };
  for (const [name, bin] of Object.entries(ESLINT_BINS)) {
    const run = await runNode([bin, "--format", "json", "."], { cwd: dir });
    expect(run.stderr, name).toBe("");
    out[name] = { code: run.code, files: byFile(dir, run) };
  }
  return out;
}

describe("files that do not parse: ESLint 9, ESLint 10 and the runner agree", () => {
  it("a malformed, binary or too deeply nested file that is not ours gets no finding and exit code 0", async () => {
    const runs = await allThree(notOurs);
    for (const [name, run] of Object.entries(runs)) expect({ name, ...run }).toEqual({ name, code: 0, files: {} });
  });

  it("one that is ours by its name or content gets the same parsing error at the same place", async () => {
    const runs = await allThree({ ...notOurs, ...ours });
    const expected = {
      "registry-policy.json": ["1:14 2 null Parsing error: Unexpected token '\"version\"'."],
      "infra/app.repo-policy.jsonc": [`1:1 2 null Parsing error: The file is empty: a policy file holds one JSON object, such as {"Version": "2012-10-17", "Statement": [...]}.`],
      "infra/RepositoryPolicy.json5": [`1:1 2 null Parsing error: The file holds only whitespace: a policy file holds one JSON object, such as {"Version": "2012-10-17", "Statement": [...]}.`],
      "infra/api.registry-policy.jsonc": [`1:1 2 null Parsing error: The file holds only comments: a policy file holds one JSON object, such as {"Version": "2012-10-17", "Statement": [...]}.`],
      "policies/pull.json": ["3:24 2 null Parsing error: Unexpected token '\"Action\"'."],
      "infra/main.tf.json": ["1:59 2 null Parsing error: Unexpected token '}'."],
      "infra/ecr.tf": [expect.stringMatching(/^1:\d+ 2 null Parsing error: HCL syntax error/)],
      "infra/ecr.template": ["1:71 2 null Parsing error: Unexpected token '}'."],
    };
    for (const [name, run] of Object.entries(runs)) expect({ name, ...run }).toEqual({ name, code: 1, files: expected });
  });
});
