import { resolve } from "node:path";
import { Option } from "commander";
import type { DiffFailOn } from "@ecrlint/core";
import { diffSince, failing, FAIL_ON_NAMES } from "../diff-report.js";
import { EcrlintError } from "../errors.js";
import { writeFileAtomic } from "../fs-utils.js";
import { DIFF_FORMAT_NAMES, diffFormatters, errorLine, type DiffFormatName } from "../formatters/diff.js";
import { parseOrExit, subcommand, type CommandIo } from "./program.js";
import { showControls, showControlsByLine } from "../formatters/shared.js";

function failOnList(value: string): DiffFailOn[] {
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(FAIL_ON_NAMES as readonly string[]).includes(name)) throw new EcrlintError("usage", `--fail-on: unknown gate "${name}" (choose from ${FAIL_ON_NAMES.join(", ")})`);
  }
  return names as DiffFailOn[];
}

/**
 * `ecrlint diff <base-ref> [patterns...]`: the access each changed policy gains and loses since the ref (its merge
 * base with HEAD), compared with the working tree. Exit 1 when a gate of --fail-on (or the config's diff.failOn) trips,
 * an inconclusive part that could belong to the gate included; exit 2 when a version of a changed file does not parse.
 */
/** A copy of `value` with every string's controls shown as escapes (see `showControls`). */
function controlsShownIn<T>(value: T): T {
  if (typeof value === "string") return showControls(value) as T;
  if (Array.isArray(value)) return value.map(controlsShownIn) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, controlsShownIn(v)])) as T;
}

export async function runDiffCommand(argv: string[], io: CommandIo): Promise<number> {
  const program = subcommand("ecrlint diff", io)
    .description("Review the access a change grants and removes: who gains or loses which actions on which repositories")
    .argument("<base-ref>", "the git ref to compare with (its merge base with HEAD), e.g. origin/main")
    .argument("[patterns...]", "only files matching these globs or under these folders")
    .addOption(new Option("-f, --format <format>", "output format").choices(DIFF_FORMAT_NAMES).default("stylish"))
    .option("--fail-on <gates>", `exit 1 when the change trips one of these (comma-separated): ${FAIL_ON_NAMES.join(", ")}`)
    .option("-c, --config <path>", "use this config file for every policy")
    .option("-o, --output-file <path>", "write the report to a file");
  const exit = parseOrExit(program, argv);
  if (exit !== undefined) return exit;
  const [base, patterns] = program.processedArgs as [string, string[]];
  const options = program.opts<{ format: DiffFormatName; failOn?: string; config?: string; outputFile?: string }>();
  try {
    const report = await diffSince({
      cwd: io.cwd,
      base,
      patterns,
      ...(options.config !== undefined ? { configFile: resolve(io.cwd, options.config) } : {}),
      ...(options.failOn !== undefined ? { failOn: failOnList(options.failOn) } : {}),
    });
    // Paths, Sids and ARNs come from the files compared: what a terminal would act on is shown as escapes (in JSON
    // and SARIF, the same data).
    // For people (stylish, markdown), every name and value is shown on its own line: a line break in a path or a
    // condition value would otherwise start a line of the report's own.
    const shown = options.format === "stylish" || options.format === "markdown" ? controlsShownIn(report) : report;
    const text = showControlsByLine(diffFormatters[options.format](shown));
    if (options.outputFile !== undefined) await writeFileAtomic(resolve(io.cwd, options.outputFile), text);
    else io.stdout(text);
    // A version that does not parse gets no rows: guessing it absent would report its access as lost, or gained.
    for (const e of report.errors) io.stderr(`${showControlsByLine(errorLine(e))}\n`);
    if (report.errors.length) return 2;
    if (report.failed.length) {
      io.stderr(`ecrlint diff: the change trips ${failing(report)}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    io.stderr(`ecrlint diff: ${showControlsByLine((error as Error).message)}\n`);
    return 2;
  }
}
