/**
 * Imported by the binary alone, for its side effect. A reader that stops early (`ecrlint . | head -1`) closes the
 * pipe, and the rest of the report has nowhere to go: that ends the run quietly, as ESLint and git do, with the
 * run's exit code, or 2 (the report was not delivered whole) when the run had not ended. Any other failure to write
 * the report (`> /dev/full`: ENOSPC) is an I/O error: one line on stderr and exit 2, as `--output-file` reports it.
 * Without a listener, Node throws the error with its stack and exits 1, which CI would read as lint errors.
 */
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 2);
  process.stderr.write(`ecrlint: cannot write the report to standard output: ${error.code ?? error.message}\n`);
  process.exit(2);
});
// Standard error gone too: the exit code is all that is left.
process.stderr.on("error", () => process.exit(process.exitCode ?? 2));

export {};
