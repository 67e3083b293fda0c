import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ruleDocsUrl } from "@ecrlint/core";
import { ruleList } from "../index.js";
import { ruleFolder, rulesDir } from "./rule-cases.js";
import { ACCESS_ANALYZER_CHECKS } from "./access-analyzer-checks.js";

const root = join(rulesDir, "..");

describe("generated files", () => {
  it("rules/index.ts, the rule READMEs and the README rules table match the rule folders, meta and cases", () => {
    const run = () => execFileSync(process.execPath, [join(root, "scripts/generate.mjs"), "--check"], { encoding: "utf8", stdio: "pipe" });
    expect(run).not.toThrow();
  });

  it("every Access Analyzer check a rule names is titled and typed as the check reference has it", () => {
    for (const rule of ruleList) {
      for (const { check, type } of rule.meta.docs.accessAnalyzer) {
        expect(ACCESS_ANALYZER_CHECKS[check], `${rule.id}: "${check}" is not a check of the reference`).toBeDefined();
        expect(type, `${rule.id}: "${check}"`).toBe(ACCESS_ANALYZER_CHECKS[check]);
      }
    }
  });

  it("rule doc URLs are the rule READMEs in the repository the package declares", () => {
    const pkg = JSON.parse(readFileSync(join(rulesDir, "package.json"), "utf8")) as { repository: { url: string } };
    const home = pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
    for (const rule of ruleList) {
      const url = ruleDocsUrl(rule.id);
      expect(url.startsWith(`${home}/blob/main/`), url).toBe(true);
      expect(existsSync(join(root, url.slice(`${home}/blob/main/`.length))), url).toBe(true);
    }
  });
});

describe.each(ruleList.map((rule) => [rule.id, rule] as const))("rules/%s/README.md", (id, rule) => {
  // Read in each test, so that a rule without a folder fails here rather than stopping the whole file.
  const readme = () => readFileSync(join(ruleFolder(id), "README.md"), "utf8");

  it("is titled by the id, states meta.docs.description and has every section", () => {
    const text = readme();
    expect(text.startsWith(`# ${id}\n`)).toBe(true);
    expect(text).toContain(`> ${rule.meta.docs.description}.`);
    for (const heading of ["## What it catches", "## Why", "## Options", "## Examples", "### Incorrect", "### Correct"]) expect(text).toContain(heading);
  });

  it("cites the IAM or ECR documentation in its own words, never the project's notes", () => {
    const text = readme();
    const written = text.replace(/<!-- begin header -->[\s\S]*?<!-- end header -->/, "");
    expect(written).toMatch(/\]\(https:\/\/docs\.aws\.amazon\.com\//);
    expect(text).not.toMatch(/REFERENCE/);
    expect(rule.meta.docs.sources.length).toBeGreaterThan(0);
  });

  it("has a heading for every option", () => {
    const text = readme();
    const schema = rule.meta.schema[0] as { properties?: Record<string, unknown> } | undefined;
    for (const option of Object.keys(schema?.properties ?? {})) {
      expect(text, `rules/${id}/README.md lacks "### \`${option}\`"`).toContain(`### \`${option}\``);
    }
    if (!schema?.properties) expect(text).toMatch(/## Options\s+None\./);
  });
});
