import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { binPath, copyFixture, gitInit, packageDir, readCacheFile, repoDir, runBin, runNode, runnerFixtures, tempDir, writeCacheFile } from "./helpers.js";

const version = (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version;


describe("stylish output and exit codes", () => {
  it("reports errors and warnings of policy files only, exit 1", async () => {
    const r = await runBin([], { cwd: join(runnerFixtures, "basic") });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`${join(runnerFixtures, "basic", "policies", "wrong-region.json")}\n  9:32  error  Region "us-east-1"`);
    expect(r.stdout).toMatch(/13:14 {2}warning {2}Sid "ReplicationAccessCrossAccount" is already used .* @ecrlint\/no-duplicate-sid/);
    expect(r.stdout).toContain("\u2716 2 problems (1 error, 1 warning)\n  1 error and 0 warnings potentially fixable with the `--fix` option.\n");
    expect(r.stdout).not.toContain("package.json");
    expect(r.stdout).not.toContain("tsconfig.json");
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("accepts the lint sub-command name and ends a clean run with one summary line, exit 0", async () => {
    const r = await runBin(["lint", "policies/registry-policy.json"], { cwd: join(runnerFixtures, "basic") });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    // Silence would read as "not run": the line says what was read (and ESLint prints nothing here).
    expect(r.stdout).toMatch(/^\u2714 No problems in 1 policy file of 1 registry; 0 other files skipped \(\d+\.\d\ds\)\.\n$/);
  });

  it("--quiet reports errors only", async () => {
    const r = await runBin(["--quiet"], { cwd: join(runnerFixtures, "basic") });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("  warning  ");
    expect(r.stdout).toContain("\u2716 1 problem (1 error, 0 warnings)");
  });

  it("--max-warnings turns too many warnings into exit 1", async () => {
    const cwd = join(runnerFixtures, "basic");
    const over = await runBin(["policies/duplicate-sids.jsonc", "--max-warnings", "0"], { cwd });
    expect(over.code).toBe(1);
    expect(over.stderr).toBe("ecrlint found too many warnings (maximum: 0).\n");
    const within = await runBin(["policies/duplicate-sids.jsonc", "--max-warnings", "1"], { cwd });
    expect(within.code).toBe(0);
    expect(within.stdout).toContain("1 problem (0 errors, 1 warning)");
    const bad = await runBin(["--max-warnings", "many"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")[0]).toContain('--max-warnings: expected a non-negative integer, got "many"');
  });

  it("colors with --color or FORCE_COLOR and never with --no-color", async () => {
    const cwd = join(runnerFixtures, "basic");
    expect((await runBin(["--color"], { cwd })).stdout).toContain("\u001b[");
    expect((await runBin([], { cwd, env: { FORCE_COLOR: "1" } })).stdout).toContain("\u001b[");
    expect((await runBin(["--no-color"], { cwd, env: { FORCE_COLOR: "1" } })).stdout).not.toContain("\u001b[");
  });

  it("--version and --help", async () => {
    const cwd = join(runnerFixtures, "basic");
    expect(await runBin(["--version"], { cwd })).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    const help = await runBin(["--help"], { cwd });
    expect(help.code).toBe(0);
    for (const flag of ["--config", "--format", "--output-file", "--max-warnings", "--quiet", "--fix", "--fix-dry-run", "--changed-since", "--no-ignore", "--print-config", "--cache", "--no-color", "--version", "--help"]) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain("ecrlint test");
    expect(help.stdout).toContain("ecrlint explain");
    for (const format of ["stylish", "json", "json-with-metadata", "sarif", "github", "junit"]) expect(help.stdout).toContain(format);
  });

  it("usage errors are one line on stderr and exit 2", async () => {
    const cwd = join(runnerFixtures, "basic");
    const unknown = await runBin(["--frobnicate"], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr.split("\n")[0]).toBe("ecrlint: unknown option '--frobnicate'");
    const format = await runBin(["--format", "xml"], { cwd });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('ecrlint: --format: cannot load the formatter "xml"');
    const missing = await runBin(["no/such/dir"], { cwd });
    expect(missing).toEqual({ code: 2, stdout: "", stderr: 'ecrlint: No files matching the pattern "no/such/dir" were found.\nPlease check for typing mistakes in the pattern.\n' });
  });
});

describe("formats", () => {
  const cwd = join(runnerFixtures, "basic");

  it("json has exactly the shape of ESLint's json formatter", async () => {
    const r = await runBin(["--format", "json"], { cwd });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(results.map((x) => x.filePath)).toEqual(
      ["duplicate-sids.jsonc", "registry-policy.json", "wrong-region.json"].map((f) => join(cwd, "policies", f)),
    );
    const wrong = results[2]!;
    expect(Object.keys(wrong)).toEqual([
      "filePath",
      "messages",
      "suppressedMessages",
      "errorCount",
      "fatalErrorCount",
      "warningCount",
      "fixableErrorCount",
      "fixableWarningCount",
      "source",
      "usedDeprecatedRules",
    ]);
    const [message] = wrong.messages as Record<string, unknown>[];
    expect(Object.keys(message!)).toEqual(["ruleId", "severity", "message", "line", "column", "messageId", "endLine", "endColumn", "fix"]);
    expect(message).toMatchObject({ ruleId: "@ecrlint/no-region-mismatch", severity: 2, line: 9, column: 32, endLine: 9, endColumn: 41 });
    expect(wrong).toMatchObject({ errorCount: 1, warningCount: 0, fixableErrorCount: 1, fixableWarningCount: 0, fatalErrorCount: 0 });
    expect(results[1]).toEqual({
      filePath: join(cwd, "policies", "registry-policy.json"),
      messages: [],
      suppressedMessages: [],
      errorCount: 0,
      fatalErrorCount: 0,
      warningCount: 0,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      usedDeprecatedRules: [],
    });
  });

  it("github prints workflow-command annotations relative to the repository root", async () => {
    const dir = copyFixture("basic");
    gitInit(dir);
    const r = await runBin(["--format", "github"], { cwd: join(dir, "policies") });
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")).toEqual([
      expect.stringMatching(/^::warning file=policies\/duplicate-sids\.jsonc,line=13,col=14,endLine=13,endColumn=45,title=@ecrlint\/no-duplicate-sid::Sid "ReplicationAccessCrossAccount" is already used/),
      expect.stringMatching(/^::error file=policies\/wrong-region\.json,line=9,col=32,endLine=9,endColumn=41,title=@ecrlint\/no-region-mismatch::Region "us-east-1" does not match/),
      "",
      "",
    ]);
  });

  it("junit has one test case per file and one failure per finding", async () => {
    const dir = copyFixture("basic");
    const r = await runBin(["--format", "junit"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ecrlint" tests="3" failures="2" errors="0">')).toBe(true);
    expect(r.stdout.match(/<testcase /g)).toHaveLength(3);
    expect(r.stdout).toContain('<testcase classname="ecrlint" name="policies/registry-policy.json" file="policies/registry-policy.json" />');
    expect(r.stdout).toMatch(/<failure type="warning" message="Sid &quot;ReplicationAccessCrossAccount&quot; is already used[^"]*">policies\/duplicate-sids.jsonc:13:14 @ecrlint\/no-duplicate-sid\n/);
    expect(r.stdout).toMatch(/<failure type="error" message="Region &quot;us-east-1&quot;[^"]*">policies\/wrong-region.json:9:32 @ecrlint\/no-region-mismatch\n/);
    expect(r.stdout.trimEnd().endsWith("</testsuites>")).toBe(true);
  });

  it("--output-file writes the report and prints nothing", async () => {
    const out = join(tempDir(), "reports", "ecrlint.sarif");
    const r = await runBin(["--format", "sarif", "--output-file", out], { cwd });
    expect(r).toEqual({ code: 1, stdout: "", stderr: "" });
    const log = JSON.parse(readFileSync(out, "utf8")) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]!.results).toHaveLength(2);
  });

  it("--output-file takes /dev/stdout, /dev/null and a named pipe, as ESLint does, and creates nothing under /proc", async () => {
    // Through a shell pipe, as a user types it: the report arrives on the pipe, byte for byte what stdout would get.
    const direct = await runBin(["--format", "json"], { cwd });
    const piped = execFileSync("sh", ["-c", `"${process.execPath}" "${binPath}" --format json --output-file /dev/stdout | cat; exit 0`], { cwd, encoding: "utf8" });
    expect(piped).toBe(direct.stdout.replace(/\n$/, ""));
    expect(await runBin(["--output-file", "/dev/null"], { cwd })).toEqual({ code: 1, stdout: "", stderr: "" });
    const fifo = join(tempDir(), "report.fifo");
    execFileSync("mkfifo", [fifo]);
    const reader = execFileSync("sh", ["-c", `cat "${fifo}" & "${process.execPath}" "${binPath}" --format json --output-file "${fifo}"; wait`], { cwd, encoding: "utf8" });
    expect(reader).toBe(direct.stdout.replace(/\n$/, ""));
    const proc = await runBin(["--output-file", "/proc/nope/x"], { cwd });
    expect(proc).toEqual({ code: 2, stdout: "", stderr: "ecrlint: cannot write --output-file /proc/nope/x: no such directory (ENOENT)\n" });
  });
});

describe("config errors", () => {
  async function withConfig(config: string) {
    const dir = copyFixture("basic");
    writeFileSync(join(dir, ".ecrlintrc.json"), config);
    return { dir, result: await runBin([], { cwd: dir }) };
  }

  it("an unknown key names the file and the key path, exit 2, no stack", async () => {
    const { dir, result } = await withConfig('{ "registries": [{ "files": ["**"], "acount": "444455556666" }] }');
    expect(result).toEqual({ code: 2, stdout: "", stderr: `ecrlint: ${join(dir, ".ecrlintrc.json")}:1:37: registries[0].acount: unknown key (did you mean "account"?)\n` });
  });

  it("a key or value at fault is placed at its line and column in a JSON, JSONC, YAML or package.json config", async () => {
    const dir = copyFixture("basic");
    rmSync(join(dir, ".ecrlintrc.json"), { force: true });
    const cases: [string, string, string][] = [
      // A value of the wrong type: at the value.
      [".ecrlintrc.json", '{\n  "registries": [],\n  "ignores": "dist/**"\n}\n', ":3:14: ignores: must be array"],
      // A required key that is missing: at the object it is missing from.
      [".ecrlintrc.json", '{\n  "kinds": [\n    { "kind": "registry-policy" }\n  ]\n}\n', ":3:5: kinds[0].files: is required"],
      // Comments and trailing commas; an unknown key: at the key.
      [".ecrlintrc.jsonc", '// shared\n{\n  "registries": [\n    {\n      "files": ["**"],\n      "bogus": 1,\n    },\n  ],\n}\n', ":6:7: registries[0].bogus: unknown key"],
      [".ecrlintrc.yaml", 'registries:\n  - files: ["**"]\n    account: "1111"\n', ':3:14: registries[0].account: "1111" does not match ^\\d{12}$'],
      // An extensionless rc file is YAML (or JSON, which YAML reads).
      [".ecrlintrc", "trustedOrgs:\n  - 12\n", ":2:5: trustedOrgs[0]: must be string"],
      ["package.json", '{ "name": "x",\n  "ecrlint": {\n    "trustedAccounts": [\n      "12"\n    ]\n  }\n}\n', ':4:7: ecrlint.trustedAccounts[0]: "12" does not match ^\\d{12}$'],
      // Rule settings: an unknown rule at its key, an option at its key or value, one option too many at itself.
      [".ecrlintrc.json", '{"rules": {\n  "no-such-rule": "error"\n}}\n', ":2:3: rules.no-such-rule: unknown rule"],
      [".ecrlintrc.json", '{"rules": {\n  "replication-destination-allowed": ["error", {"ignoreAccounts": ["12"]}]\n}}\n', ':2:68: rules.replication-destination-allowed[1].ignoreAccounts[0]: must match pattern "^\\d{12}$"'],
      [".ecrlintrc.yaml", "rules:\n  plain-json:\n    - error\n    - bogus: 1\n", ":4:7: rules.plain-json[1].bogus: unknown option"],
      [".ecrlintrc.json", '{"rules": {"plain-json": ["error", {}, {}]}}\n', ":1:40: rules.plain-json[2]: this rule takes at most 1 option"],
      // YAML as the loader reads it: through an alias, through a merge key, at the alias that stands for a value.
      [".ecrlintrc.yaml", 'registries:\n  - files: ["**"]\n    acount: "1"\nfiles: &c ["**/*.json"]\nignores: *c\n', ':3:5: registries[0].acount: unknown key (did you mean "account"?)'],
      // What is found through a merge key or an alias is placed where it is used, not in the anchor.
      [".ecrlintrc.yaml", 'shared: &b {account: "1"}\nregistries:\n  - <<: *b\n    files: ["**"]\n', ':3:5: registries[0].account: "1" does not match ^\\d{12}$'],
      [".ecrlintrc.yaml", 'rules: &r\n  no-duplicate-sid: warn\nregistries:\n  - <<: *r\n    files: ["**"]\n', ":4:5: registries[0].no-duplicate-sid: unknown key"],
      [".ecrlintrc.yaml", 'trustedAccounts: &acc ["111122223333"]\nrules:\n  no-duplicate-sid: *acc\n', ':3:21: rules.no-duplicate-sid[0]: "111122223333" must be one of "off", "warn", "error", 0, 1, 2'],
      [".ecrlintrc.yaml", "f: &f 5\nignores: *f\n", ":2:10: ignores: must be array"],
      // A config is one YAML document: the second is where the error is.
      [".ecrlintrc.yaml", 'registries:\n  - files: ["**"]\n---\nx: 1\n', ":3:1: cannot read config: invalid YAML: expected a single document in the stream, but found more"],
    ];
    for (const [name, text, expected] of cases) {
      writeFileSync(join(dir, name), text);
      expect(await runBin([], { cwd: dir }), name).toEqual({ code: 2, stdout: "", stderr: `ecrlint: ${join(dir, name)}${expected}\n` });
      rmSync(join(dir, name));
    }
    // A config that is code has no text to point into: the key path says where.
    writeFileSync(join(dir, "ecrlint.config.mjs"), 'export default { ignores: "dist/**" };\n');
    expect(await runBin([], { cwd: dir })).toEqual({ code: 2, stdout: "", stderr: `ecrlint: ${join(dir, "ecrlint.config.mjs")}: ignores: must be array\n` });
  });

  it("a misspelled Region is exit 2 with a did-you-mean, before --fix could write it into the policies", async () => {
    const { dir, result } = await withConfig('{ "registries": [{ "files": ["**"], "region": "us-wset-2" }] }');
    expect(result).toEqual({ code: 2, stdout: "", stderr: `ecrlint: ${join(dir, ".ecrlintrc.json")}:1:47: registries[0].region: "us-wset-2" is not a Region (did you mean "us-west-2"?)\n` });
    const fixed = await runBin(["--fix"], { cwd: dir });
    expect(fixed.code).toBe(2);
  });

  it("a file named like a config that ecrlint does not read, exit 2 with the name to use", async () => {
    const dir = copyFixture("basic");
    writeFileSync(join(dir, "policies", "ecrlint.config.yml"), "registries: []\n");
    const result = await runBin([], { cwd: dir });
    expect(result).toEqual({ code: 2, stdout: "", stderr: `ecrlint: ${join(dir, "policies", "ecrlint.config.yml")}: ecrlint does not read this file: rename it to \`.ecrlintrc.yml\`\n` });
  });

  it("an unknown rule id", async () => {
    const { dir, result } = await withConfig('{ "rules": { "no-duplicate-sids": "warn" } }');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`ecrlint: ${join(dir, ".ecrlintrc.json")}:1:14: rules.no-duplicate-sids: unknown rule (did you mean "no-duplicate-sid"?)\n`);
  });

  it("bad rule options, with the path inside the options", async () => {
    const { dir, result } = await withConfig('{ "rules": { "replication-destination-allowed": ["error", { "ignoreAccounts": ["nope"] }] } }');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`ecrlint: ${join(dir, ".ecrlintrc.json")}:1:80: rules.replication-destination-allowed[1].ignoreAccounts[0]: must match pattern "^\\d{12}$"\n`);
    const extra = await withConfig('{ "rules": { "replication-destination-allowed": ["error", { "ignoreAcounts": [] }] } }');
    expect(extra.result.stderr).toContain("rules.replication-destination-allowed[1].ignoreAcounts: unknown option");
  });

  it("a config that is not JSON, and DEBUG=ecrlint adds the stack", async () => {
    const { dir, result } = await withConfig("{ registries: [ }");
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")).toHaveLength(2);
    expect(result.stderr.split("\n")[0]).toBe(`ecrlint: ${join(dir, ".ecrlintrc.json")}:1:3: cannot read config: invalid JSON: Expected property name or '}'`);
    const debug = await runBin([], { cwd: dir, env: { DEBUG: "ecrlint" } });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toContain("    at ");
  });

  it("--config uses one file for everything; a missing one is exit 2", async () => {
    const dir = copyFixture("basic");
    writeFileSync(join(dir, "other.json"), JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-east-1" }] }));
    const r = await runBin(["--config", "other.json", "--format", "json"], { cwd: dir });
    const results = JSON.parse(r.stdout) as { filePath: string; errorCount: number; warningCount: number }[];
    // With us-east-1 as the Region, the clean policy is now the wrong one, and no-duplicate-sid is back at error.
    expect(results.find((x) => x.filePath.endsWith("wrong-region.json"))!.errorCount).toBe(0);
    expect(results.find((x) => x.filePath.endsWith("registry-policy.json"))!.errorCount).toBe(1);
    expect(results.find((x) => x.filePath.endsWith("duplicate-sids.jsonc"))!.errorCount).toBe(3);
    const missing = await runBin(["--config", "nope.json"], { cwd: dir });
    expect(missing).toEqual({ code: 2, stdout: "", stderr: `ecrlint: ${join(dir, "nope.json")}: config file not found\n` });
  });
});

describe("bad input", () => {
  it("a malformed policy is a fatal parse error like ESLint's; malformed JSON that is not ours is skipped", async () => {
    const r = await runBin(["--format", "json"], { cwd: join(runnerFixtures, "malformed") });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: unknown[] }[];
    expect(results.map((x) => x.filePath.split("/").pop())).toEqual(["broken-policy.json", "wrong-types.json"]);
    expect(results[0]!.messages).toEqual([{ ruleId: null, fatal: true, severity: 2, message: "Parsing error: Unexpected token '\"Action\"'.", line: 7, column: 7 }]);
  });

  it("an unreadable file is that file's error; the others are reported (exit 1)", async () => {
    const dir = copyFixture("basic");
    const file = join(dir, "policies", "registry-policy.json");
    chmodSync(file, 0o000);
    const asRoot = process.getuid?.() === 0;
    // root reads anything: run as nobody, who can read the rest of the copy.
    if (asRoot) chmodSync(dir, 0o755);
    const r = await runBin(["--format", "json"], { cwd: dir, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { message: string; severity: number }[] }[];
    expect(results.map((x) => x.filePath.slice(dir.length + 1))).toEqual(["policies/duplicate-sids.jsonc", "policies/registry-policy.json", "policies/wrong-region.json"]);
    expect(results[1]!.messages).toEqual([{ ruleId: null, fatal: true, severity: 2, message: "File not read: permission denied.", line: 1, column: 1 }]);
  });

  it("a symlink loop named on the command line is that file's read error, not a crash", async () => {
    const dir = copyFixture("basic");
    symlinkSync("loop.json", join(dir, "loop.json"));
    const r = await runBin(["loop.json", "--format", "json"], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    expect((JSON.parse(r.stdout) as { messages: { message: string }[] }[])[0]!.messages[0]!.message).toBe("File not read: too many levels of symbolic links.");
  });

  it("binary files that look like policies are an error and huge files a message instead of a parse", async () => {
    const dir = copyFixture("basic");
    writeFileSync(join(dir, "policies", "binary.json"), Buffer.concat([Buffer.from('{"Statement": ['), Buffer.from([0, 1, 2, 0xff, 0])]));
    writeFileSync(join(dir, "policies", "image.json"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    const big = `{"Version": "2012-10-17", "Statement": [], "Padding": "${"x".repeat(5 * 1024 * 1024)}"}`;
    writeFileSync(join(dir, "policies", "huge.json"), big);
    const r = await runBin(["policies", "--format", "json"], { cwd: dir });
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { message: string; severity: number }[] }[];
    expect(results.some((x) => x.filePath.endsWith("image.json"))).toBe(false);
    expect(results.find((x) => x.filePath.endsWith("binary.json"))!.messages).toEqual([expect.objectContaining({ severity: 2, message: "File not linted: it holds NUL bytes; save it as text (UTF-8, or UTF-16 with a BOM)." })]);
    const huge = results.find((x) => x.filePath.endsWith("huge.json"))!;
    expect(huge.messages).toEqual([{ ruleId: "@ecrlint/valid-policy", severity: 2, message: "File not linted: 5.0 MB is over the 5.0 MB limit for policy files.", line: 1, column: 1, messageId: "ecrlintNotLinted" }]);
  });

  it("a policy too large to check fails the run as in ESLint, even without --max-warnings; valid-policy off silences it in both", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "registry-policy.json"), `{"Version": "2012-10-17", "Statement": [], "Padding": "${"x".repeat(5 * 1024 * 1024)}"}`);
    gitInit(dir);
    const pluginUrl = JSON.stringify(pathToFileURL(join(repoDir, "packages", "eslint-plugin", "dist", "index.js")).href);
    writeFileSync(join(dir, "eslint.config.mjs"), `import ecrlint from ${pluginUrl};\nexport default [...ecrlint.configs.recommended];\n`);
    const eslint = (args: string[]) => runNode([join(repoDir, "node_modules", "eslint", "bin", "eslint.js"), "--format", "json", ...args, "registry-policy.json"], { cwd: dir });
    const summary = (r: { code: number | null; stdout: string }) => ({ code: r.code, messages: (JSON.parse(r.stdout) as { messages: object[] }[])[0]!.messages });
    const ours = await runBin(["--format", "json", "registry-policy.json"], { cwd: dir });
    expect(summary(ours)).toEqual(summary(await eslint([])));
    expect(summary(ours).code).toBe(1);
    const off = ["--rule", "@ecrlint/valid-policy: off"];
    const oursOff = await runBin(["--format", "json", ...off, "registry-policy.json"], { cwd: dir });
    expect(summary(oursOff)).toEqual(summary(await eslint(off)));
    expect(summary(oursOff)).toEqual({ code: 0, messages: [] });
  });
});

