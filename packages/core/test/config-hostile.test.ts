import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigLocator, formatConfigError, repositoryRootOf, type ConfigResult } from "../src/index.js";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string | Buffer>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-config-hostile-")));
  temps.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function errorOf(result: ConfigResult): string {
  expect(result.ok).toBe(false);
  return result.ok ? "" : formatConfigError(result.error);
}

describe("a config module that throws", () => {
  it.each([
    ["a string", `throw "no config for you";`, 'it threw "no config for you", not an Error'],
    ["null", "throw null;", "it threw null, not an Error"],
    ["undefined", "throw undefined;", "it threw undefined, not an Error"],
    ["a number", "throw 42;", "it threw 42, not an Error"],
    ["a symbol", "throw Symbol('x');", "it threw Symbol(x), not an Error"],
    ["an object without a prototype", "throw Object.create(null);", "it threw an object that is not an Error"],
    ["an object whose toString throws", "throw { toString() { throw new Error('again'); } };", "it threw an object that is not an Error"],
    ["a frozen object", "throw Object.freeze({});", "it threw an object that is not an Error"],
    ["an Error", "throw new Error('first line\\nsecond line');", "first line"],
  ])("%s: one line naming the file, no crash", (_name, body, words) => {
    const root = tree({ "ecrlint.config.mjs": `${body}\nexport default {};\n` });
    expect(errorOf(new ConfigLocator().forDirectory(root))).toBe(`${join(root, "ecrlint.config.mjs")}: cannot read config: ${words}`);
  });

  it.each([
    ["a getter that throws", "export default { get registries() { throw 'boom'; } };", /must be plain data/],
    ["a function", "export default { registries: [], trustedAccounts: () => [] };", /must be plain data/],
    ["a proxy that throws on every read", "export default new Proxy({}, { ownKeys() { throw 1; }, get() { throw 1; } });", /must be plain data/],
  ])("exports %s: the config's error, not a crash later", (_name, body, message) => {
    const root = tree({ "ecrlint.config.mjs": body });
    expect(errorOf(new ConfigLocator().forDirectory(root))).toMatch(message);
  });
});

describe("a config that cannot be parsed keeps its reason and position", () => {
  it.each([
    [".ecrlintrc.json", '{\n  "registries": [\n    { "files": ["**"], }\n  ]\n}\n', /\.ecrlintrc\.json:3:24: cannot read config: invalid JSON: .+/],
    [".ecrlintrc.json", '{"registries": [', /\.ecrlintrc\.json:1:17: cannot read config: invalid JSON: .+/],
    [".ecrlintrc.yaml", "registries:\n  - files: [\n  bad: :\n", /\.ecrlintrc\.yaml:\d+:\d+: cannot read config: invalid YAML: .+/],
    ["package.json", '{"name": "x", "ecrlint": {"registries": [}}', /package\.json:1:\d+: cannot read config: invalid JSON: .+/],
  ])("%s", (name, content, message) => {
    const root = tree({ [name]: content });
    const text = errorOf(new ConfigLocator().forDirectory(root));
    expect(text).toMatch(message);
    expect(text).not.toContain("\n");
  });

  it("a broken package.json that says nothing of ecrlint is not ours", () => {
    const root = tree({ "package.json": '{"name": "x",', "sub/.ecrlintrc.json": "{}" });
    expect(new ConfigLocator().forDirectory(root)).toEqual({ ok: true, loaded: undefined });
  });

  it("reads a config with a BOM, and one in UTF-16", () => {
    const config = JSON.stringify({ trustedAccounts: ["111122223333"] });
    const bom = tree({ ".ecrlintrc.json": `\uFEFF${config}` });
    const utf16 = tree({ ".ecrlintrc.json": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(config, "utf16le")]) });
    for (const root of [bom, utf16]) {
      const result = new ConfigLocator().forDirectory(root);
      expect(result.ok && result.loaded?.config.trustedAccounts).toEqual(["111122223333"]);
    }
  });
});

describe("every key of a config is data", () => {
  it('"__proto__" is an unknown key like any other', () => {
    const root = tree({ ".ecrlintrc.json": '{"__proto__": {"trustedAccounts": ["111122223333"]}}' });
    expect(errorOf(new ConfigLocator().forDirectory(root))).toBe(`${join(root, ".ecrlintrc.json")}:1:2: __proto__: unknown key`);
  });

  it('"__proto__" inside a registry entry too', () => {
    const root = tree({ ".ecrlintrc.json": '{"registries": [{"files": ["**"], "__proto__": {"account": "444455556666"}}]}' });
    expect(errorOf(new ConfigLocator().forDirectory(root))).toMatch(/registries\[0\]\.__proto__: unknown key/);
  });
});

