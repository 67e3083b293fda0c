import { relative } from "node:path";
import { formatMessage, MAX_RELATED_LOCATIONS, RULE_PREFIX, type LintMessage, type ProjectFile, type ProjectRelation, type ProjectReport } from "@ecrlint/core";
import { createHash } from "node:crypto";
import type { FileFindings, ResultCache } from "./cache.js";
import { factsHash, loadFacts, takeFacts } from "./entry-facts.js";
import { toPosix } from "./discover.js";
import { EcrlintError } from "./errors.js";
import type { FileEntry } from "./read-file.js";
import { knownRules } from "./rules-config.js";

/** What the cross-file rules found over one project (see {@link runProjectRules}), as the maps they fill. */
export interface ProjectFindings {
  /** Findings of the cross-file rules, by file. */
  messages: Map<string, LintMessage[]>;
  /** Files whose findings depend on each other, both ways (for `--changed-since`). */
  ties: Map<string, Set<string>>;
  /** Related places cross-file rules add to other rules' findings, by file. */
  relations: Map<string, ProjectRelation[]>;
}

/** What the run reads of the cross-file findings: a file's, when its result is made, and the ties. */
export interface ProjectOutcome {
  ties: Map<string, Set<string>>;
  of(filePath: string): FileFindings;
}

const NO_FINDINGS: FileFindings = { messages: [], relations: [] };

export function projectOutcome(found: ProjectFindings): ProjectOutcome {
  return { ties: found.ties, of: (filePath) => ({ messages: found.messages.get(filePath) ?? [], relations: found.relations.get(filePath) ?? [] }) };
}

/**
 * The messages with each relation's places added to the finding it names (copies: a file's own messages may be
 * the cache's). A relation whose finding is not there (its rule is off, or disabled by a comment) is dropped.
 */
export function applyRelations(messages: readonly LintMessage[], relations: readonly ProjectRelation[]): LintMessage[] {
  if (!relations.length) return [...messages];
  return messages.map((m) => {
    const mine = relations.filter((r) => m.ruleId === RULE_PREFIX + r.ruleId && m.messageId === r.messageId && m.line === r.line && m.column === r.column);
    if (!mine.length) return m;
    const related = mine.flatMap((r) => r.related.map(({ filePath, ...place }) => (filePath === r.filePath ? place : { filePath, ...place })));
    const omitted = mine.reduce((n, r) => n + (r.omitted ?? 0), 0);
    return { ...m, relatedLocations: [...(m.relatedLocations ?? []), ...related], ...(omitted ? { relatedLocationsOmitted: omitted } : {}) };
  });
}

/**
 * Runs the project hook of every cross-file rule that some file's config turns on, over the facts each file
 * yielded when it was read. A file takes part in a rule when its own config enables the rule, with its options.
 * The ties are recorded only when `needTies` (`--changed-since` reads them): a replication configuration is tied
 * to every destination policy, so they grow with the square of the project (hundreds of MB at 50,000 files).
 */