describe("discovery", () => {
  const flagged = readFileSync(join(runnerFixtures, "basic", "policies", "wrong-region.json"), "utf8");

  it("skips node_modules, .git, .gitignore'd and config-ignored files; --no-ignore lints the last two", async () => {
    const dir = copyFixture("basic");
    for (const sub of ["node_modules/pkg", ".git/objects", "generated", "vendor", "policies/generated"]) {
      mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, sub, "policy.json"), flagged);
    }
    writeFileSync(join(dir, ".gitignore"), "generated/\n");
    const config = JSON.parse(readFileSync(join(dir, ".ecrlintrc.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify({ ...config, ignores: ["vendor/**"] }));
    const files = async (...args: string[]) =>
      (JSON.parse((await runBin(["--format", "json", ...args], { cwd: dir })).stdout) as { filePath: string }[]).map((x) => x.filePath.slice(dir.length + 1)).sort();
    expect(await files()).toEqual(["policies/duplicate-sids.jsonc", "policies/registry-policy.json", "policies/wrong-region.json"]);
    expect(await files("--no-ignore")).toEqual([
      "generated/policy.json",
      "policies/duplicate-sids.jsonc",
      "policies/generated/policy.json",
      "policies/registry-policy.json",
      "policies/wrong-region.json",
      "vendor/policy.json",
    ]);
  });

  it("a file named on the command line but ignored gets ESLint's warning", async () => {
    const dir = copyFixture("basic");
    mkdirSync(join(dir, "generated"));
    writeFileSync(join(dir, "generated", "policy.json"), flagged);
    writeFileSync(join(dir, ".gitignore"), "generated/\n");
    const r = await runBin(["generated/policy.json", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      expect.objectContaining({
        filePath: join(dir, "generated", "policy.json"),
        messages: [{ ruleId: null, fatal: false, severity: 1, message: 'File ignored because of a matching ignore pattern. Use "--no-ignore" to disable file ignore settings or use "--no-warn-ignored" to suppress this warning.' }],
        warningCount: 1,
      }),
    ]);
  });

  it("follows no symlink out of the root", async () => {
    const outside = tempDir();
    writeFileSync(join(outside, "policy.json"), flagged);
    const dir = copyFixture("basic");
    symlinkSync(outside, join(dir, "policies", "linked-dir"));
    symlinkSync(join(outside, "policy.json"), join(dir, "linked.json"));
    const walk = JSON.parse((await runBin(["--format", "json"], { cwd: dir })).stdout) as { filePath: string; messages: { message: string }[] }[];
    // The linked folder is not entered; the linked file is said to be outside, not skipped in silence.
    expect(walk.filter((r) => r.filePath.includes("linked")).map((r) => [r.filePath.slice(dir.length + 1), r.messages.map((m) => m.message)])).toEqual([
      ["linked.json", ["File ignored because outside of base path."]],
    ]);
    const named = await runBin(["linked.json", "--format", "json"], { cwd: dir });
    expect(named.code).toBe(0);
    expect((JSON.parse(named.stdout) as { messages: { message: string }[] }[])[0]!.messages[0]!.message).toBe("File ignored because outside of base path.");
  });

  it("globs and directories as patterns", async () => {
    const cwd = join(runnerFixtures, "basic");
    const paths = async (...patterns: string[]) =>
      (JSON.parse((await runBin(["--format", "json", ...patterns], { cwd })).stdout) as { filePath: string }[]).map((x) => x.filePath.slice(cwd.length + 1));
    expect(await paths("policies/*.jsonc")).toEqual(["policies/duplicate-sids.jsonc"]);
    expect(await paths("apps")).toEqual([]);
    expect(await paths("policies", "policies/wrong-region.json")).toEqual(["policies/duplicate-sids.jsonc", "policies/registry-policy.json", "policies/wrong-region.json"]);
  });
});

describe("--fix and --fix-dry-run", () => {
  it("--fix rewrites only what the fixes change, atomically, and a second run changes nothing", async () => {
    const dir = copyFixture("basic");
    const file = join(dir, "policies", "wrong-region.json");
    const before = readFileSync(file, "utf8");
    const first = await runBin(["--fix"], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("\u2716 1 problem (0 errors, 1 warning)");
    const after = readFileSync(file, "utf8");
    expect(after).toBe(before.replace("arn:aws:ecr:us-east-1:", "arn:aws:ecr:us-west-2:"));
    expect(readdirSync(join(dir, "policies")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const second = await runBin(["--fix"], { cwd: dir });
    expect(second.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(after);
  });

  it("--fix keeps comments and removes unused disable directives as ESLint does", async () => {
    const dir = copyFixture("directives");
    const r = await runBin(["--fix", "unused.jsonc", "disable-line.jsonc"], { cwd: dir });
    expect(r.code).toBe(0);
    const original = readFileSync(join(runnerFixtures, "directives", "unused.jsonc"), "utf8");
    expect(readFileSync(join(dir, "unused.jsonc"), "utf8")).toBe(original.replace("// eslint-disable-next-line @ecrlint/no-duplicate-sid", " "));
    expect(readFileSync(join(dir, "disable-line.jsonc"), "utf8")).toBe(readFileSync(join(runnerFixtures, "directives", "disable-line.jsonc"), "utf8"));
  });

  it("--fix-dry-run writes nothing and, as in ESLint, puts the fixed text only in the json format's output", async () => {
    const dir = copyFixture("basic");
    const file = join(dir, "policies", "wrong-region.json");
    const before = readFileSync(file, "utf8");
    const r = await runBin(["--fix-dry-run", "policies/wrong-region.json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\u2714 No problems in 1 policy file of 1 registry/);
    expect(readFileSync(file, "utf8")).toBe(before);
    const json = await runBin(["--fix-dry-run", "--format", "json", "policies/wrong-region.json"], { cwd: dir });
    const [result] = JSON.parse(json.stdout) as { output: string; messages: unknown[]; source?: string }[];
    expect(result!.output).toBe(before.replace("us-east-1", "us-west-2"));
    expect(result!.messages).toEqual([]);
    expect(result!.source).toBeUndefined();
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("--fix and --fix-dry-run together is a usage error", async () => {
    const r = await runBin(["--fix", "--fix-dry-run"], { cwd: join(runnerFixtures, "basic") });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "ecrlint: --fix and --fix-dry-run cannot be used together\n" });
  });
});

describe("eslint-disable comments", () => {
  it("silences findings as ESLint does and reports unused and unknown directives", async () => {
    const cwd = join(runnerFixtures, "directives");
    const r = await runBin(["--format", "json"], { cwd });
    const byName = new Map((JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string | null; message: string; severity: number }[]; suppressedMessages: { ruleId: string; suppressions: unknown[] }[] }[]).map((x) => [x.filePath.slice(cwd.length + 1), x]));
    expect(byName.get("disable-line.jsonc")!.messages).toEqual([]);
    expect(byName.get("disable-line.jsonc")!.suppressedMessages).toEqual([
      expect.objectContaining({ ruleId: "@ecrlint/no-region-mismatch", suppressions: [{ kind: "directive", justification: "reviewed: a staging copy" }] }),
    ]);
    expect(byName.get("disable-block.jsonc")!.messages).toEqual([]);
    expect(byName.get("disable-all.jsonc")!.messages).toEqual([]);
    // A comment in a .json file is itself a finding (plain-json): AWS would reject the file as written.
    expect(byName.get("disable-next-line.json")!.messages.map((m) => m.ruleId ?? m.message)).toEqual([
      "@ecrlint/plain-json",
      "Unused eslint-disable directive (no problems were reported from '@ecrlint/no-account-mismatch').",
    ]);
    expect(byName.get("unused.jsonc")!.messages).toEqual([
      expect.objectContaining({ ruleId: null, severity: 1, message: "Unused eslint-disable directive (no problems were reported from '@ecrlint/no-duplicate-sid')." }),
    ]);
    expect(byName.get("unknown-rule.jsonc")!.messages).toEqual([
      expect.objectContaining({ ruleId: "@ecrlint/no-such-rule", severity: 2, message: "Definition for rule '@ecrlint/no-such-rule' was not found." }),
    ]);
    // A directive naming no rule may serve another plugin's findings: it is applied, never called unused.
    expect(byName.get("enable-again.jsonc")!.messages.map((m) => m.ruleId)).toEqual(["@ecrlint/no-region-mismatch"]);
    expect(byName.get("multi-line-directive.jsonc")!.messages.map((m) => m.message)).toContain("eslint-disable-line comment should not span multiple lines.");
  });
});

describe("--changed-since", () => {
  it("lints changed files plus the files a cross-file check ties to them", async () => {
    const dir = copyFixture("cross-file");
    gitInit(dir);
    const policy = join(dir, "infra", "dest-b", "registry-policy.json");
    writeFileSync(policy, readFileSync(policy, "utf8").replace('"Sid"', '"Sid" '));
    const r = await runBin(["--changed-since", "main", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string }[] }[];
    expect(results.map((x) => x.filePath.slice(dir.length + 1))).toEqual(["infra/dest-b/registry-policy.json", "infra/source/replication-configuration.json"]);
    expect(results[1]!.messages.map((m) => m.ruleId)).toEqual(["@ecrlint/replication-destination-allowed"]);

    const outsideGit = copyFixture("cross-file");
    expect(await runBin(["--changed-since", "HEAD"], { cwd: outsideGit })).toEqual({ code: 2, stdout: "", stderr: `ecrlint: --changed-since: ${outsideGit} is not inside a git repository\n` });
    const clean = tempDir();
    execFileSync("cp", ["-r", `${dir}/.`, clean]);
    execFileSync("git", ["checkout", "-q", "--", "."], { cwd: clean });
    const none = await runBin(["--changed-since", "main"], { cwd: clean });
    expect(none).toMatchObject({ code: 0, stderr: "" });
    expect(none.stdout).toMatch(/^\u2714 No policy files found; 5 other files skipped/);
  });

  it("with --cache, still re-checks the files tied to a changed one when the change leaves the cross-file facts as they were", async () => {
    const dir = copyFixture("cross-file");
    gitInit(dir);
    await runBin(["--cache"], { cwd: dir });
    const policy = join(dir, "infra", "dest-b", "registry-policy.json");
    // A newline at the end: nothing a cross-file rule collects changes, so the project's findings are the cached ones.
    writeFileSync(policy, `${readFileSync(policy, "utf8")}\n`);
    const cached = await runBin(["--cache", "--changed-since", "main", "--format", "json"], { cwd: dir });
    const plain = await runBin(["--changed-since", "main", "--format", "json"], { cwd: dir });
    expect(cached).toEqual(plain);
    expect((JSON.parse(cached.stdout) as { filePath: string }[]).map((x) => x.filePath.slice(dir.length + 1))).toEqual(["infra/dest-b/registry-policy.json", "infra/source/replication-configuration.json"]);
  });

  it("an unknown ref is exit 2", async () => {
    const dir = copyFixture("cross-file");
    gitInit(dir);
    const r = await runBin(["--changed-since", "origin/nope"], { cwd: dir });
    expect(r).toEqual({ code: 2, stdout: "", stderr: 'ecrlint: --changed-since: unknown git ref "origin/nope"\n' });
  });
});

describe("--print-config", () => {
  it("prints the resolved config and registry of a file", async () => {
    const cwd = join(runnerFixtures, "basic");
    const r = await runBin(["--print-config", "policies/wrong-region.json"], { cwd });
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, any>;
    expect(printed.configFile).toBe(join(cwd, ".ecrlintrc.json"));
    expect(printed.registry).toMatchObject({ account: "444455556666", region: "us-west-2", partition: "aws", source: "config" });
    expect(printed.rules["@ecrlint/no-duplicate-sid"]).toEqual(["warn", {}]);
    expect(printed.rules["@ecrlint/replication-destination-allowed"]).toEqual(["error", { ignoreAccounts: [] }]);
    expect(printed.files).toEqual(["**/*.json", "**/*.jsonc", "**/*.json5", "**/*.yaml", "**/*.yml", "**/*.template", "**/*.tf"]);
    const missing = await runBin(["--print-config", "nope.json"], { cwd });
    expect(missing).toEqual({ code: 2, stdout: "", stderr: 'ecrlint: --print-config: no such file "nope.json"\n' });
  });
});

describe("--cache", () => {
  /** A copy of a fixture, its report without cache, and the cache a first run wrote. */
  async function withCache(fixture: string) {
    const dir = copyFixture(fixture);
    const cacheFile = join(dir, ".ecrlintcache");
    const clean = await runBin(["--format", "json"], { cwd: dir });
    await runBin(["--cache"], { cwd: dir });
    return { dir, cacheFile, clean, cache: readCacheFile(cacheFile) };
  }
  const basicWithCache = () => withCache("basic");

  /** A run with the cache reports exactly what a run without it did. */
  async function expectClean(dir: string, clean: Awaited<ReturnType<typeof runBin>>) {
    const run = await runBin(["--cache", "--format", "json"], { cwd: dir });
    expect({ code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({ code: clean.code, stderr: "", stdout: clean.stdout });
  }

  it("reuses results of unchanged files and drops them when the file or the config changes", async () => {
    const dir = copyFixture("basic");
    const cacheFile = join(dir, ".ecrlintcache");
    const first = await runBin(["--cache", "--format", "json"], { cwd: dir });
    expect(first.stdout).toBe((await runBin(["--format", "json"], { cwd: dir })).stdout);
    expect(existsSync(cacheFile)).toBe(true);
    // Plant a finding in the cache: if it shows up, the second run read the cache instead of linting.
    const cache = readCacheFile(cacheFile);
    const clean = join(dir, "policies", "registry-policy.json");
    // An entry whose check still matches (as a later run would have written it) is trusted: the finding shows up.
    (cache.entries[clean]!.outcome.messages as unknown[]).push({ ruleId: "@ecrlint/no-duplicate-sid", severity: 2, message: "planted", line: 1, column: 1 });
    writeCacheFile(cacheFile, cache, true);
    const second = await runBin(["--cache", "--format", "json"], { cwd: dir });
    expect(second.stdout).toContain("planted");
    writeFileSync(join(dir, ".ecrlintrc.json"), readFileSync(join(dir, ".ecrlintrc.json"), "utf8").replace('"warn"', '"error"'));
    const third = await runBin(["--cache", "--format", "json"], { cwd: dir });
    expect(third.stdout).not.toContain("planted");
    expect(third.stdout).not.toBe(first.stdout);
    const without = await runBin(["--format", "json"], { cwd: dir });
    expect(third.stdout).toBe(without.stdout);
  });

  it("keys each file's cached outcome by its own registry and config, however many files of one config share them", async () => {
    const policy = `${JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:BatchGetImage"] }] }, null, 2)}\n`;
    const registries = (bRegion: string) => ({ registries: ["a", "b"].map((f) => ({ files: [`infra/${f}/**`], account: "111122223333", region: f === "b" ? bRegion : "us-west-2" })) });
    const dir = tempDir("ecrlint-cache-settings-");
    const files = ["a", "b", "c", "d"].map((f) => join(dir, "infra", f, "repository-policy.json"));
    for (const file of files) {
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, policy);
    }
    writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify(registries("us-west-2")));
    await runBin(["--cache"], { cwd: dir });
    const cacheFile = join(dir, ".ecrlintcache");
    const cache = readCacheFile(cacheFile);
    for (const file of files) (cache.entries[file]!.outcome.messages as unknown[]).push({ ruleId: "@ecrlint/no-duplicate-sid", severity: 2, message: "planted", line: 1, column: 1 });
    writeCacheFile(cacheFile, cache, true);
    const planted = async () => {
      const run = await runBin(["--cache", "--format", "json"], { cwd: dir });
      const results = JSON.parse(run.stdout) as { filePath: string; messages: { message: string }[] }[];
      return results.filter((r) => r.messages.some((m) => m.message === "planted")).map((r) => r.filePath.slice(dir.length + 1));
    };
    expect(await planted()).toEqual(["infra/a/repository-policy.json", "infra/b/repository-policy.json", "infra/c/repository-policy.json", "infra/d/repository-policy.json"]);
    // b's registry entry changes, a's does not; d gets a config of its own that trusts another account.
    writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify(registries("us-east-1")));
    writeFileSync(join(dir, "infra/d/.ecrlintrc.json"), JSON.stringify({ trustedAccounts: ["444455556666"] }));
    expect(await planted()).toEqual(["infra/a/repository-policy.json", "infra/c/repository-policy.json"]);
  });

  it("reads a file again when its content changes, even at the same size and with the old modification time", async () => {
    const dir = copyFixture("basic");
    const file = join(dir, "policies", "registry-policy.json");
    await runBin(["--cache"], { cwd: dir });
    const before = statSync(file);
    // The same number of bytes, an invalid Effect, and the times put back: the inode change time still tells.
    const text = readFileSync(file, "utf8");
    expect(text).toContain('"Allow"');
    const changed = text.replace('"Allow"', '"Alxow"');
    writeFileSync(file, changed);
    utimesSync(file, before.atime, before.mtime);
    const warm = await runBin(["--cache", "--format", "json"], { cwd: dir });
    const cold = await runBin(["--format", "json"], { cwd: dir });
    expect(warm.stdout).toContain("Alxow");
    expect(warm.stdout).toBe(cold.stdout);
  });

  it("keeps only the files of the run, and leaves the cache file untouched when nothing changed", async () => {
    const dir = copyFixture("basic");
    const cacheFile = join(dir, ".ecrlintcache");
    await runBin(["--cache"], { cwd: dir });
    const written = statSync(cacheFile);
    const { entries } = readCacheFile(cacheFile);
    // Every file the run read has an entry, the JSON that is not ours too (so that it is not read again).
    expect(Object.keys(entries).length).toBeGreaterThan(3);
    await runBin(["--cache"], { cwd: dir });
    expect(statSync(cacheFile).mtimeMs).toBe(written.mtimeMs);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    const gone = Object.keys(entries).find((path) => path.endsWith("wrong-region.json"))!;
    rmSync(gone);
    await runBin(["--cache"], { cwd: dir });
    expect(Object.keys(readCacheFile(cacheFile).entries).sort()).toEqual(Object.keys(entries).filter((path) => path !== gone).sort());
  });

  it("an edited or wrong-shaped entry is discarded, never trusted nor a crash", async () => {
    const { dir, cacheFile, clean, cache } = await basicWithCache();
    const ours = Object.keys(cache.entries).filter((path) => cache.entries[path]!.outcome.status === "ours").sort();
    // Hides the finding of wrong-region.json without touching the source; breaks the shape of the others.
    cache.entries[ours.find((path) => path.endsWith("wrong-region.json"))!]!.outcome.messages = [];
    for (const path of ours) if (!path.endsWith("wrong-region.json")) cache.entries[path]!.outcome = { status: "ours", messages: "not a list" };
    writeCacheFile(cacheFile, cache);
    await expectClean(dir, clean);
    // The same, signed as a run would have: the shape check still refuses what would crash the runner.
    const signed = readCacheFile(cacheFile);
    for (const path of ours) signed.entries[path]!.outcome = { status: "ours", messages: "not a list" };
    writeCacheFile(cacheFile, signed, true);
    const again = await runBin(["--cache", "--format", "json"], { cwd: dir });
    expect({ code: again.code, stderr: again.stderr, stdout: again.stdout }).toEqual({ code: clean.code, stderr: "", stdout: clean.stdout });
  });

  it("keeps the cross-file findings of a project whose facts are unchanged, and joins the files again when one changes", async () => {
    const dir = copyFixture("cross-file");
    const cacheFile = join(dir, ".ecrlintcache");
    const cold = await runBin(["--format", "json"], { cwd: dir });
    const first = await runBin(["--cache", "--format", "json"], { cwd: dir });
    expect(first.stdout).toBe(cold.stdout);
    const cache = readCacheFile(cacheFile);
    const source = join(dir, "infra/source/replication-configuration.json");
    const projectKey = `\u0000project\u0000${dir}`;
    // One entry for the project, naming the files with findings, and one entry per such file.
    const keys = Object.keys(cache.entries).filter((key) => key.startsWith("\u0000project\u0000"));
    const files = (cache.entries[projectKey]!.outcome as { files: string[] }).files;
    expect(files).toContain(source);
    expect(keys.sort()).toEqual([projectKey, ...files.map((f) => `${projectKey}\u0000${f}`)].sort());
    // A planted cross-file finding shows up only while every fact is the one it was recorded with.
    const sourceMessages = (cache.entries[`${projectKey}\u0000${source}`]!.outcome as { messages: { message: string }[] }).messages;
    expect(sourceMessages.map((m) => m.message)).toHaveLength(1);
    sourceMessages[0]!.message = "planted";
    writeCacheFile(cacheFile, cache, true);
    const warm = await runBin(["--cache", "--format", "json"], { cwd: dir });
    expect(warm.stdout).toBe(cold.stdout.replace(/"message":"(?:[^"\\]|\\.)*"/, '"message":"planted"'));
    expect(warm.code).toBe(cold.code);
    // The destination now allows the source: its facts change, the project is joined again and the finding is gone.
    const dest = join(dir, "infra/dest-b/registry-policy.json");
    writeFileSync(dest, readFileSync(dest, "utf8").replace('"ecr:BatchGetImage"', '"ecr:CreateRepository", "ecr:ReplicateImage"'));
    const changed = await runBin(["--cache", "--format", "json"], { cwd: dir });
    expect(changed.stdout).not.toContain("planted");
    expect(changed.stdout).toBe((await runBin(["--format", "json"], { cwd: dir })).stdout);
    expect(changed.stdout).not.toBe(cold.stdout);
  });

  it("a file named alone reads the rest of the project from the cache, and the cache keeps the rest", async () => {
    const dir = copyFixture("cross-file");
    const cacheFile = join(dir, ".ecrlintcache");
    const named = "infra/source/replication-configuration.json";
    const alone = await runBin(["--format", "json", named], { cwd: dir });
    await runBin(["--cache"], { cwd: dir });
    // A planted cross-file finding: the named run shows it only if its project's facts are those of the full run.
    const cache = readCacheFile(cacheFile);
    const before = Object.keys(cache.entries).sort();
    const stored = cache.entries[`\u0000project\u0000${dir}\u0000${join(dir, named)}`]!.outcome as { messages: { message: string }[] };
    stored.messages[0]!.message = "planted";
    writeCacheFile(cacheFile, cache, true);
    const cached = await runBin(["--cache", "--format", "json", named], { cwd: dir });
    expect(cached).toEqual({ ...alone, stdout: alone.stdout.replace(/"message":"(?:[^"\\]|\\.)*"/, '"message":"planted"') });
    expect(Object.keys(readCacheFile(cacheFile).entries).sort()).toEqual(before);
  });

  it("an entry that says a file is not ours is trusted only with its check", async () => {
    const { dir, cacheFile, clean, cache } = await basicWithCache();
    const wrong = Object.keys(cache.entries).find((path) => path.endsWith("wrong-region.json"))!;
    expect(clean.stdout).toContain("wrong-region.json");
    // The policy with a finding recorded as JSON the marker test turned away, as a damaged or edited cache might say.
    cache.entries[wrong] = { meta: { ...cache.entries[wrong]!.meta, settings: "marker" }, outcome: { status: "not-ours" }, facts: null };
    writeCacheFile(cacheFile, cache);
    const run = await runBin(["--cache", "--format", "json"], { cwd: dir });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: clean.code, stdout: clean.stdout });
    // Signed as a run would have written it, the entry is believed: the file is skipped without being read.
    writeCacheFile(cacheFile, { ...cache, entries: { ...readCacheFile(cacheFile).entries, [wrong]: cache.entries[wrong]! } }, true);
    expect((await runBin(["--cache", "--format", "json"], { cwd: dir })).stdout).not.toContain("wrong-region.json");
  });

  it("a cache of an older format is ignored, never misread, and replaced", async () => {
    const { dir, cacheFile, clean, cache } = await withCache("cross-file");
    // The previous format: the outcome with its facts, no third column, and a finding planted in every entry.
    const lines = Object.values(cache.entries).map(({ meta, outcome }) => `${JSON.stringify(meta)}\t${JSON.stringify({ ...outcome, messages: [{ ruleId: "@ecrlint/valid-policy", severity: 2, message: "planted", line: 1, column: 1 }] })}\n`);
    writeFileSync(cacheFile, `${JSON.stringify({ ...cache.header, format: "ecrlint-cache/2" })}\n${lines.join("")}`);
    await expectClean(dir, clean);
    expect(readCacheFile(cacheFile).header.format).toBe("ecrlint-cache/3");
  });

  it("a project whose findings of one file are missing or damaged is joined again", async () => {
    const { dir, cacheFile, clean, cache } = await withCache("cross-file");
    const projectKey = `\u0000project\u0000${dir}`;
    const fileKeys = Object.keys(cache.entries).filter((key) => key.startsWith(`${projectKey}\u0000`));
    expect(fileKeys.length).toBeGreaterThan(0);
    // Edited without a new check, then left out: either way the recorded findings are not believed.
    const edited = structuredClone(cache);
    (edited.entries[fileKeys[0]!]!.outcome as { messages: { message: string }[] }).messages[0]!.message = "planted";
    const missing = structuredClone(cache);
    delete missing.entries[fileKeys[0]!];
    for (const damaged of [edited, missing]) {
      writeCacheFile(cacheFile, damaged);
      await expectClean(dir, clean);
      // The project's findings were written again, whole.
      expect(Object.keys(readCacheFile(cacheFile).entries).sort()).toEqual(Object.keys(cache.entries).sort());
    }
  });

  it("facts edited in the cache without a new check discard the file's entry", async () => {
    const { dir, cacheFile, clean, cache } = await withCache("cross-file");
    const source = join(dir, "infra/source/replication-configuration.json");
    expect(JSON.stringify(cache.entries[source]!.facts)).toContain("destinations");
    cache.entries[source]!.facts = [{}];
    // The project's recorded findings hold while the facts are unchanged: the file is linted again, and they are.
    writeCacheFile(cacheFile, cache);
    await expectClean(dir, clean);
    expect(JSON.stringify(readCacheFile(cacheFile).entries[source]!.facts)).toContain("destinations");
  });

  it("a cache cut anywhere, even inside its first line, or of an older format, is an empty one", async () => {
    const dir = copyFixture("basic");
    const cacheFile = join(dir, ".ecrlintcache");
    const clean = await runBin(["--format", "json"], { cwd: dir });
    await runBin(["--cache"], { cwd: dir });
    const text = readFileSync(cacheFile, "utf8");
    // Cut in a line's facts (after its second tab) as well as anywhere.
    const factsCut = text.lastIndexOf("\t", text.lastIndexOf("\t[") + 1) + 3;
    // A file that only begins like one ({"version": "0.2.0"…}) is someone else's: runner-inputs.test.ts.
    for (const damaged of [text.slice(0, Math.floor(text.length / 2)), text.slice(0, factsCut), text.slice(0, 30), "", JSON.stringify({ version: "cli@0.0.1+core@0.0.1", entries: {} })]) {
      writeFileSync(cacheFile, damaged);
      await expectClean(dir, clean);
    }
  });
});

