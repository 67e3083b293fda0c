#!/usr/bin/env node
import "../dist/closed-pipe.js";
import "../dist/v8-flags.js";
import { runCli } from "../dist/cli.js";

process.exitCode = await runCli(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd(), env: process.env, isTTY: process.stdout.isTTY === true, stdin: process.stdin });
