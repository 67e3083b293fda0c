import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ruleDocsUrl, ruleFolders, ruleList, rulesDirectory } from "@ecrlint/core";
import { projectRules } from "../src/index.js";

const root = join(rulesDirectory(), "..");

describe("generated docs", () => {
  it("rule READMEs and the README rules table match the rules' meta and cases", () => {
    // Lives in the CLI package because the table lists the runner's cross-file rules too (its build comes last).
    const run = () => execFileSync(process.execPath, [join(root, "scripts/generate.mjs"), "--check"], { encoding: "utf8", stdio: "pipe" });
    expect(run).not.toThrow();
  });

  it("every option of every rule has a heading in the rule's README", () => {
    for (const rule of ruleList) {
      const readme = readFileSync(join(root, "rules", rule.id, "README.md"), "utf8");
      const schema = rule.meta.schema[0] as { properties?: Record<string, unknown> } | undefined;
      for (const option of Object.keys(schema?.properties ?? {})) {
        expect(readme, `rules/${rule.id}/README.md lacks "### \`${option}\`"`).toContain(`### \`${option}\``);
      }
      if (!schema?.properties) expect(readme).toMatch(/## Options\s+None\./);
    }
  });

  it("every folder under rules/ belongs to a rule, single-file or cross-file, and every rule has one", () => {
    const ids = [...ruleList.map((r) => r.id), ...projectRules.map((r) => r.id)].sort();
    expect(ruleFolders()).toEqual(ids);
  });

  it("every rule README cites the REFERENCE", () => {
    for (const rule of ruleList) {
      const readme = readFileSync(join(root, "rules", rule.id, "README.md"), "utf8");
      expect(readme).toMatch(/REFERENCE §\d/);
      expect(existsSync(join(root, "rules", rule.id, "cases.json"))).toBe(true);
    }
  });

  it("rule doc URLs are the rule READMEs in the repository every package.json declares", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { repository: { url: string } };
    const home = pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
    for (const id of [...ruleList.map((r) => r.id), ...projectRules.map((r) => r.id)]) {
      const url = ruleDocsUrl(id);
      expect(url.startsWith(`${home}/blob/main/`), url).toBe(true);
      expect(existsSync(join(root, url.slice(`${home}/blob/main/`.length))), url).toBe(true);
    }
  });
});
