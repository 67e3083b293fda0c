import { pathToFileURL } from "node:url";
import type { LintMessage } from "@ecrlint/core";
import type { SuppressedLintMessage } from "../types.js";
import type { Log, Notification, ReportingDescriptor, Result } from "sarif";
import { VERSION } from "../version.js";
import { fingerprinter } from "./fingerprint.js";
import { hasLocation, relativePath, severityName, showControlsByLine, type Formatter } from "./shared.js";

const SRCROOT = "%SRCROOT%";

/** A relative path as a URI reference: each segment percent-encoded (a space is `%20`), `/` kept. */
function encodeUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/**
 * A finding's related places (SARIF §3.27.22): each a physical location in its file (the result's own when the place
 * names none) with what it is to the finding, numbered from 1 as code scanning links them.
 */
function relatedLocations(places: NonNullable<LintMessage["relatedLocations"]>, ownUri: string, rootDir: string): NonNullable<Result["relatedLocations"]> {
  return places.map((place, i) => ({
    id: i + 1,
    physicalLocation: {
      artifactLocation: { uri: place.filePath ? encodeUri(relativePath(rootDir, place.filePath)) : ownUri, uriBaseId: SRCROOT },
      region: { startLine: place.line, startColumn: Math.max(1, place.column), endLine: place.endLine, endColumn: Math.max(1, place.endColumn) },
    },
    message: { text: place.message },
  }));
}

/**
 * SARIF 2.1.0 for code-scanning tools. Findings of rules become results; messages that belong to no rule (a file
 * that does not parse, an unused eslint-disable comment) become tool notifications, as ESLint's SARIF formatter
 * does, since code scanning needs a rule for every result. Paths are relative to the repository root. Suppressed
 * findings are results with `suppressions`; a fatal parse error makes the run not `executionSuccessful`.
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
  let fatal = false;
  for (const result of results) {
    const uri = encodeUri(relativePath(context.rootDir, result.filePath));
    const index = artifacts.length;
    artifacts.push({ location: { uri, uriBaseId: SRCROOT } });
    const fingerprint = fingerprinter(uri, (m) => (m.ruleId && m.messageId ? context.rulesMeta[m.ruleId]?.meta.messages[m.messageId] : undefined));
    const suppressed = new Set<LintMessage>(result.suppressedMessages);
    for (const m of [...result.messages, ...result.suppressedMessages]) {
      if (m.fatal) fatal = true;
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
        // Stable across runs and line moves (see fingerprint.ts); v2: positional data no longer counts.
        sarifResults.push({
          ruleId: m.ruleId,
          ruleIndex: known,
          level,
          message: { text: m.message },
          locations: [{ physicalLocation }],
          ...(m.relatedLocations?.length ? { relatedLocations: relatedLocations(m.relatedLocations, uri, context.rootDir) } : {}),
          // SARIF has no field for places left out (§3.8 property bag): the count is kept where a reader can find it.
          ...(m.relatedLocationsOmitted ? { properties: { relatedLocationsOmitted: m.relatedLocationsOmitted } } : {}),
          partialFingerprints: { "ecrlint/v2": fingerprint(m) },
          ...(suppressed.has(m)
            ? { suppressions: (m as SuppressedLintMessage).suppressions.map((x) => ({ kind: "inSource" as const, ...(x.justification ? { justification: x.justification } : {}) })) }
            : {}),
        });
      } else if (!suppressed.has(m)) {
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
        // A file that could not be parsed was not checked: the run did not fully succeed.
        invocations: [{ executionSuccessful: !fatal, toolExecutionNotifications: notifications }],
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  // What a terminal would act on, JSON-escaped: the same data.
  return `${showControlsByLine(JSON.stringify(log, null, 2))}\n`;
};
