#!/usr/bin/env node
import { runCli } from "../dist/cli.js";

// A reader that stops early (`ecrlint . | head -1`) closes the pipe: the rest of the report has nowhere to go. That
// ends the run quietly, as ESLint and git do, with 2 (the report was not delivered whole) unless the run had ended.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 2);
  });
}

process.exitCode = await runCli(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd(), env: process.env, isTTY: process.stdout.isTTY === true, stdin: process.stdin });
