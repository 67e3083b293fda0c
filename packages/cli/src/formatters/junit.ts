import { xmlText } from "@ecrlint/core";
import { hasLocation, relativePath, severityName, type Formatter } from "./shared.js";

/** JUnit XML for CI test tabs: one test case per linted file, one failure per finding. */
export const junit: Formatter = (results, context) => {
  const failing = results.filter((r) => r.messages.length > 0).length;
  const cases = results.map((r) => {
    const file = relativePath(context.rootDir, r.filePath);
    const failures = r.messages.map((m) => {
      const where = hasLocation(m) ? `${file}:${m.line}:${m.column}` : file;
      const body = `${where} ${m.ruleId ?? ""}`.trimEnd() + `\n${m.message}`;
      return `      <failure type="${severityName(m)}" message="${xmlText(m.message)}">${xmlText(body, true)}</failure>`;
    });
    const open = `    <testcase classname="ecrlint" name="${xmlText(file)}" file="${xmlText(file)}"`;
    return failures.length ? `${open}>\n${failures.join("\n")}\n    </testcase>` : `${open} />`;
  });
  const counts = `tests="${results.length}" failures="${failing}" errors="0"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ecrlint" ${counts}>`,
    `  <testsuite name="ecrlint" ${counts} skipped="0">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
};
