import { github } from "./github.js";
import { json } from "./json.js";
import { junit } from "./junit.js";
import { sarif } from "./sarif.js";
import type { Formatter, FormatterContext } from "./shared.js";
import { stylish } from "./stylish.js";
import type { LintResult } from "../types.js";

export type { Formatter, FormatterContext };

export const FORMAT_NAMES = ["stylish", "json", "sarif", "github", "junit"] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export const formatters: Record<FormatName, Formatter> = { stylish, json, sarif, github, junit };

export function formatResults(name: FormatName, results: LintResult[], context: FormatterContext): string {
  return formatters[name](results, context);
}
