import type { FileKind, PolicyFile, RegistryContext, RuleMeta } from "@ecrlint/core";

/** A place in a file, in ESLint's convention (1-based line and column, end exclusive). */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One file as a cross-file rule sees it: what the rule collected from it, and where it is deployed. */
export interface ProjectFile<Facts, Options> {
  /** Absolute path. */
  filePath: string;
  /** Path relative to the run's root, for messages that name another file. */
  relativePath: string;
  kind: FileKind;
  registry: RegistryContext;
  facts: Facts;
  /** The rule's options for this file (from the config that governs it), merged over the defaults. */
  options: Options;
}

export interface ProjectReport {
  filePath: string;
  messageId: string;
  data?: Record<string, string | number>;
  loc: Span;
}

export interface ProjectContext<Facts, Options> {
  files: ProjectFile<Facts, Options>[];
  report(descriptor: ProjectReport): void;
  /**
   * Declares that the findings of `from` depend on `to` (a replication configuration on the registry policy of its
   * destination). `--changed-since` re-checks both ends of every tie.
   */
  tie(from: string, to: string): void;
}

/**
 * A check that needs several files at once, run by the standalone runner only (ESLint sees one file at a time).
 * It is described by the same `meta` as a single-file rule so that config validation, SARIF and docs treat it
 * like any rule. Work is split in two so the per-file part can be cached by content: `collect` reads one file
 * into plain JSON facts (no AST, no registry), `check` joins the facts of every file.
 */
export interface ProjectRule<Facts = unknown, Options = Record<string, never>> {
  id: string;
  meta: RuleMeta;
  kinds: readonly FileKind[];
  defaultOptions: Options;
  collect(file: PolicyFile): Facts | undefined;
  check(project: ProjectContext<Facts, Options>): void;
}

export function defineProjectRule<Facts, Options>(rule: ProjectRule<Facts, Options>): ProjectRule<Facts, Options> {
  return rule;
}

export function spanOf(node: { loc: { start: { line: number; column: number }; end: { line: number; column: number } } }): Span {
  return { line: node.loc.start.line, column: node.loc.start.column + 1, endLine: node.loc.end.line, endColumn: node.loc.end.column + 1 };
}