describe("only regular files are read", () => {
  it("a FIFO named .ecrlintrc.json is an error, not a hang", () => {
    const root = tree({});
    execFileSync("mkfifo", [join(root, ".ecrlintrc.json")]);
    expect(errorOf(new ConfigLocator().forDirectory(root))).toBe(`${join(root, ".ecrlintrc.json")}: cannot read config: not a regular file`);
  });

  it("--config /dev/zero is an error, not an endless read", () => {
    expect(errorOf(new ConfigLocator().load("/dev/zero"))).toBe("/dev/zero: cannot read config: not a regular file");
  });

  it('"$import" of /dev/zero is an error, not an endless read', () => {
    const root = tree({ ".ecrlintrc.json": '{"$import": "/dev/zero"}' });
    expect(errorOf(new ConfigLocator().forDirectory(root))).toMatch(/\$import "\/dev\/zero" is not a regular file/);
  });
});

describe("config search stops at the repository root", () => {
  it("never loads, let alone executes, a config above the repository", () => {
    const outer = tree({
      "ecrlint.config.mjs": `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(join(tmpdir(), "never"))} + process.pid, "ran");\nexport default { trustedAccounts: ["999999999999"] };\n`,
      "repo/infra/registry-policy.json": "{}",
    });
    mkdirSync(join(outer, "repo/.git"));
    const result = new ConfigLocator().forDirectory(join(outer, "repo/infra"));
    expect(result).toEqual({ ok: true, loaded: undefined });
    expect(existsSync(join(tmpdir(), `never${process.pid}`))).toBe(false);
    // The same tree without .git: the search goes on upwards, and finds (and runs) it.
    rmSync(join(outer, "repo/.git"), { recursive: true });
    const above = new ConfigLocator().forDirectory(join(outer, "repo/infra"));
    expect(above.ok && above.loaded?.filePath).toBe(join(outer, "ecrlint.config.mjs"));
    expect(existsSync(join(tmpdir(), `never${process.pid}`))).toBe(true);
    rmSync(join(tmpdir(), `never${process.pid}`));
  });

  it("finds the config at the repository root itself (a .git file, as in worktrees)", () => {
    const root = tree({ ".git": "gitdir: /elsewhere\n", ".ecrlintrc.json": '{"trustedAccounts": ["111122223333"]}', "a/b/p.json": "{}" });
    expect(repositoryRootOf(join(root, "a/b"))).toBe(root);
    const result = new ConfigLocator().forDirectory(join(root, "a/b"));
    expect(result.ok && result.loaded?.filePath).toBe(join(root, ".ecrlintrc.json"));
  });

  it("an explicit file is loaded wherever it is", () => {
    const outer = tree({ "shared/ecrlint.json": '{"trustedAccounts": ["111122223333"]}' });
    const result = new ConfigLocator().load(join(outer, "shared/ecrlint.json"));
    expect(result.ok && result.loaded?.config.trustedAccounts).toEqual(["111122223333"]);
  });
});

describe("a config module in a process whose code is a module (node --input-type=module, the code on standard input)", () => {
  it("loads, and one that throws is its own error, as in any other process", () => {
    const good = tree({ "ecrlint.config.mjs": 'export default { trustedAccounts: ["111122223333"] };\n' });
    const bad = tree({ "ecrlint.config.mjs": 'throw new Error("no config here");\n' });
    const core = pathToFileURL(join(fileURLToPath(new URL("..", import.meta.url)), "dist", "index.js")).href;
    const script = [
      `import { ConfigLocator, formatConfigError } from ${JSON.stringify(core)};`,
      "const show = (r) => (r.ok ? r.loaded.config.trustedAccounts : formatConfigError(r.error));",
      `console.log(JSON.stringify([show(new ConfigLocator().forDirectory(${JSON.stringify(good)})), show(new ConfigLocator().forDirectory(${JSON.stringify(bad)}))]));`,
    ].join("\n");
    const run = spawnSync(process.execPath, ["--input-type=module"], { input: script, encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual([["111122223333"], `${join(bad, "ecrlint.config.mjs")}: cannot read config: no config here`]);
  });
});
