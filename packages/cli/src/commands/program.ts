import { Command, CommanderError } from "commander";

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  stdin?: NodeJS.ReadableStream;
}

/** A sub-command's parser: it writes through `io` and throws instead of exiting the process. */
export function subcommand(name: string, io: CommandIo): Command {
  return new Command(name).exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
}

/** Parses argv; returns the exit code when parsing ends the command (0 after --help, 2 on a usage error). */
export function parseOrExit(program: Command, argv: string[]): number | undefined {
  try {
    program.parse(argv, { from: "user" });
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
}
