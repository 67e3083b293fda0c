import { hasLocation, relativePath, severityName, type Formatter } from "./shared.js";

function escapeXml(text: string): string {
  return (
    text
      // Control characters XML 1.0 cannot carry at all, even escaped.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

/** JUnit XML for CI test tabs: one test case per linted file, one failure per finding. */
export const junit: Formatter = (results, context) => {
  const failing = results.filter((r) => r.messages.length > 0).length;
  const cases = results.map((r) => {
    const file = relativePath(context.rootDir, r.filePath);
    const failures = r.messages.map((m) => {
      const where = hasLocation(m) ? `${file}:${m.line}:${m.column}` : file;
      const body = `${where} ${m.ruleId ?? ""}`.trimEnd() + `\n${m.message}`;
      return `      <failure type="${severityName(m)}" message="${escapeXml(m.message)}">${escapeXml(body)}</failure>`;
    });
    const open = `    <testcase classname="ecrlint" name="${escapeXml(file)}" file="${escapeXml(file)}"`;
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
