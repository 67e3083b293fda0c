import { pathToFileURL } from "node:url";
import type { Log, Notification, ReportingDescriptor, Result } from "sarif";
import { VERSION } from "../version.js";
import { hasLocation, relativePath, severityName, type Formatter } from "./shared.js";

const SRCROOT = "%SRCROOT%";

/**
 * SARIF 2.1.0 for code-scanning tools. Findings of rules become results; messages that belong to no rule (a file
 * that does not parse, an unused eslint-disable comment) become tool notifications, as ESLint's SARIF formatter
 * does, since code scanning needs a rule for every result. Paths are relative to the repository root.
 */
export const sarif: Formatter = (results, context) => {
  const ruleIds = Object.keys(context.rulesMeta).sort();
  const rules: ReportingDescriptor[] = ruleIds.map((id) => {
    const { meta, url } = context.rulesMeta[id]!;
    return {
      id,
      name: id.slice(id.indexOf("/") + 1),
      shortDescription: { text: meta.docs.description },
      helpUri: url,
      help: { text: `${meta.docs.description}. See ${url}` },
      // Code scanning shows tags; the Access Analyzer checks let a reviewer match findings to the ones they know.
      properties: {
        category: meta.type,
        tags: [meta.docs.config, meta.docs.findingType],
        ...(meta.docs.accessAnalyzer.length ? { accessAnalyzerChecks: meta.docs.accessAnalyzer.map((c) => c.check) } : {}),
      },
    };
  });
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const artifacts: NonNullable<Log["runs"][number]["artifacts"]> = [];
  const sarifResults: Result[] = [];
  const notifications: Notification[] = [];
  for (const result of results) {
    const uri = relativePath(context.rootDir, result.filePath);
    const index = artifacts.length;
    artifacts.push({ location: { uri, uriBaseId: SRCROOT } });
    for (const m of result.messages) {
      const physicalLocation = {
        artifactLocation: { uri, uriBaseId: SRCROOT, index },
        ...(hasLocation(m)
          ? {
              region: {
                startLine: m.line,
                startColumn: Math.max(1, m.column),
                ...(m.endLine !== undefined ? { endLine: m.endLine } : {}),
                ...(m.endColumn !== undefined ? { endColumn: Math.max(1, m.endColumn) } : {}),
              },
            }
          : {}),
      };
      const level = severityName(m);
      const known = m.ruleId !== null ? ruleIndex.get(m.ruleId) : undefined;
      if (m.ruleId !== null && known !== undefined) {
        sarifResults.push({ ruleId: m.ruleId, ruleIndex: known, level, message: { text: m.message }, locations: [{ physicalLocation }] });
      } else {
        notifications.push({
          level,
          message: { text: m.ruleId ? `${m.ruleId}: ${m.message}` : m.message },
          locations: [{ physicalLocation }],
          ...(m.fatal ? { descriptor: { id: "parse-error" } } : {}),
        });
      }
    }
  }
  for (const notice of context.notices ?? []) {
    notifications.push({
      level: "note",
      message: { text: [notice.message, ...notice.details].join(" ") },
      descriptor: { id: notice.id },
      locations: notice.files.map((filePath) => ({ physicalLocation: { artifactLocation: { uri: relativePath(context.rootDir, filePath), uriBaseId: SRCROOT } } })),
    });
  }
  const rootUri = pathToFileURL(context.rootDir).href.replace(/\/?$/, "/");
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "ecrlint", version: VERSION, informationUri: "https://github.com/ecrlint/ecrlint", rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: rootUri } },
        artifacts,
        results: sarifResults,
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
