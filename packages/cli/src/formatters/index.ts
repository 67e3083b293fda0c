// Every built-in formatter, for the programmatic API. The command line loads only the one it uses (load.ts).
import type { LintResult } from "../types.js";
import { github } from "./github.js";
import { json, jsonWithMetadata } from "./json.js";
import { junit } from "./junit.js";
import type { FormatName } from "./load.js";
import { sarif } from "./sarif.js";
import type { Formatter, FormatterContext } from "./shared.js";
import { stylish } from "./stylish.js";

export type { Formatter, FormatterContext };
export { FORMAT_NAMES, type FormatName } from "./load.js";

export const formatters: Record<FormatName, Formatter> = { stylish, json, "json-with-metadata": jsonWithMetadata, sarif, github, junit };

export function formatResults(name: FormatName, results: LintResult[], context: FormatterContext): string {
  return formatters[name](results, context);
}
