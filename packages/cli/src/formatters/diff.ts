import type { Log, ReportingDescriptor, Result } from "sarif";
import { failing, type DiffDocument, type DiffError, type DiffReport, type DiffRow } from "../diff-report.js";
import { VERSION } from "../version.js";

export const DIFF_FORMAT_NAMES = ["stylish", "markdown", "json", "sarif"] as const;
export type DiffFormatName = (typeof DIFF_FORMAT_NAMES)[number];

const SIGN = { gain: "+", loss: "-" } as const;

function rowsOf(document: DiffDocument): DiffRow[] {
  return [...document.gained, ...document.lost];
}

function where(document: DiffDocument): string {
  return document.path ? ` (${document.path})` : "";
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** A table per file: one row per access gained (+) or lost (-), each followed by the command that shows its witness. */
export function diffStylish(report: DiffReport): string {
  const out: string[] = [];
  for (const file of report.files) {
    for (const document of file.documents) {
      out.push(`${file.path}${where(document)}: ${document.summary}`);
      const rows = rowsOf(document);
      if (rows.length) {
        out.push(table(["", "principal", "actions", "repositories", "condition"], rows.map((r) => [SIGN[r.change], r.principal.text, r.actions.text, r.repositories.text, r.condition])).replace(/^/gm, "  "));
        out.push("  witnesses (now, then at the base):");
        for (const r of rows) out.push(`    ${SIGN[r.change]} ${r.explain}`, `      ${r.explainBase}`);
      }
      for (const i of document.inconclusive) out.push(`  ? ${i.change} inconclusive: ${i.reason}`);
      out.push("");
    }
  }
  for (const e of report.errors) out.push(`${errorLine(e)}`);
  out.push(report.files.length ? `${report.summary} (since ${report.base})` : report.errors.length ? `No other policy changed access since ${report.base}.` : `No policy changed access since ${report.base}.`);
  if (report.failed.length) out.push(`Failing: ${failing(report)}`);
  return `${out.join("\n")}\n`;
}

/** `pol/x.json:1:41: Unexpected end of input (in the working tree): not compared`. */
export function errorLine(e: DiffError): string {
  return `${e.path}:${e.line}:${e.column}: ${e.message} (${e.side === "base" ? "at the base" : "in the working tree"}); no access is compared for this file`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** For a pull-request comment or a job summary: the summary line, then a table per file. */
export function diffMarkdown(report: DiffReport): string {
  const out: string[] = ["### ecrlint access review", "", report.files.length ? `**${report.summary}** (since \`${report.base}\`)` : `No ${report.errors.length ? "other " : ""}policy changed access since \`${report.base}\`.`];
  for (const e of report.errors) out.push("", `> **Not compared:** \`${cell(errorLine(e))}\``);
  if (report.failed.length) out.push("", `Failing: ${failing(report, (g) => `\`${g}\``)}`);
  for (const file of report.files) {
    for (const document of file.documents) {
      out.push("", `#### \`${file.path}\`${document.path ? ` \`${document.path}\`` : ""}`, "", document.summary);
      const rows = rowsOf(document);
      if (rows.length) {
        out.push("", "| | Principal | Actions | Repositories | Condition | Witness |", "| --- | --- | --- | --- | --- | --- |");
        for (const r of rows) {
          const witness = `\`${cell(r.explain)}\`<br>base: \`${cell(r.explainBase)}\``;
          out.push(`| ${r.change === "gain" ? "➕ gains" : "➖ loses"} | ${cell(r.principal.text)} | ${cell(r.actions.text)} | ${cell(r.repositories.text)} | ${cell(r.condition)} | ${witness} |`);
        }
      }
      for (const i of document.inconclusive) out.push("", `> Inconclusive (${i.change}): ${i.reason}`);
    }
  }
  return `${out.join("\n")}\n`;
}

export function diffJson(report: DiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const SARIF_RULES: ReportingDescriptor[] = [
  { id: "new-public-access", shortDescription: { text: "The change grants access to anyone" } },
  { id: "new-external-access", shortDescription: { text: "The change grants access to a principal of another account" } },
];

/** New public or external access, as results at the statement that grants it in the changed file. */
export function diffSarif(report: DiffReport): string {
  const results: Result[] = [];
  for (const file of report.files) {
    for (const document of file.documents) {
      for (const row of document.gained) {
        if (!row.public && !row.external) continue;
        const ruleIndex = row.public ? 0 : 1;
        results.push({
          ruleId: SARIF_RULES[ruleIndex]!.id,
          ruleIndex,
          level: "warning",
          message: { text: `${row.principal.text} gains ${row.actions.text} on ${row.repositories.text} (${row.condition}). Witness: ${row.explain}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: file.repositoryPath, uriBaseId: "%SRCROOT%" }, ...(row.statement.line ? { region: { startLine: row.statement.line } } : {}) } }],
        });
      }
    }
  }
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "ecrlint diff", version: VERSION, informationUri: "https://github.com/ecrlint/ecrlint", rules: SARIF_RULES } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

export const diffFormatters: Record<DiffFormatName, (report: DiffReport) => string> = { stylish: diffStylish, markdown: diffMarkdown, json: diffJson, sarif: diffSarif };
