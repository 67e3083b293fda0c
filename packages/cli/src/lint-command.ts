// The default command, `ecrlint [lint] [patterns...]`: argv to options, lint() or lintText(), the formatter, the
// exit code. cli.ts imports it only for a lint run, so that `ecrlint test` and the others do not load the runner.
import { resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { decodeText } from "@ecrlint/core";
import { cacheFileFor } from "./cache.js";
import { EcrlintError } from "./errors.js";
import { describeWriteError, writeFileInPlace } from "./fs-utils.js";
import { loadFormatter } from "./formatters/load.js";
import { showControls, showControlsByLine } from "./formatters/shared.js";
import { parseRuleOption } from "./inline-config.js";
import { lint, lintText } from "./standalone.js";
import { MAX_FILE_BYTES } from "./read-file.js";
import { formatTimings, recordedTimings, timingRows } from "./timing.js";
import type { LintOptions, LintReport } from "./types.js";
import { VERSION } from "./version.js";
import type { CliIo } from "./cli.js";


const HELP_AFTER = `
Commands:
  ecrlint [lint] [patterns...]  lint policy files (the default command)
  ecrlint test [options]        run policy test cases (see ecrlint test --help)
  ecrlint explain [options]     explain a policy decision (see ecrlint explain --help)
  ecrlint init [--yes]          write a starter config for the policy files found here
  ecrlint diff <base-ref>       review the access a change gains and loses (see ecrlint diff --help)

Exit codes:
  0  no errors, and no more warnings than --max-warnings
  1  lint errors, or too many warnings
  2  usage, config or internal error (set DEBUG=ecrlint for a stack trace)

Environment:
  ECRLINT_WORKERS=<n>  worker threads that run the rules (default: one per core but one from 3 cores, on
                       runs of 512 files or more; 0 runs everything in one thread)

Config: ecrlint.config.jsonc, .ecrlintrc.json, "ecrlint" in package.json, ... (found from each file's folder;
        a file named like a config that ecrlint does not read is an error)
Schema: @ecrlint/cli/schema/config.json`;

interface ParsedArgs {
  patterns: string[];
  config?: string;
  format: string;
  outputFile?: string;
  maxWarnings?: number;
  quiet?: boolean;
  fix?: boolean;
  fixDryRun?: boolean;
  changedSince?: string;
  ignore: boolean;
  warnIgnored: boolean;
  printConfig?: string;
  cache?: boolean;
  cacheLocation?: string;
  color?: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  rule: string[];
  inlineConfig: boolean;
  errorOnUnmatchedPattern: boolean;
  reportUnusedDisableDirectives?: boolean;
  reportUnusedDisableDirectivesSeverity?: "off" | "warn" | "error";
}

const SEVERITY_NAMES: Record<string, "off" | "warn" | "error"> = { off: "off", warn: "warn", error: "error", "0": "off", "1": "warn", "2": "error" };

function parseSeverity(value: string): "off" | "warn" | "error" {
  const severity = SEVERITY_NAMES[value];
  if (!severity) throw new EcrlintError("usage", `--report-unused-disable-directives-severity: expected off, warn, error, 0, 1 or 2, got "${value}"`);
  return severity;
}

/**
 * Standard input, decoded as a file is (UTF-8, or UTF-16 with a BOM). Reading stops one byte past the size limit
 * (`< /dev/zero` never ends): the text is then over the limit, and said to be, as a file that size is.
 */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    chunks.push(buffer);
    bytes += buffer.length;
    if (bytes > MAX_FILE_BYTES) break;
  }
  return decodeText(Buffer.concat(chunks)).text;
}

/** `ECRLINT_WORKERS`: how many worker threads run the rules (0: none, everything in one thread). */
function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value)) throw new EcrlintError("usage", `ECRLINT_WORKERS: expected a number of worker threads (0 for none), got "${value}"`);
  return Number(value);
}

function parseMaxWarnings(value: string): number {
  if (!/^\d+$/.test(value)) throw new EcrlintError("usage", `--max-warnings: expected a non-negative integer, got "${value}"`);
  return Number(value);
}

function buildProgram(io: CliIo): Command {
  const program = new Command("ecrlint");
  program
    .usage("[lint] [options] [patterns...]")
    .description("Lint AWS ECR registry policies, replication and pull-through-cache files across a repository.")
    .argument("[patterns...]", "files, directories or globs (default: the config's files, or **/*.json, **/*.jsonc, **/*.json5)")
    .option("-c, --config <path>", "use this config file for every file instead of the nearest one")
    .option("-f, --format <name>", "output format: stylish, json, json-with-metadata, sarif, github, junit, or a path to a formatter module", "stylish")
    .option("-o, --output-file <path>", "write the report to a file instead of stdout")
    .option("--max-warnings <n>", "exit 1 when there are more warnings than this", parseMaxWarnings)
    .option("--quiet", "report errors only")
    .option("--fix", "apply fixes to the files (text edits that keep comments and formatting)")
    .option("--fix-dry-run", "apply fixes without writing them (with --format json, the fixed text is each result's output)")
    .option("--rule <rules>", 'a rule setting laid over the config, as ESLint takes it ("@ecrlint/no-duplicate-sid: off")', (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--stdin", "lint the text on standard input")
    .option("--stdin-filename <path>", "the file name to lint the standard input as (config, registry, ignores)")
    .option("--no-inline-config", "ignore eslint-disable and /* eslint */ comments")
    .option("--report-unused-disable-directives", "report unused eslint-disable and eslint-enable directives as errors")
    .option("--report-unused-disable-directives-severity <level>", "severity of unused directives: off, warn (default) or error", parseSeverity)
    .option("--no-error-on-unmatched-pattern", "do not fail when a pattern matches no file")
    .option("--changed-since <git-ref>", "lint only files changed against this ref, plus the files cross-file checks tie to them")
    .option("--no-ignore", "lint files that .gitignore or the config's ignores would skip")
    .option("--no-warn-ignored", "do not warn about files named on the command line that are skipped (ignored, or matched by no files glob)")
    .option("--print-config <file>", "print the resolved config and registry for a file, and lint nothing")
    .option("--cache", "reuse results of unchanged files (cache in .ecrlintcache)")
    .option("--cache-location <path>", "cache file, or folder for it, with --cache (relative to the working directory)")
    .option("--color", "force colored output")
    .option("--no-color", "disable colored output")
    .version(VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show this help")
    .addHelpText("after", HELP_AFTER)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: () => undefined,
    })
    .action(() => undefined);
  return program;
}

function colorEnabled(args: ParsedArgs, io: CliIo): boolean {
  if (args.color !== undefined) return args.color;
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR !== undefined) return io.env.FORCE_COLOR !== "0";
  return io.isTTY;
}

