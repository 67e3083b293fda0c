import { EcrlintError } from "./errors.js";
import { showControls, showControlsByLine } from "./formatters/shared.js";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colors by default). */
  isTTY: boolean;
  /** Standard input: what `ecrlint init` reads its one question's answer from, and what `--stdin` lints. */
  stdin?: NodeJS.ReadableStream;
}

const SUBCOMMANDS = {
  test: { module: "./commands/test.js", exportName: "runTestCommand" },
  explain: { module: "./commands/explain.js", exportName: "runExplainCommand" },
  init: { module: "./commands/init.js", exportName: "runInitCommand" },
  diff: { module: "./commands/diff.js", exportName: "runDiffCommand" },
} as const;

type SubcommandRunner = (argv: string[], io: { stdout(s: string): void; stderr(s: string): void; cwd: string; stdin?: NodeJS.ReadableStream }) => Promise<number>;

async function runSubcommand(name: keyof typeof SUBCOMMANDS, argv: string[], io: CliIo): Promise<number> {
  const { module, exportName } = SUBCOMMANDS[name];
  let run: SubcommandRunner | undefined;
  try {
    run = ((await import(module)) as Record<string, SubcommandRunner>)[exportName];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
  }
  if (!run) throw new EcrlintError("usage", `the "${name}" command is not available in this installation`);
  return run(argv, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, ...(io.stdin ? { stdin: io.stdin } : {}) });
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof EcrlintError) {
    io.stderr(`ecrlint: ${showControlsByLine(error.message)}\n`);
  } else {
    io.stderr(`ecrlint: internal error: ${showControls(error instanceof Error ? error.message.split("\n")[0]! : String(error))}\n`);
  }
  if (/(^|,)\s*ecrlint\b/.test(io.env.DEBUG ?? "") && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return 2;
}

/** The command line: argv in, text out, exit code back. Everything it does goes through `lint()` and the formatters. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === "test" || first === "explain" || first === "init" || first === "diff") return await runSubcommand(first, rest, io);
    // The lint command's parser, the runner and the formatters are loaded only for a lint run.
    const { runLint } = await import("./lint-command.js");
    return await runLint(argv, io);
  } catch (error) {
    return reportError(error, io);
  }
}
