import { expect, it, vi } from "vitest";

/**
 * ESLint reads files synchronously, and the plugin's cross-file rules read every `.tf` file of the project during
 * the first file's rules, before the HCL grammar has loaded in this thread. Those reads share one helper thread that
 * loads the grammar once; a helper that fails costs the read it was answering, never the process.
 */

/** A fresh copy of the modules: the grammar not loaded in this thread, no helper started. */
async function fresh() {
  vi.resetModules();
  const cst = await import("../src/terraform-cst.js");
  const { parseTerraformText } = await import("../src/terraform.js");
  expect(cst.isTerraformParserLoaded()).toBe(false);
  return { ...cst, parse: (text: string) => parseTerraformText(text, undefined) };
}

/** The tree without the parent links, which would make it cyclic. */
const plain = (ast: unknown) => JSON.parse(JSON.stringify(ast, (key, value: unknown) => (key === "parent" ? undefined : value))) as unknown;

const module = (n: number) => `resource "aws_ecr_repository" "r" {\n  name = "svc-${n}" # repository ${n}\n}\n`;
const TEXTS = [
  ...Array.from({ length: 24 }, (_, n) => module(n)),
  'resource "aws_ecr_registry_policy" "p" {\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "A", Effect = "Allow" }] })\n}\n',
  'resource "a" "b" {\n  x = [1, 2\n  y = 3\n}\n',
];

it("reads every file read before the grammar has loaded in one helper thread, into the trees read in this thread", async () => {
  const { hclHelperForTests: helper, loadTerraformParser, isTerraformParserLoaded, parse } = await fresh();
  const before = TEXTS.map(parse);
  expect(isTerraformParserLoaded()).toBe(false);
  expect({ started: helper.started(), running: helper.running() }).toEqual({ started: 1, running: true });
  await loadTerraformParser();
  // Reads are in this thread now: the helper is stopped, and no other starts.
  expect(helper.running()).toBe(false);
  const after = TEXTS.map(parse);
  expect(helper.started()).toBe(1);
  expect(before.filter((r) => r.ok)).toHaveLength(TEXTS.length - 1);
  expect(before.at(-1)).toEqual({ ok: false, error: { message: 'Parsing error: HCL syntax error: missing "]" to close the "[" at 2:7', line: 3, column: 3 } });
  expect(plain(before)).toEqual(plain(after));
});

it.each([
  ["exits", "exit"],
  ["throws an uncaught error", "throw"],
] as const)("gives a read whose helper %s an error, and the next read a new helper", async (_, how) => {
  const { hclHelperForTests: helper, readHclTree, isTerraformParserLoaded } = await fresh();
  expect(typeof readHclTree(TEXTS[0]!)).toBe("object");
  helper.failNextRead(how);
  expect(readHclTree(TEXTS[1]!)).toBe("the thread reading HCL until the grammar has loaded stopped before it answered");
  expect(helper.running()).toBe(false);
  const next = readHclTree(TEXTS[1]!);
  expect(typeof next === "object" && next.type).toBe("config_file");
  expect(readHclTree(TEXTS[2]!)).toMatchObject({ type: "config_file" });
  expect(isTerraformParserLoaded()).toBe(false);
  expect(helper.started()).toBe(2);
});

it("gives a read whose helper does not answer in time an error naming the limit, and the next read a new helper", async () => {
  const { hclHelperForTests: helper, readHclTree } = await fresh();
  const limits = { ...helper.limitsMs };
  try {
    expect(readHclTree(TEXTS[0]!)).toMatchObject({ type: "config_file" });
    Object.assign(helper.limitsMs, { later: 300, perMillionChars: 0 });
    helper.failNextRead("hang");
    expect(readHclTree(TEXTS[1]!)).toBe("the thread reading HCL did not answer in 0.3 s");
    expect(helper.running()).toBe(false);
    expect(readHclTree(TEXTS[1]!)).toMatchObject({ type: "config_file" });
    expect(helper.started()).toBe(2);
  } finally {
    Object.assign(helper.limitsMs, limits);
  }
});
