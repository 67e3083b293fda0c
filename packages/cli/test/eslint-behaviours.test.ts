import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBin, tempDir } from "./helpers.js";

/** A policy with a Region that its registry (us-west-2) does not have: one `no-region-mismatch` finding on line 9. */
export const wrongRegion = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReplicationAccessCrossAccount",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
      "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
      "Resource": "arn:aws:ecr:us-east-1:444455556666:repository/*"
    }
  ]
}
`;

export const REGION = 'Region "us-east-1" does not match the registry\'s Region "us-west-2": this statement never applies to the registry it is deployed to.';

export const config = JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] });

/** Writes a tree of files into a fresh temporary directory. */
export function tree(files: Record<string, string>, dir = tempDir()): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

type JsonResult = { filePath: string; messages: { ruleId: string | null; message: string; severity: number }[]; output?: string };

function parse(stdout: string): JsonResult[] {
  return JSON.parse(stdout) as JsonResult[];
}

describe("directives of other plugins (1)", () => {
  it("are neither judged nor removed; unknown @ecrlint/ ids are errors as in ESLint", async () => {
    const casing = `/* eslint-disable jsonc/key-name-casing -- keys are PascalCase */\n${wrongRegion}`;
    const mixed = wrongRegion.replace('"Resource"', '// eslint-disable-next-line jsonc/sort-keys, @ecrlint/no-duplicate-sid\n      "Resource"');
    const bare = `/* eslint-disable */\n${wrongRegion.replace("us-east-1", "us-west-2")}`;
    const unknown = wrongRegion.replace("us-east-1", "us-west-2").replace('"Version"', '// eslint-disable-next-line @ecrlint/no-such-rule\n  "Version"');
    const dir = tree({ ".ecrlintrc.json": config, "casing.json": casing, "mixed.jsonc": mixed, "bare.json": bare, "unknown.json": unknown });
    const r = await runBin(["--format", "json", "--max-warnings", "0"], { cwd: dir });
    const byName = Object.fromEntries(parse(r.stdout).map((x) => [x.filePath.slice(dir.length + 1), x.messages.map((m) => m.message)]));
    expect(byName).toEqual({
      "bare.json": [],
      "casing.json": [REGION],
      "mixed.jsonc": [
        "Unused eslint-disable directive (no problems were reported from '@ecrlint/no-duplicate-sid').",
        REGION,
      ],
      "unknown.json": ["Definition for rule '@ecrlint/no-such-rule' was not found."],
    });
    const fixed = await runBin(["--fix"], { cwd: dir });
    expect(fixed.code).toBe(1);
    expect(readFileSync(join(dir, "casing.json"), "utf8")).toBe(casing.replace("us-east-1", "us-west-2"));
    expect(readFileSync(join(dir, "bare.json"), "utf8")).toBe(bare);
    expect(readFileSync(join(dir, "mixed.jsonc"), "utf8")).toBe(mixed.replace("jsonc/sort-keys, @ecrlint/no-duplicate-sid", "jsonc/sort-keys").replace("us-east-1", "us-west-2"));
  });
});

describe("symlinked folders (2)", () => {
  it("named on the command line or crossed by a glob, are never followed out of the root, and --fix writes nothing there", async () => {
    const outside = tree({ "registry-policy.json": wrongRegion, "nested/registry-policy.json": wrongRegion });
    const dir = tree({ ".ecrlintrc.json": config, "own/registry-policy.json": wrongRegion.replace("us-east-1", "us-west-2") });
    symlinkSync(outside, join(dir, "linked"));
    symlinkSync(join(dir, "own"), join(dir, "alias"));
    const r = await runBin(["--fix", "--format", "json", "linked", "linked/nested", "alias"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(parse(r.stdout).map((x) => [x.filePath.slice(dir.length + 1), x.messages.map((m) => m.message)])).toEqual([
      ["alias/registry-policy.json", []],
      ["linked", ["File ignored because outside of base path."]],
      ["linked/nested", ["File ignored because outside of base path."]],
    ]);
    expect(readFileSync(join(outside, "registry-policy.json"), "utf8")).toBe(wrongRegion);
    expect(readFileSync(join(outside, "nested/registry-policy.json"), "utf8")).toBe(wrongRegion);
    expect(r.code).toBe(0);
    // A glob through the link finds only files outside the root: nothing to lint, as if they were ignored.
    const glob = await runBin(["--fix", "linked/*.json"], { cwd: dir });
    expect(glob.code).toBe(2);
    expect(glob.stderr).toMatch(/^ecrlint: You are linting "linked\/\*\.json", but all of the files matching the glob pattern "linked\/\*\.json" are ignored\./);
    expect(readFileSync(join(outside, "registry-policy.json"), "utf8")).toBe(wrongRegion);
  });
});
