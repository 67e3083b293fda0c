import { resolve } from "node:path";
import { Option } from "commander";
import { formatCases, runCases, type CasesFormat } from "@ecrlint/testing";
import { writeFileAtomic } from "../fs-utils.js";
import { parseOrExit, subcommand, type CommandIo } from "./program.js";

const FORMATS: CasesFormat[] = ["stylish", "json", "junit"];

/**
 * `ecrlint test [patterns...]`: runs every case of the matching `*.cases.json` files.
 * Exit 0 when all pass, 1 when a case fails, 2 when a cases file is invalid or the command is misused.
 */
export async function runTestCommand(argv: string[], io: CommandIo): Promise<number> {
  const program = subcommand("ecrlint test", io)
    .description("Run the expected allows and denies of *.cases.json files")
    .argument("[patterns...]", "cases files or globs", ["**/*.cases.json"])
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("stylish"))
    .option("-o, --output-file <path>", "write the report to a file instead of stdout (a JUnit file for CI, say)");
  const exit = parseOrExit(program, argv);
  if (exit !== undefined) return exit;
  const patterns = program.processedArgs[0] as string[];
  const { format, outputFile } = program.opts<{ format: CasesFormat; outputFile?: string }>();
  const run = runCases(patterns, { cwd: io.cwd });
  if (run.files.length === 0) {
    io.stderr(`No cases files match ${patterns.map((p) => `"${p}"`).join(", ")}.\n`);
    return 2;
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
