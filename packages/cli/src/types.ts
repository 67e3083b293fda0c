import type { LintMessage, RuleMeta, RuleSetting } from "@ecrlint/core";

/** Options of {@link lint}; the CLI builds them from argv. */
export interface LintOptions {
  /**
   * The working directory: patterns, `--cache-location` and reported relative paths are relative to it. Default
   * `process.cwd()`. What may be linted is the base path around it (ESLint's `basePath`): the folder of the outermost
   * config that governs it, else its git repository's root; nothing outside the base path is read.
   */
  cwd?: string;
  /** Files, directories or globs, as ESLint takes them; none means the config's `files`. */
  patterns?: string[];
  /** An explicit config file for every linted file, instead of the nearest one. */
  configFile?: string;
  /** Apply fixes and write the files (atomically). */
  fix?: boolean;
  /** Compute fixes and put the fixed text in `output`, writing nothing. */
  fixDryRun?: boolean;
  /** Report errors only (warn-level rules are not run). */
  quiet?: boolean;
  /** More warnings than this makes the run `errored`. */
  maxWarnings?: number;
  /** Only files changed against this git ref, plus the files a cross-file check ties to them. */
  changedSince?: string;
  /** `false` turns off `.gitignore` and the config's `ignores` (node_modules and .git stay skipped). */
  ignore?: boolean;
  /** Reuse results of unchanged files from a content-hash cache. */
  cache?: boolean;
  /**
   * Worker threads that run the rules: 0 for none (everything in the calling thread, for debugging), a number for
   * that many whatever the size of the run (at most one per file it reads, and 4 per core). By default, from 3 available cores, one per core but the one the
   * calling thread reads the files on (`os.availableParallelism() - 1`), when at least 512 files are to be linted;
   * none on 2 cores, where a worker cost more than it saved. Findings, their
   * order and the exit code are the same either way.
   */
  workers?: number;
  /** Cache file; default `<cwd>/.ecrlintcache` (the CLI reads `--cache-location` as ESLint does: a folder or a file). */
  cacheLocation?: string;
  /** Rule settings laid over every config's `rules` (ids without the `@ecrlint/` prefix). */
  rules?: Record<string, RuleSetting>;
  /** `false` for `--no-inline-config`: `eslint-disable` and `/* eslint *\/` comments are not read. */
  inlineConfig?: boolean;
  /** How unused `eslint-disable` / `eslint-enable` directives are reported; default `warn`, as in ESLint. */
  reportUnusedDisableDirectives?: "off" | "warn" | "error";
  /** `false` for `--no-error-on-unmatched-pattern`: a pattern that yields no file is skipped instead of failing the run. */
  errorOnUnmatchedPattern?: boolean;
  /**
   * `false` (`--no-warn-ignored`) drops the warnings about files named on the command line that the run skips: ignored
   * ones, and ones no `files` glob matches (`template.yaml`, `RUNBOOK.md`), as ESLint's flag does.
   */
  warnIgnored?: boolean;
}

/** Options of {@link lintText}: those of `lint` and the path the text is linted as. */
export interface LintTextOptions extends Omit<LintOptions, "patterns" | "fix" | "changedSince"> {
  /** The text's file name, for its config, registry and ignores (relative to `cwd`); the result says `<text>` without one. */
  filePath?: string;
}

/** A suppressed finding, in ESLint's shape. */
export type SuppressedLintMessage = LintMessage & { suppressions: { kind: "directive"; justification: string }[] };

/** One file's findings, in the shape of ESLint's `LintResult` so tools that read ESLint output read ours. */
export interface LintResult {
  filePath: string;
  messages: LintMessage[];
  suppressedMessages: SuppressedLintMessage[];
  errorCount: number;
  fatalErrorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** The text after fixes, when fixing changed it. */
  output?: string;
  /** The text, when there are findings and no `output` (as ESLint does). */
  source?: string;
  usedDeprecatedRules: { ruleId: string; replacedBy: string[] }[];
}

/** What formatters know about a rule: its meta plus the URL of its doc. */
export interface RuleDescription {
  meta: RuleMeta;
  url: string;
  /** The meta ESLint holds for the rule, with `docs.url` (what `json-with-metadata` prints). */
  eslintMeta: Record<string, unknown>;
}

export interface LintReport {
  results: LintResult[];
  /** Errors, or more warnings than `maxWarnings`: the CLI exits 1. */
  errored: boolean;
  errorCount: number;
  warningCount: number;
  /**
   * The run's working directory, and the root that SARIF, JUnit and GitHub paths are relative to: the repository's,
   * else (outside git) the base path.
   */
  cwd: string;
  rootDir: string;
  /** Meta of every rule that reported, by full rule id (`@ecrlint/<id>`). */
  rulesMeta: Record<string, RuleDescription>;
  /** Files written by `fix`. */
  fixedFiles: string[];
  /** What the run looked at, for the closing summary line. */
  stats: RunStats;
  /** Things the run wants said once, beside the findings (stderr, or SARIF tool notifications). */
  notices: RunNotice[];
}

export interface RunStats {
  /** Files read as ECR documents (policies, CLI output, templates…), findings or not. */
  policyFiles: number;
  /** Documents in them (a CloudFormation template may hold several). */
  documents: number;
  /** Distinct registries (account and Region) the policy files are deployed to, as far as known. */
  registries: number;
  /** Files read and left alone: package.json, IAM identity policies, other services' policies… */
  skippedFiles: number;
  /** Wall time of the run, in milliseconds. */
  durationMs: number;
}

export interface RunNotice {
  /**
   * `unknown-registry`: policy files whose registry neither a config nor their path names; `cache-not-saved`: the
   * `--cache` file could not be written (the next run lints every file again); `project-not-read`: files named alone
   * (or standard input) that take part in cross-file rules, outside any project (no config file, no git repository),
   * so the cross-file rules compared them with the other named files only.
   */
  id: "unknown-registry" | "cache-not-saved" | "project-not-read";
  /** One line for a person. */
  message: string;
  /** Lines that follow it: what is and is not checked, how to fix it, the files. */
  details: string[];
  /** The files concerned, absolute. */
  files: string[];
}
