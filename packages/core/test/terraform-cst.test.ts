import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { isTerraformParserLoaded, loadTerraformParser, parseTerraformText } from "../src/index.js";

const TEXT = 'resource "aws_ecr_registry_policy" "p" {\n  # a comment\n  policy = jsonencode({ Version = "2012-10-17", Statement = [] })\n}\n';

/** The tree without the parent links, which would make it cyclic. */
const plain = (ast: unknown) => JSON.parse(JSON.stringify(ast, (key, value: unknown) => (key === "parent" ? undefined : value))) as unknown;

// ESLint parses synchronously and require() forbids a top-level await: a file read before the grammar has loaded
// in this thread is read in a helper thread, into the same tree.
it("reads HCL before the grammar has loaded in this thread (in a helper thread) into the tree it reads after", async () => {
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

it("reads HCL in a helper thread also in a process whose code is a module (node --input-type=module, the code on standard input)", () => {
  const core = pathToFileURL(join(fileURLToPath(new URL("..", import.meta.url)), "dist", "index.js")).href;
  // The grammar is not loaded in the process's own thread: the text is read in the helper thread.
  const script = `import { parseTerraformText } from ${JSON.stringify(core)};\nconst r = parseTerraformText(${JSON.stringify(TEXT)}, undefined);\nconsole.log(JSON.stringify(r.ok ? { ok: true } : r.error));\n`;
  for (const type of ["module", "commonjs"]) {
    const code = type === "module" ? script : `(async () => { ${script.replace(/^import \{ (\w+) \} from ("[^"]+");/, "const { $1 } = await import($2);")} })();`;
    const run = spawnSync(process.execPath, [`--input-type=${type}`], { input: code, encoding: "utf8", timeout: 20_000 });
    expect({ type, stdout: run.stdout, stderr: run.stderr }).toEqual({ type, stdout: '{"ok":true}\n', stderr: "" });
  }
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
  // A missing comma, at the item it should come before (Terraform: "Missing item separator").
  ['resource "a" "b" {\n  policy = jsonencode({\n    Action = ["ecr:CreateRepository" "ecr:ReplicateImage"]\n  })\n}\n', 'missing "," between the items of the list', "3:38"],
  ['resource "a" "b" {\n  x = [1 2, 3]\n}\n', 'missing "," between the items of the list', "2:10"],
  ['resource "a" "b" {\n  x = { a = [1 2] }\n}\n', 'missing "," between the items of the list', "2:16"],
  ['resource "a" "b" {\n  x = foo(1 2)\n}\n', 'missing "," between the arguments of the call', "2:13"],
  ['resource "a" "b" {\n  x = foo(bar(1) 2)\n}\n', 'missing "," between the arguments of the call', "2:18"],
  ['x = foo(1, 2 3)\n', 'missing "," between the arguments of the call', "1:14"],
  // A string without its closing quote that the tree reads as a broken block: found in the text, at its own line.
  ['resource "a" "b" {\n  policy = jsonencode({\n    Version = "2012-10-17\n    Statement = []\n  })\n}\n', "unterminated string started at 3:15", "3:15"],
  ['resource "a" "b" {\n  x = [{ a = 1 }, local.extra...]\n}\n', '"..." expands a list only into the last argument of a function call', "2:30"],
  ['resource "a" "b" {\n  x = { a = local.extra... }\n}\n', '"..." expands a list only into the last argument of a function call', "2:24"],
  // Tokens are quoted whole, or not at all when too long to read in a message.
  ['resource "a" "b" {\n  x = 1 "ecr:CreateRepository"\n}\n', "unexpected string \"ecr:CreateRepository\": an argument's value ends at the end of its line", "2:9"],
  [`resource "a" "b" {\n  x = 1 "${"a".repeat(70)}"\n}\n`, "unexpected string: an argument's value ends at the end of its line", "2:9"],
];

it("reads HCL's expansion where it is allowed: the last argument of a call, grouping in a `for` object", async () => {
  await loadTerraformParser();
  const text = 'resource "a" "b" {\n  x = concat(local.a, local.b...)\n  y = { for k, v in var.m : v => k... }\n  z = { for k, v in var.m : v => k... if k != "" }\n}\n';
  expect(parseTerraformText(text, undefined).ok).toBe(true);
});

it.each(SYNTAX_ERRORS)("names what is wrong with broken HCL and where: %j", async (text, message, at) => {
  await loadTerraformParser();
  const [line, column] = at.split(":").map(Number);
  expect(parseTerraformText(text, undefined)).toEqual({ ok: false, error: { message: `Parsing error: HCL syntax error: ${message}`, line, column } });
});