export function runProjectRules(entries: FileEntry[], cwd: string, needTies: boolean): ProjectFindings {
  const messages = new Map<string, LintMessage[]>();
  const ties = new Map<string, Set<string>>();
  const relations = new Map<string, ProjectRelation[]>();
  // One relation per finding, holding its first MAX_RELATED_LOCATIONS places and counting the rest: every source
  // that replicates into a destination relates itself to that destination's finding, so the places otherwise grow
  // with the square of the project (271,000 of them at 50,000 files).
  const byFinding = new Map<string, ProjectRelation>();
  const relate = (r: ProjectRelation) => {
    const key = `${r.filePath}\0${r.ruleId}\0${r.messageId}\0${r.line}:${r.column}`;
    let held = byFinding.get(key);
    if (!held) {
      held = { filePath: r.filePath, ruleId: r.ruleId, messageId: r.messageId, line: r.line, column: r.column, related: [] };
      byFinding.set(key, held);
      const list = relations.get(r.filePath);
      if (list) list.push(held);
      else relations.set(r.filePath, [held]);
    }
    const room = MAX_RELATED_LOCATIONS - held.related.length;
    held.related.push(...r.related.slice(0, Math.max(0, room)));
    const over = r.related.length - Math.max(0, room);
    if (over > 0) held.omitted = (held.omitted ?? 0) + over;
  };
  const tie = (a: string, b: string) => {
    if (!needTies) return;
    if (!ties.has(a)) ties.set(a, new Set());
    if (!ties.has(b)) ties.set(b, new Set());
    ties.get(a)!.add(b);
    ties.get(b)!.add(a);
  };
  const enabled = new Set<string>();
  for (const e of entries) for (const id of e.context?.rules.project.keys() ?? []) enabled.add(id);
  for (const id of [...enabled].sort()) {
    const rule = knownRules().get(id)!;
    const byPath = new Map<string, FileEntry>();
    const files: ProjectFile<unknown, unknown>[] = [];
    for (const e of entries) {
      if (e.outcome.status !== "ours" || !e.context) continue;
      // A file takes part once per document the rule collected from (a template may hold a policy and a rule).
      for (const document of e.outcome.documents) {
        if (!(id in document.facts)) continue;
        const configured = e.context.rules.project.get(id)!;
        byPath.set(e.filePath, e);
        files.push({
          filePath: e.filePath,
          relativePath: toPosix(relative(cwd, e.filePath)),
          kind: document.kind,
          registry: e.context.registry,
          facts: takeFacts(document.facts, id),
          options: configured.options,
        });
      }
    }
    const report = (d: ProjectReport) => {
      const entry = byPath.get(d.filePath);
      const configured = entry?.context?.rules.project.get(id);
      if (!configured) return;
      const list = messages.get(d.filePath) ?? [];
      list.push({
        ruleId: RULE_PREFIX + id,
        severity: configured.severity,
        message: formatMessage(rule.meta.messages[d.messageId] ?? d.messageId, d.data),
        messageId: d.messageId,
        ...d.loc,
        // A place in the finding's own file is written without its path, as a single-file rule's are.
        ...(d.related?.length ? { relatedLocations: d.related.map(({ filePath, ...place }) => (filePath === d.filePath ? place : { filePath, ...place })) } : {}),
      });
      messages.set(d.filePath, list);
    };
    try {
      rule.project!.check({ files, report, tie, relate });
    } catch (error) {
      throw new EcrlintError("internal", `rule ${RULE_PREFIX}${id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { messages, ties, relations };
}

/**
 * Everything the cross-file rules read of a project's files, as one hash: each file's path, registry, cross-file
 * rule settings and facts per document. Equal hashes give equal findings (the rules' code is in the cache's version).
 */
function projectInput(entries: FileEntry[], cwd: string): string {
  // Hashed file by file: the facts of 50,000 files are not held as one string.
  const hash = createHash("sha1").update(JSON.stringify(cwd));
  for (const e of entries) {
    const file = [
      e.filePath,
      e.context?.registry ?? null,
      [...(e.context?.rules.project ?? [])].map(([id, { severity, options }]) => [id, severity, options ?? null]),
      e.outcome.status === "ours" ? [e.outcome.documents.map((d) => d.kind), factsHash(e)] : [],
    ];
    hash.update(JSON.stringify(file)).update("\n");
  }
  return hash.digest("hex");
}

/**
 * {@link runProjectRules} through the cache: a project whose files gave the same facts as last time (a warm run,
 * or a file changed in a way no cross-file rule reads) gets the findings recorded then. The ties between files are
 * not kept (a replication configuration is tied to every destination policy: they grow with the square of the
 * project), so a run that needs them (`--changed-since`) joins the files again, and records what it found.
 */
export function cachedProjectRules(entries: FileEntry[], cwd: string, root: string, cache: ResultCache, needTies: boolean): ProjectOutcome {
  const input = projectInput(entries, cwd);
  const stored = needTies ? undefined : cache.getProject(root, input);
  if (stored) return { ties: new Map(), of: (filePath) => stored(filePath) ?? NO_FINDINGS };
  loadFacts(entries);
  const found = runProjectRules(entries, cwd, needTies);
  const byFile = new Map<string, FileFindings>();
  for (const [filePath, messages] of found.messages) byFile.set(filePath, { messages, relations: found.relations.get(filePath) ?? [] });
  for (const [filePath, relations] of found.relations) if (!byFile.has(filePath)) byFile.set(filePath, { messages: [], relations });
  cache.setProject(root, input, byFile);
  return projectOutcome(found);
}