describe("sub-commands", () => {
  const built = (name: string) => existsSync(join(packageDir, "dist", "commands", `${name}.js`));
  it.runIf(built("test"))("`ecrlint test --help` reaches the test command", async () => {
    const r = await runBin(["test", "--help"], { cwd: join(runnerFixtures, "basic") });
    expect(r.stderr).not.toContain("not available");
    expect(r.code).not.toBe(null);
  });
  it.runIf(built("explain"))("`ecrlint explain --help` reaches the explain command", async () => {
    const r = await runBin(["explain", "--help"], { cwd: join(runnerFixtures, "basic") });
    expect(r.stderr).not.toContain("not available");
    expect(r.code).not.toBe(null);
  });
  it("the binary is a one-line entry point", () => {
    expect(readFileSync(binPath, "utf8").split("\n").filter((l) => l && !l.startsWith("#!") && !l.startsWith("import"))).toHaveLength(1);
  });
});

describe("--changed-since, --ref and diff where git cannot answer", () => {
  const repository = () => {
    const dir = copyFixture("cross-file");
    gitInit(dir);
    return dir;
  };

  it("says git is not there when it is not on PATH, rather than that the folder is no repository", async () => {
    const dir = repository();
    // Node is started by its own path: only git is missing.
    const env = { PATH: join(dir, "no-such-folder") };
    expect(await runBin(["--changed-since", "HEAD"], { cwd: dir, env })).toEqual({ code: 2, stdout: "", stderr: "ecrlint: --changed-since: git could not be run: it is not installed, or not on PATH\n" });
    expect(await runBin(["diff", "HEAD"], { cwd: dir, env })).toEqual({ code: 2, stdout: "", stderr: "ecrlint diff: git could not be run: it is not installed, or not on PATH\n" });
  });

  it("names a ref diff does not know once, not as 'diff: diff:'", async () => {
    const dir = repository();
    expect(await runBin(["diff", "no-such-ref"], { cwd: dir })).toEqual({ code: 2, stdout: "", stderr: 'ecrlint diff: unknown git ref "no-such-ref"\n' });
  });

  it("gives every command the shallow clone's hint for a ref it lacks, and says when the repository has no commit", async () => {
    const dir = repository();
    for (let i = 0; i < 2; i++) execFileSync("git", ["commit", "-q", "--allow-empty", "-m", `change ${i}`], { cwd: dir });
    const clone = tempDir("ecrlint-shallow-");
    execFileSync("git", ["clone", "-q", "--depth", "1", pathToFileURL(dir).href, clone]);
    const hint = 'unknown git ref "HEAD~2" in this shallow clone; fetch more history (git fetch --deepen=2, or git fetch --unshallow), or check out with full history (actions/checkout fetch-depth: 0)';
    expect(await runBin(["--changed-since", "HEAD~2"], { cwd: clone })).toEqual({ code: 2, stdout: "", stderr: `ecrlint: --changed-since: ${hint}\n` });
    expect(await runBin(["diff", "HEAD~2"], { cwd: clone })).toEqual({ code: 2, stdout: "", stderr: `ecrlint diff: ${hint}\n` });
    const explain = await runBin(["explain", "infra/source/replication-configuration.json", "--ref", "HEAD~2", "--action", "ecr:BatchGetImage", "--principal", "arn:aws:iam::111122223333:root"], { cwd: clone });
    expect([explain.code, explain.stderr]).toEqual([2, `ecrlint: --ref: ${hint}\n`]);
    const unborn = tempDir("ecrlint-unborn-");
    execFileSync("git", ["init", "-q"], { cwd: unborn });
    writeFileSync(join(unborn, "registry-policy.json"), "{}\n");
    expect(await runBin(["diff", "HEAD"], { cwd: unborn })).toEqual({ code: 2, stdout: "", stderr: 'ecrlint diff: unknown git ref "HEAD": the repository has no commit yet\n' });
  });

  it("names a GIT_DIR that is no git directory as such", async () => {
    const dir = repository();
    const notGit = tempDir("ecrlint-not-git-");
    expect(await runBin(["--changed-since", "HEAD"], { cwd: dir, env: { GIT_DIR: notGit } })).toEqual({ code: 2, stdout: "", stderr: `ecrlint: --changed-since: GIT_DIR ${notGit} is not a git repository\n` });
  });

  // git refuses a repository another user owns ("dubious ownership"), as in CI containers: only root can make one here.
  it.skipIf(process.getuid?.() !== 0)("says git refused a checkout owned by another user, with git's command to allow it", async () => {
    const dir = repository();
    execFileSync("chown", ["-R", "65534:65534", dir]);
    // A home of its own: the user's global git config may allow every folder already.
    const env = { HOME: tempDir("ecrlint-home-"), XDG_CONFIG_HOME: undefined, GIT_CONFIG_GLOBAL: undefined };
    const words = `git refused the repository: detected dubious ownership in repository at '${dir}' (to allow it: git config --global --add safe.directory ${dir})`;
    expect(await runBin(["--changed-since", "HEAD"], { cwd: dir, env })).toEqual({ code: 2, stdout: "", stderr: `ecrlint: --changed-since: ${words}\n` });
    expect(await runBin(["diff", "HEAD"], { cwd: dir, env })).toEqual({ code: 2, stdout: "", stderr: `ecrlint diff: ${words}\n` });
  });
});
