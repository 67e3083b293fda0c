/**
 * Imported by the binary alone, for its side effect. A reader that stops early (`ecrlint . | head -1`) closes the
 * pipe, and the rest of the report has nowhere to go: that ends the run quietly, as ESLint and git do, with the
 * run's exit code, or 2 (the report was not delivered whole) when the run had not ended. Without a listener, Node
 * throws the EPIPE error with its stack.
 */
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 2);
  });
}

export {};