/** Runs the lint command; errors propagate to runCli, which prints them and returns 2. */
export async function runLint(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  const program = buildProgram(io);
  try {
    program.parse(first === "lint" ? rest : argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
      io.stderr(`ecrlint: ${showControlsByLine(error.message.replace(/^error: /, ""))}\nRun "ecrlint --help" for usage.\n`);
      return 2;
    }
    throw error;
  }
  const args = { ...program.opts(), patterns: program.args } as ParsedArgs;
  if (args.reportUnusedDisableDirectives && args.reportUnusedDisableDirectivesSeverity !== undefined) {
    throw new EcrlintError("usage", "The --report-unused-disable-directives option and the --report-unused-disable-directives-severity option cannot be used together.");
  }
  if (args.stdin && args.fix) throw new EcrlintError("usage", "The --fix option is not available for piped-in code; use --fix-dry-run instead.");
  const rules = Object.assign({}, ...args.rule.map(parseRuleOption)) as LintOptions["rules"];
  const unusedDirectives = args.reportUnusedDisableDirectives ? "error" : args.reportUnusedDisableDirectivesSeverity;
  const workers = parseWorkers(io.env.ECRLINT_WORKERS);
  const options: LintOptions = {
    cwd: io.cwd,
    ...(workers !== undefined ? { workers } : {}),
    patterns: args.patterns,
    ignore: args.ignore,
    ...(args.warnIgnored === false ? { warnIgnored: false } : {}),
    ...(args.config !== undefined ? { configFile: args.config } : {}),
    ...(args.quiet ? { quiet: true } : {}),
    ...(args.fix ? { fix: true } : {}),
    ...(args.fixDryRun ? { fixDryRun: true } : {}),
    ...(args.maxWarnings !== undefined ? { maxWarnings: args.maxWarnings } : {}),
    ...(args.changedSince !== undefined ? { changedSince: args.changedSince } : {}),
    ...(args.cache ? { cache: true } : {}),
    ...(args.cacheLocation !== undefined ? { cacheLocation: cacheFileFor(args.cacheLocation, io.cwd) } : {}),
    ...(args.rule.length ? { rules } : {}),
    ...(args.inlineConfig === false ? { inlineConfig: false } : {}),
    ...(args.errorOnUnmatchedPattern === false ? { errorOnUnmatchedPattern: false } : {}),
    ...(unusedDirectives !== undefined ? { reportUnusedDisableDirectives: unusedDirectives } : {}),
  };
  if (args.printConfig !== undefined) {
    const { calculateConfigForFile } = await import("./print-config.js");
    io.stdout(`${JSON.stringify(await calculateConfigForFile(args.printConfig, options), null, 2)}\n`);
    return 0;
  }
  // The formatter is loaded before linting, as ESLint does, so a bad --format fails fast.
  const formatter = await loadFormatter(args.format, io.cwd);
  let report: LintReport;
  if (args.stdin) {
    report = await lintText(await readAll(io.stdin ?? process.stdin), { ...options, ...(args.stdinFilename !== undefined ? { filePath: args.stdinFilename } : {}) });
  } else {
    report = await lint(options);
  }
  const color = args.outputFile === undefined && colorEnabled(args, io);
  const maxWarningsExceeded =
    args.maxWarnings !== undefined && report.warningCount > args.maxWarnings ? { maxWarnings: args.maxWarnings, foundWarnings: report.warningCount } : undefined;
  const text = await formatter(report.results, {
    cwd: report.cwd,
    rootDir: report.rootDir,
    rulesMeta: report.rulesMeta,
    color,
    ...(maxWarningsExceeded ? { maxWarningsExceeded } : {}),
    stats: report.stats,
    notices: report.notices,
  });
  if (args.outputFile !== undefined) {
    const target = resolve(io.cwd, args.outputFile);
    try {
      await writeFileInPlace(target, text, { devices: true });
    } catch (error) {
      throw new EcrlintError("io", `cannot write --output-file ${args.outputFile}: ${describeWriteError(error)}`, target);
    }
  } else if (text) {
    // ESLint prints the report with console.log: a newline after it, whatever the format. Written apart: the report
    // and its newline as one string would be another copy of the report.
    io.stdout(text);
    io.stdout("\n");
  }
  // Said once per run, after the report (which stays machine-readable in every format).
  for (const notice of report.notices) io.stderr(`ecrlint: ${[notice.message, ...notice.details].map(showControls).join("\n  ")}\n`);
  if (maxWarningsExceeded) {
    io.stderr(`ecrlint found too many warnings (maximum: ${args.maxWarnings}).\n`);
  }
  if (timingRows !== undefined) io.stderr(`\n${formatTimings(recordedTimings(), timingRows, report.cwd)}`);
  return report.errored ? 1 : 0;
}
