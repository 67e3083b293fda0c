import { statSync } from "node:fs";
import { resolve } from "node:path";
import picomatch from "picomatch";
import { Option } from "commander";
import { formatCases, runCases, type CasesFormat } from "@ecrlint/testing";
import { writeFileAtomic } from "../fs-utils.js";
import { parseOrExit, subcommand, type CommandIo } from "./program.js";

const FORMATS: CasesFormat[] = ["stylish", "json", "junit"];

const CASES_FILE = /\.cases\.json$/;

/**
 * `ecrlint test [patterns...]`: runs every case of the matching `*.cases.json` files.
 * Exit 0 when all pass, 1 when a case fails, 2 when a cases file is invalid or the command is misused.
 *
 * Unmatched patterns follow ESLint: with no pattern (the default glob) and no cases file, or when every pattern is an
 * existing file that is not a `*.cases.json` (what a pre-commit hook or lint-staged passes), there is nothing to test:
 * a notice and exit 0. A pattern the user names that matches nothing is exit 2, unless
 * `--no-error-on-unmatched-pattern`.
 */
export async function runTestCommand(argv: string[], io: CommandIo): Promise<number> {
  const program = subcommand("ecrlint test", io)
    .description("Run the expected allows and denies of *.cases.json files")
    .argument("[patterns...]", "cases files or globs", ["**/*.cases.json"])
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("stylish"))
    .option("-o, --output-file <path>", "write the report to a file instead of stdout (a JUnit file for CI, say)")
    .option("--no-error-on-unmatched-pattern", "exit 0 when a pattern matches no cases file");
  const exit = parseOrExit(program, argv);
  if (exit !== undefined) return exit;
  const given = program.args.length > 0;
  const all = program.processedArgs[0] as string[];
  const { format, outputFile, errorOnUnmatchedPattern } = program.opts<{ format: CasesFormat; outputFile?: string; errorOnUnmatchedPattern: boolean }>();
  // Files named on the command line that are not cases files (a hook's staged JSON) are not tests: left out.
  const isOtherFile = (p: string) => !CASES_FILE.test(p) && !picomatch.scan(p).isGlob && isFile(resolve(io.cwd, p));
  const patterns = all.filter((p) => !isOtherFile(p));
  const run = patterns.length ? runCases(patterns, { cwd: io.cwd }) : { files: [], passed: 0, failed: 0, invalid: 0 };
  if (run.files.length === 0) {
    if (given && patterns.length > 0 && errorOnUnmatchedPattern) {
      io.stderr(`No cases files match ${patterns.map((p) => `"${p}"`).join(", ")} (--no-error-on-unmatched-pattern to allow it).\n`);
      return 2;
    }
    const what = given ? `in ${all.map((p) => `"${p}"`).join(", ")}` : "below this folder";
    io.stderr(`ecrlint test: no *.cases.json files ${what}; no access tests to run.\n`);
    if (format === "stylish" && outputFile === undefined) return 0;
  }
  const report = formatCases(run, format);
  if (outputFile === undefined) io.stdout(report);
  else {
    try {
      await writeFileAtomic(resolve(io.cwd, outputFile), report);
    } catch (error) {
      io.stderr(`ecrlint: cannot write --output-file ${outputFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
      return 2;
    }
  }
  if (run.invalid > 0) return 2;
  return run.failed > 0 ? 1 : 0;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
