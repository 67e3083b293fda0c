import { stripVTControlCharacters } from "node:util";
import pc from "picocolors";
import type { LintMessage } from "@ecrlint/core";
import type { RunStats } from "../types.js";
import { relativePath, showControls, type Formatter } from "./shared.js";

const pluralize = (word: string, count: number) => (count === 1 ? word : `${word}s`);

function visibleLength(text: string): number {
  return text.includes("\u001b") ? stripVTControlCharacters(text).length : text.length;
}

/** ESLint's text-table: columns padded to their widest cell, two spaces apart. */
function table(rows: string[][], align: ("l" | "r")[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = " ".repeat(Math.max(0, widths[i]! - visibleLength(cell)));
          return align[i] === "r" ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const count = (n: number, word: string, plural = `${word}s`) => `${n} ${n === 1 ? word : plural}`;

/**
 * The line a clean run ends with: `no problems in 9 policy files (12 documents) of 2 registries; 431 other files
 * skipped (0.31s)`. ESLint prints nothing when all is well; a linter that skips most files says what it did read.
 */
export function cleanSummary(stats: RunStats): string {
  const seconds = (stats.durationMs / 1000).toFixed(2);
  // Without a policy file there is no registry to name: "of no known registry" would say the config declares none.
  if (stats.policyFiles === 0) return `No policy files found; ${count(stats.skippedFiles, "other file")} skipped (${seconds}s).`;
  const documents = stats.documents !== stats.policyFiles ? ` (${count(stats.documents, "document")})` : "";
  const registries = stats.registries === 0 ? "no known registry" : count(stats.registries, "registry", "registries");
  return `No problems in ${count(stats.policyFiles, "policy file")}${documents} of ${registries}; ${count(stats.skippedFiles, "other file")} skipped (${seconds}s).`;
}

/** `  ↳ file:line:column  what the place is`, the file left out when it is the finding's own. */
function relatedLines(m: LintMessage, filePath: string, cwd: string): string[] {
  const lines = (m.relatedLocations ?? []).map((place) => {
    const file = place.filePath && place.filePath !== filePath ? `${relativePath(cwd, place.filePath)}:` : "line ";
    return `        \u21b3 ${showControls(file)}${place.line}:${place.column}  ${showControls(place.message)}`;
  });
  if (m.relatedLocationsOmitted) lines.push(`        \u21b3 and ${m.relatedLocationsOmitted} more`);
  return lines;
}

/** ESLint's `stylish` layout, so the report reads like the one every JavaScript developer knows. */
export const stylish: Formatter = (results, context) => {
  const c = pc.createColors(context.color);
  let output = "\n";
  let errors = 0;
  let warnings = 0;
  let fixableErrors = 0;
  let fixableWarnings = 0;
  let summaryColor = c.yellow;
  for (const result of results) {
    if (result.messages.length === 0) continue;
    errors += result.errorCount;
    warnings += result.warningCount;
    fixableErrors += result.fixableErrorCount;
    fixableWarnings += result.fixableWarningCount;
    output += `${c.underline(showControls(result.filePath))}\n`;
    const rows = result.messages.map((m) => {
      let type: string;
      if (m.fatal || m.severity === 2) {
        type = c.red("error");
        summaryColor = c.red;
      } else {
        type = c.yellow("warning");
      }
      let text = showControls(m.message);
      if (text.length > 1 && text.endsWith(".") && text.at(-2) !== " ") text = text.slice(0, -1);
      return ["", String(m.line || 0), String(m.column || 0), type, text, m.ruleId ? c.dim(m.ruleId) : ""];
    });
    const lines = table(rows, ["l", "r", "l"])
      .split("\n")
      .map((line) => line.replace(/(\d+)\s+(\d+)/u, (_, l: string, col: string) => c.dim(`${l}:${col}`)));
    // A finding's related places follow its row, one line each, under the message column's start.
    const withRelated = lines.flatMap((line, i) => [line, ...relatedLines(result.messages[i]!, result.filePath, context.cwd).map((text) => c.dim(text))]);
    output += `${withRelated.join("\n")}\n\n`;
  }
  const total = errors + warnings;
  // One line, which the CLI ends as it ends every report (ESLint's console.log newline).
  if (total === 0) return context.stats ? `${c.green("\u2714")} ${cleanSummary(context.stats)}` : "";
  output += `${summaryColor(
    c.bold(`\u2716 ${total}${pluralize(" problem", total)} (${errors}${pluralize(" error", errors)}, ${warnings}${pluralize(" warning", warnings)})`),
  )}\n`;
  if (fixableErrors > 0 || fixableWarnings > 0) {
    output += `${summaryColor(
      c.bold(
        `  ${fixableErrors}${pluralize(" error", fixableErrors)} and ${fixableWarnings}${pluralize(" warning", fixableWarnings)} potentially fixable with the \`--fix\` option.`,
      ),
    )}\n`;
  }
  return output;
};
