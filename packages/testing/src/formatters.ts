import { showControlsByLine, xmlText } from "@ecrlint/core";
import type { CasesRun } from "./cases.js";

export type CasesFormat = "stylish" | "json" | "junit";

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((l) => (l ? by + l : l))
    .join("\n");
}

/** Failures with their explanation, then `N passed, N failed`. */
export function formatStylish(run: CasesRun): string {
  const out: string[] = [];
  for (const f of run.files) {
    if (f.error) {
      out.push(`${f.file}${f.error.keyPath ? ` ${f.error.keyPath}` : ""}: ${f.error.message}`);
      continue;
    }
    const failures = f.cases.filter((c) => !c.pass);
    const warned = f.cases.filter((c) => c.pass && c.warnings?.length);
    if (!failures.length && !warned.length) continue;
    out.push(f.file);
    for (const c of warned) for (const w of c.warnings!) out.push(`  ! ${c.name}${c.line !== undefined ? ` (line ${c.line})` : ""}: ${w}`);
    for (const c of failures) {
      out.push(`  ✗ ${c.name}${c.line !== undefined ? ` (line ${c.line})` : ""}`);
      for (const w of c.warnings ?? []) out.push(`    ! ${w}`);
      out.push(indent(c.message, "    "));
    }
    out.push("");
  }
  const invalid = run.invalid ? `, ${run.invalid} invalid file${run.invalid === 1 ? "" : "s"}` : "";
  out.push(`${run.passed} passed, ${run.failed} failed${invalid}`);
  return `${out.join("\n")}\n`;
}

export function formatJson(run: CasesRun): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}

/** An XML attribute's text: what XML 1.0 cannot carry, and what a terminal acts on, shown as escapes. */
const xml = (text: string) => xmlText(text);

/** JUnit XML, one test suite per cases file, as CI systems read it. */
export function formatJunit(run: CasesRun): string {
  const suites = run.files.map((f) => {
    if (f.error) {
      return `  <testsuite name="${xml(f.file)}" tests="1" failures="0" errors="1">\n    <testcase name="${xml(f.file)}" classname="${xml(f.file)}">\n      <error message="${xml(`${f.error.keyPath} ${f.error.message}`.trim())}"/>\n    </testcase>\n  </testsuite>`;
    }
    const failures = f.cases.filter((c) => !c.pass).length;
    const cases = f.cases.map((c) => {
      const open = `    <testcase name="${xml(c.name)}" classname="${xml(f.file)}"`;
      if (c.pass) return `${open}/>`;
      return `${open}>\n      <failure message="${xml(c.message.split("\n")[0]!)}">${xmlText(c.message, true)}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(f.file)}" tests="${f.cases.length}" failures="${failures}" errors="0">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const tests = run.passed + run.failed + run.invalid;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ecrlint test" tests="${tests}" failures="${run.failed}" errors="${run.invalid}">\n${suites.join("\n")}\n</testsuites>\n`;
}

/**
 * The report in `format`. Case names, policy paths and messages come from files a pull request writes: what a
 * terminal would act on (an escape sequence, a bidi override) is shown as an escape, which in JSON is the same data.
 */
export function formatCases(run: CasesRun, format: CasesFormat): string {
  return format === "json" ? showControlsByLine(formatJson(run)) : format === "junit" ? formatJunit(run) : showControlsByLine(formatStylish(run));
}
