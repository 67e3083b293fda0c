import { expect, it } from "vitest";
import { isTerraformParserLoaded, loadTerraformParser, parseTerraformText } from "../src/index.js";

const TEXT = 'resource "aws_ecr_registry_policy" "p" {\n  # a comment\n  policy = jsonencode({ Version = "2012-10-17", Statement = [] })\n}\n';

/** The tree without the parent links, which would make it cyclic. */
const plain = (ast: unknown) => JSON.parse(JSON.stringify(ast, (key, value: unknown) => (key === "parent" ? undefined : value))) as unknown;

// ESLint parses synchronously and require() forbids a top-level await: a file read before the grammar has loaded
// in this thread is read in a worker, into the same tree.
it("reads HCL before the grammar has loaded in this thread (in a worker) into the tree it reads after", async () => {
  expect(isTerraformParserLoaded()).toBe(false);
  const before = parseTerraformText(TEXT, undefined);
  expect(isTerraformParserLoaded()).toBe(false);
  await loadTerraformParser();
  const after = parseTerraformText(TEXT, undefined);
  expect(before.ok && after.ok).toBe(true);
  if (!before.ok || !after.ok) return;
  expect(plain(before.ast)).toEqual(plain(after.ast));
  expect(parseTerraformText("resource {\n", undefined)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Parsing error: HCL syntax error/), line: 2 } });
});

it("reads HCL nested deeper than any module as a parsing error where the depth runs out, never a stack overflow", () => {
  for (const depth of [1_000, 100_000]) {
    const text = `resource "aws_ecr_registry_policy" "p" {\n  policy = jsonencode(${"[".repeat(depth)}${"]".repeat(depth)})\n}\n`;
    expect(parseTerraformText(text, undefined)).toMatchObject({ ok: false, error: { message: "Parsing error: HCL nested more than 512 levels deep", line: 2 } });
  }
  const fine = `resource "aws_ecr_registry_policy" "p" {\n  policy = jsonencode(${"[".repeat(100)}${"]".repeat(100)})\n}\n`;
  expect(parseTerraformText(fine, undefined).ok).toBe(true);
});

/** Broken HCL, what is wrong with it, and where it is reported (1-based line and column). */
const SYNTAX_ERRORS: [string, string, string][] = [
  ['resource "a" "b" {\n  x = [1, 2\n  y = 3\n}\n', 'missing "]" to close the "[" at 2:7', "3:3"],
  ['resource "a" "b" {\n  policy = jsonencode({\n    Principal = { AWS = "x"\n    Action = ["a"\n  }]\n  })\n', 'missing "]" to close the "[" at 4:14', "5:3"],
  ['resource "a" "b" {\n  x = 1\n', 'missing "}" to close the "{" at 1:18', "3:1"],
  ['resource "a" "b" {\n  x = foo(1, \n}\n', 'missing ")" to close the "(" at 2:10', "3:1"],
  ['resource "a" "b" {\n  x = "abc\n}\n', "unterminated string started at 2:7", "2:7"],
  ['resource "a" "b" {\n  policy = <<EOT\n{ "a": 1 }\n}\n', "unterminated heredoc <<EOT started at 2:12: no line ends it with EOT", "2:12"],
  ['resource "a" "b" {\n  policy = <<-EOT\n{ "a": 1 }\n  EOX\n}\n', "unterminated heredoc <<-EOT started at 2:12: no line ends it with EOT", "2:12"],
  ['resource "a" "b" {\n  x = "${var.a"\n}\n', 'unterminated interpolation "${" at 2:8: no "}" closes it', "2:8"],
  ['resource "a" "b" {\n  x = = 1\n}\n', 'unexpected "="', "2:7"],
  ['resource "a" "b" \n  x = 1\n}\n', 'unexpected "}": nothing is open for it to close', "3:1"],
];

it.each(SYNTAX_ERRORS)("names what is wrong with broken HCL and where: %j", async (text, message, at) => {
  await loadTerraformParser();
  const [line, column] = at.split(":").map(Number);
  expect(parseTerraformText(text, undefined)).toEqual({ ok: false, error: { message: `Parsing error: HCL syntax error: ${message}`, line, column } });
});
