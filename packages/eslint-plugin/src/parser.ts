import * as jsonc from "jsonc-eslint-parser";
import { mightBeEcrFile, NESTING_TOO_DEEP, nestingTooDeep, nulBytesFinding, nulBytesLayout, parseAllowingSpacesAtEnd, refusedTextProblem } from "@ecrlint/core";
import { terraformDataUses } from "./terraform-references.js";

/**
 * The plugin's configs parse every `.json`, `.jsonc` and `.json5` file, and a JSON AST takes many times its text
 * in memory (a 50 MB data file exhausted ESLint's heap). Policy files are at most 10,240 characters; text over this
 * limit is not parsed, as the runner does not parse files over 5 MB.
 */
export const MAX_PARSED_CHARACTERS = 5 * 1024 * 1024;

/** What the parser tells the rules about a file it did not parse. */
export interface SkippedFile {
  characters: number;
  /** The text has a marker of our files: the first rule to run says it was not linted. */
  mightBeOurs: boolean;
}

/** A text over the limit, as the rules are told of it; undefined for one within the limit. */
export function tooLarge(code: string, filePath?: string): SkippedFile | undefined {
  return code.length > MAX_PARSED_CHARACTERS ? { characters: code.length, mightBeOurs: mightBeEcrFile(code, filePath) } : undefined;
}

/** A Program with nothing in it that still spans the whole text, as ESLint expects of any AST. */
export function emptyProgram(code: string) {
  let lines = 1;
  let lastLineStart = 0;
  for (let i = code.indexOf("\n"); i !== -1; i = code.indexOf("\n", i + 1)) {
    lines++;
    lastLineStart = i + 1;
  }
  return {
    type: "Program",
    body: [],
    comments: [],
    tokens: [],
    range: [0, code.length],
    loc: { start: { line: 1, column: 0 }, end: { line: lines, column: code.length - lastLineStart } },
    parent: null,
  };
}

/** ESLint's parsing errors carry a 1-based line and a column. */
export function parsingError(message: string, at = { line: 1, column: 1 }): Error {
  return Object.assign(new SyntaxError(message), { lineNumber: at.line, column: at.column, index: 0 });
}

/**
 * ESLint reads every file as UTF-8. A UTF-16 file then arrives as NUL bytes between the characters (and its byte
 * order mark as two replacement characters): a policy written by Windows PowerShell 5 would fail with "Unexpected
 * character". Say what it is instead; the ecrlint runner reads UTF-16.
 */
/** The path ESLint passes a parser in its options, when it passes one. */
export function filePathOf(options: unknown): string | undefined {
  const filePath = (options as { filePath?: unknown } | undefined)?.filePath;
  return typeof filePath === "string" ? filePath : undefined;
}

/**
 * Whether a Terraform file holds policy documents that a resource in another file of its module reads: such a file
 * is ours without an `aws_ecr_` resource of its own.
 */
export function documentsReadElsewhere(code: string, filePath: string | undefined): boolean {
  return filePath !== undefined && code.includes("aws_iam_policy_document") && terraformDataUses(filePath).length > 0;
}

export function utf16Problem(code: string, filePath?: string): string | undefined {
  // A UTF-16 byte order mark reads as two replacement characters, with or without text after it (a lone BOM).
  const bom = code.startsWith("\uFFFD\uFFFD");
  if ((!bom && !code.includes("\u0000")) || !mightBeEcrFile(code.replaceAll("\u0000", ""), filePath)) return undefined;
  const utf16 = (withBom: boolean) => `This file is UTF-16${withBom ? "" : " without a byte order mark"}; ESLint reads files as UTF-8. Save it as UTF-8, or lint it with the ecrlint runner, which reads UTF-16 with a BOM.`;
  if (bom) return utf16(true);
  // Only a text whose NUL bytes fall between its characters is UTF-16: described as the runner describes it.
  const layout = nulBytesLayout(code) ?? { kind: "scattered" };
  if (layout.kind === "utf16") return utf16(false);
  const finding = nulBytesFinding(layout);
  return finding ? `This file ${finding}.` : "This file holds NUL bytes; save it as text (UTF-8).";
}

/**
 * jsonc-eslint-parser behind three guards: a file over the limit becomes an empty Program, in constant memory; a
 * policy in UTF-16 is a parsing error that says so; and text that does not parse (malformed, empty, binary) is a
 * parsing error only when the file is ours by its name or content (`mightBeEcrFile`, the runner's own test), so that
 * a broken `tsconfig.json` or a `logo.png.json` elsewhere in the repository is not reported by this plugin, as the
 * runner does not report it.
 */
export const parser = {
  meta: { name: "@ecrlint/eslint-plugin/jsonc-parser", version: jsonc.meta.version },
  parseForESLint(code: string, options?: Parameters<typeof jsonc.parseForESLint>[1]) {
    const path = filePathOf(options);
    const empty = (services: object = {}) => ({ ast: emptyProgram(code), visitorKeys: jsonc.VisitorKeys, services: { isJSON: true, ...services } });
    if (code.length > MAX_PARSED_CHARACTERS) return empty({ ecrlintSkipped: tooLarge(code, path) });
    // Decided only for a text that does not parse (most files do), from the text without NULs as in the runner. A
    // `.tf.json` file is also ours when a resource in another file of its module reads a policy document of it.
    const ours = () =>
      mightBeEcrFile(code.includes("\u0000") ? code.replaceAll("\u0000", "") : code, path) ||
      (path !== undefined && /\.tf\.json$/i.test(path) && documentsReadElsewhere(code, path));
    const utf16 = utf16Problem(code, path);
    if (utf16) throw parsingError(utf16);
    // Checked before any recursive parse, as the runner does: the same error wherever the stack stands.
    const deep = nestingTooDeep(code);
    if (deep && ours()) throw parsingError(NESTING_TOO_DEEP, deep);
    if (deep) return empty();
    const parse = (text: string) => jsonc.parseForESLint(text, options);
    try {
      // A no-break space after the policy is read as the runner reads it: plain-json reports it.
      return parseAllowingSpacesAtEnd(code, parse);
    } catch (error) {
      if (!ours()) return empty();
      // An empty policy file, or one cut short, gets the message the runner gives it.
      const said = refusedTextProblem(code, (error as { message?: string }).message, parse);
      throw said ? parsingError(said.message.replace(/^Parsing error: /, ""), said) : error;
    }
  },
};
