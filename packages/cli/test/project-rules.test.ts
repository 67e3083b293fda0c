import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { RULE_PREFIX } from "@ecrlint/core";
import { describe, expect, it } from "vitest";
import { lint, projectRules } from "../src/index.js";
import { repoDir } from "./helpers.js";

interface Expected {
  description: string;
  findings: { file: string; messageId: string; line: number; column: number; endLine: number; endColumn: number; message?: string }[];
}

for (const rule of projectRules) {
  const folder = join(repoDir, "rules", rule.id);
  const casesDir = join(folder, "cases");
  const cases = existsSync(casesDir) ? readdirSync(casesDir).sort() : [];

  describe(`${rule.id}`, () => {
    it("has a doc that states meta.docs.description and covers every section and message", () => {
      const doc = readFileSync(join(folder, "README.md"), "utf8");
      expect(doc.startsWith(`# ${rule.id}\n`)).toBe(true);
      expect(doc).toContain(`> ${rule.meta.docs.description}.`);
      for (const heading of ["## What it catches", "## Why", "## Reference", "## Options", "## Examples", "### Incorrect", "### Correct"]) expect(doc).toContain(heading);
      for (const messageId of Object.keys(rule.meta.messages)) expect(doc).toContain(`\`${messageId}\``);
    });

    it("has valid and invalid cases", () => {
      expect(cases.some((c) => c.startsWith("valid-"))).toBe(true);
      expect(cases.some((c) => c.startsWith("invalid-"))).toBe(true);
    });

    it.each(cases)("%s", async (name) => {
      const cwd = join(casesDir, name);
      const expected = JSON.parse(readFileSync(join(cwd, "expected.json"), "utf8")) as Expected;
      const report = await lint({ cwd });
      const findings = report.results.flatMap((r) =>
        r.messages
          .filter((m) => m.ruleId === RULE_PREFIX + rule.id)
          .map((m) => ({ file: relative(cwd, r.filePath), messageId: m.messageId, line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, message: m.message })),
      );
      expect(findings).toEqual(expected.findings.map((f) => ({ ...f, message: f.message ?? expect.any(String) })));
      expect(name.startsWith("valid-")).toBe(findings.length === 0);
    });
  });
}
