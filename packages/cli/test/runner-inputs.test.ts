import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, copyFixture, fileTree, gitInit, runBin, runEslint, writeEslintConfig } from "./helpers.js";

// Paths the runner is handed that are not what they seem: a device, a FIFO or a link where a file is expected.

describe("--cache-location that is not a cache file", () => {
  it("refuses a character device, a FIFO, a folder's link target that is not a file, and a file that is not a cache (exit 2)", async () => {
    const dir = copyFixture("basic");
    execFileSync("mkfifo", [join(dir, "fifo")]);
    writeFileSync(join(dir, "notes.txt"), "keep me\n");
    // JSON objects that begin with the keys an ecrlint cache begins with, holding something else.
    const lookalikes: Record<string, string> = {
      "launch.json": '{\n  "version": "0.2.0",\n  "configurations": []\n}\n',
      "formatter.json": '{"format":"yaml","indent":2}\n',
      "bare-version.json": '{"version":"x"}',
    };
    for (const [name, text] of Object.entries(lookalikes)) writeFileSync(join(dir, name), text);
    symlinkSync("notes.txt", join(dir, "to-notes"));
    symlinkSync("missing-target", join(dir, "broken"));
    symlinkSync("loop-b", join(dir, "loop-a"));
    symlinkSync("loop-a", join(dir, "loop-b"));
    const cases: [string, string][] = [
      ["/dev/null", "cannot use /dev/null as the cache file: not a regular file (a character device)"],
      ["fifo", `cannot use ${join(dir, "fifo")} as the cache file: not a regular file (a FIFO)`],
      ["notes.txt", `cannot use ${join(dir, "notes.txt")} as the cache file: the file exists and is not an ecrlint cache`],
      ["to-notes", `cannot use ${join(dir, "to-notes")} as the cache file: the file exists and is not an ecrlint cache`],
      ...Object.keys(lookalikes).map((name): [string, string] => [name, `cannot use ${join(dir, name)} as the cache file: the file exists and is not an ecrlint cache`]),
      ["broken", `cannot use ${join(dir, "broken")} as the cache file: a broken symbolic link`],
      ["loop-a", `cannot use ${join(dir, "loop-a")} as the cache file: too many levels of symbolic links (ELOOP)`],
    ];
    for (const [location, message] of cases) {
      const r = await runBin(["--cache", "--cache-location", location, "policies"], { cwd: dir });
      expect({ location, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ location, code: 2, stderr: `ecrlint: ${message}\n`, stdout: "" });
    }
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
    expect(statSync(join(dir, "fifo")).isFIFO()).toBe(true);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("keep me\n");
    for (const [name, text] of Object.entries(lookalikes)) expect(readFileSync(join(dir, name), "utf8"), name).toBe(text);
    expect(readlinkSync(join(dir, "to-notes"))).toBe("notes.txt");
    expect(lstatSync(join(dir, "broken")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "loop-a"))).toBe("loop-b");
  });

  it("an unreadable cache file is refused by name (exit 2), not an internal error", async () => {
    const dir = copyFixture("basic");
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(dir, 0o777);
    await runBin(["--cache", "policies"], { cwd: dir });
    const cache = join(dir, ".ecrlintcache");
    chmodSync(cache, 0o200);
    const r = await runBin(["--cache", "policies"], { cwd: dir, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 2, stderr: `ecrlint: cannot use ${cache} as the cache file: permission denied (EACCES)\n`, stdout: "" });
  });

  it("a cache that cannot be saved says so on stderr, once, and the run's report and exit code are unchanged", async () => {
    const dir = copyFixture("basic");
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(dir, 0o755);
    mkdirSync(join(dir, "locked"));
    chmodSync(join(dir, "locked"), 0o555);
    const user = asRoot ? { uid: 65534, gid: 65534 } : {};
    const plain = await runBin(["-f", "json", "policies"], { cwd: dir, ...user });
    const r = await runBin(["--cache", "--cache-location", "locked/cache", "-f", "json", "policies"], { cwd: dir, ...user });
    const said = r.stderr.split("\n").filter((l) => l.includes("cache"));
    expect({ code: r.code, stdout: r.stdout, said }).toEqual({
      code: plain.code,
      stdout: plain.stdout,
      said: [`ecrlint: the cache was not saved to ${join(dir, "locked", "cache")}: permission denied (EACCES); the next run lints every file again.`],
    });
    expect(existsSync(join(dir, "locked", "cache"))).toBe(false);
  });

  it("the default location is read the same way: a FIFO named .ecrlintcache is refused, a folder holds the file", async () => {
    const dir = copyFixture("basic");
    execFileSync("mkfifo", [join(dir, ".ecrlintcache")]);
    const fifo = await runBin(["--cache", "policies"], { cwd: dir });
    expect({ code: fifo.code, stderr: fifo.stderr }).toEqual({ code: 2, stderr: `ecrlint: cannot use ${join(dir, ".ecrlintcache")} as the cache file: not a regular file (a FIFO)\n` });
    rmSync(join(dir, ".ecrlintcache"));
    mkdirSync(join(dir, ".ecrlintcache"));
    const folder = await runBin(["--cache", "policies", "-f", "json"], { cwd: dir });
    expect({ code: folder.code, stderr: folder.stderr }).toEqual({ code: 1, stderr: "" });
    expect(execFileSync("ls", ["-A", join(dir, ".ecrlintcache")], { encoding: "utf8" })).toMatch(/^\.cache_[0-9a-f]{12}\n$/);
  });

  it("writes a cache through a symlink to its target, and keeps the link", async () => {
    const dir = copyFixture("basic");
    mkdirSync(join(dir, "caches"));
    writeFileSync(join(dir, "caches", "real"), "");
    symlinkSync("caches/real", join(dir, "cache-link"));
    for (let run = 0; run < 2; run++) {
      const r = await runBin(["--cache", "--cache-location", "cache-link", "policies", "-f", "json"], { cwd: dir });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    }
    expect(readlinkSync(join(dir, "cache-link"))).toBe("caches/real");
    expect(readFileSync(join(dir, "caches", "real"), "utf8")).toMatch(/^\{"format":"ecrlint-cache\/3"/);
  });

  it("a symlink to a folder is a folder to put the cache in, as an existing folder is", async () => {
    const dir = copyFixture("basic");
    mkdirSync(join(dir, "caches"));
    symlinkSync("caches", join(dir, "cache-folder"));
    const r = await runBin(["--cache", "--cache-location", "cache-folder", "policies", "-f", "json"], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    expect(lstatSync(join(dir, "cache-folder")).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, "caches"))).toBe(true);
    expect(execFileSync("ls", ["-A", join(dir, "caches")], { encoding: "utf8" })).toMatch(/^\.cache_[0-9a-f]{12}\n$/);
  });
});

describe("config files that are not what they seem", () => {
  it("a config that links to a file that is not JSON gets the position and the token, never the file's content", async () => {
    const dir = copyFixture("basic");
    writeFileSync(join(dir, "accounts.txt"), "root:x:0:0:secret\n");
    rmSync(join(dir, ".ecrlintrc.json"));
    symlinkSync("accounts.txt", join(dir, ".ecrlintrc.json"));
    const r = await runBin(["policies"], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: `ecrlint: ${join(dir, ".ecrlintrc.json")}:1:1: cannot read config: invalid JSON: Unexpected token 'r'\n`,
    });
  });

  it("-c names only a regular file", async () => {
    const dir = copyFixture("basic");
    const r = await runBin(["-c", "/dev/null", "policies"], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: "ecrlint: /dev/null: cannot read config: not a regular file\n" });
  });

  it("a config nested 5,000 levels deep is the nesting limit's error at the bracket, not a stack overflow", async () => {
    const dir = copyFixture("basic");
    writeFileSync(join(dir, ".ecrlintrc.json"), `${'{"rules":'.repeat(5000)}1${"}".repeat(5000)}\n`);
    const r = await runBin(["policies"], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: `ecrlint: ${join(dir, ".ecrlintrc.json")}:1:${256 * 9 + 1}: cannot read config: invalid JSON: Arrays and objects nest deeper than 256 levels here; the file is not parsed.\n`,
    });
  });

  it("package.json's config errors name the \"ecrlint\" key", async () => {
    const dir = copyFixture("basic");
    rmSync(join(dir, ".ecrlintrc.json"));
    writeFileSync(join(dir, "package.json"), '{"name": "infra", "ecrlint": "./cfg.json"}\n');
    const r = await runBin(["policies"], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `ecrlint: ${join(dir, "package.json")}:1:30: ecrlint: must be object\n` });
    writeFileSync(join(dir, "package.json"), '{"name": "infra", "ecrlint": {"rules": {"no-such-rule": "error"}}}\n');
    const rule = await runBin(["policies"], { cwd: dir });
    expect({ code: rule.code, stderr: rule.stderr }).toEqual({ code: 2, stderr: `ecrlint: ${join(dir, "package.json")}:1:41: ecrlint.rules.no-such-rule: unknown rule\n` });
  });

  it("package.json's \"ecrlint\" key written with an escape is the same key, as JSON.parse reads it", async () => {
    const dir = copyFixture("basic");
    rmSync(join(dir, ".ecrlintrc.json"));
    writeFileSync(join(dir, "package.json"), '{"name": "infra", "ecrl\\u0069nt": {"registries": [{"files": ["**"], "account": "12"}]}}\n');
    const r = await runBin(["policies"], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `ecrlint: ${join(dir, "package.json")}:1:80: ecrlint.registries[0].account: "12" does not match ^\\d{12}$\n` });
  });

  it("a folder named like a config is exit 2, not passed over for the config above it", async () => {
    const dir = copyFixture("basic");
    mkdirSync(join(dir, "policies", ".ecrlintrc.json"));
    const r = await runBin(["policies"], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: `ecrlint: ${join(dir, "policies", ".ecrlintrc.json")}: cannot read config: not a regular file (a directory)\n`,
    });
  });
});

describe("a folder that cannot be read", () => {
  // root reads any folder: the runs go as nobody, who can read the rest of the copy.
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? { uid: 65534, gid: 65534 } : {};
  const unreadableTree = () => {
    const dir = copyFixture("basic");
    mkdirSync(join(dir, "policies", "scratch"));
    writeFileSync(join(dir, "policies", "scratch", "registry-policy.json"), "{}\n");
    chmodSync(join(dir, "policies", "scratch"), 0o000);
    if (asRoot) chmodSync(dir, 0o755);
    return dir;
  };
  type Result = { filePath: string; errorCount: number; messages: { message: string; severity: number; fatal?: boolean }[] };
  const outcome = (dir: string, r: { code: number | null; stdout: string; stderr: string }) => ({
    code: r.code,
    stderr: r.stderr,
    results: (JSON.parse(r.stdout) as Result[]).map((x) => ({ file: x.filePath.slice(dir.length + 1), messages: x.messages.map((m) => `${m.severity} ${m.message}`) })),
  });

  it("is an error result naming it; the other files are linted and the run fails (exit 1)", async () => {
    const dir = unreadableTree();
    const r = await runBin(["policies", "-f", "json"], { cwd: dir, ...user });
    const { code, stderr, results } = outcome(dir, r);
    expect({ code, stderr }).toEqual({ code: 1, stderr: "" });
    expect(results.map((x) => x.file)).toEqual(["policies/duplicate-sids.jsonc", "policies/registry-policy.json", "policies/scratch", "policies/wrong-region.json"]);
    expect(results[2]!.messages).toEqual(["2 Folder not read: permission denied (EACCES). The files in it were not linted."]);
  });

  it("named itself, it is that error, not 'No files matching the pattern'", async () => {
    const dir = unreadableTree();
    const r = await runBin(["policies/scratch", "-f", "json"], { cwd: dir, ...user });
    expect(outcome(dir, r)).toEqual({ code: 1, stderr: "", results: [{ file: "policies/scratch", messages: ["2 Folder not read: permission denied (EACCES). The files in it were not linted."] }] });
  });

  it("a glob through it is the same error, not a crash; the other files are linted", async () => {
    const dir = unreadableTree();
    const r = await runBin(["policies/**/*.json", "-f", "json"], { cwd: dir, ...user });
    const { code, stderr, results } = outcome(dir, r);
    expect({ code, stderr }).toEqual({ code: 1, stderr: "" });
    expect(results.map((x) => x.file)).toEqual(["policies/registry-policy.json", "policies/scratch", "policies/wrong-region.json"]);
    expect(results[1]!.messages).toEqual(["2 Folder not read: permission denied (EACCES). The files in it were not linted."]);
  });

  it("a glob that could not name a file in it passes it over: globby lists the whole tree for .gitignore files", async () => {
    const dir = unreadableTree();
    mkdirSync(join(dir, "elsewhere"));
    writeFileSync(join(dir, "elsewhere", "registry-policy.json"), readFileSync(join(dir, "policies", "registry-policy.json")));
    if (asRoot) chmodSync(join(dir, "elsewhere"), 0o755);
    for (const pattern of ["elsewhere/*.json", "elsewhere/**"]) {
      const r = await runBin([pattern, "-f", "json"], { cwd: dir, ...user });
      const { code, stderr, results } = outcome(dir, r);
      expect({ pattern, code, files: results.map((x) => x.file) }).toEqual({ pattern, code: 0, files: ["elsewhere/registry-policy.json"] });
      // Only the notice that the new folder names no registry: nothing of the unreadable one.
      expect(stderr).toMatch(/^ecrlint: 1 policy file has no known registry/);
      expect(stderr).not.toContain("scratch");
    }
  });

  it("a file named inside it gets its read error", async () => {
    const dir = unreadableTree();
    const r = await runBin(["policies/scratch/registry-policy.json", "-f", "json"], { cwd: dir, ...user });
    expect(outcome(dir, r)).toEqual({ code: 1, stderr: "", results: [{ file: "policies/scratch/registry-policy.json", messages: ["2 File not read: permission denied."] }] });
  });

  it("ignored by the config, it is never read: the run is as if it were not there", async () => {
    const dir = unreadableTree();
    writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify({ ...JSON.parse(readFileSync(join(dir, ".ecrlintrc.json"), "utf8")), ignores: ["policies/scratch/**"] }));
    const r = await runBin(["-f", "json"], { cwd: dir, ...user });
    const { code, stderr, results } = outcome(dir, r);
    expect({ code, stderr }).toEqual({ code: 1, stderr: "" });
    expect(results.map((x) => x.file)).toEqual(["policies/duplicate-sids.jsonc", "policies/registry-policy.json", "policies/wrong-region.json"]);
    const globbed = await runBin(["policies/**/*.json", "-f", "json"], { cwd: dir, ...user });
    expect(outcome(dir, globbed).results.map((x) => x.file)).toEqual(["policies/registry-policy.json", "policies/wrong-region.json"]);
    const named = await runBin(["policies/registry-policy.json", "-f", "json"], { cwd: dir, ...user });
    expect(outcome(dir, named)).toEqual({ code: 0, stderr: "", results: [{ file: "policies/registry-policy.json", messages: [] }] });
  });
});

describe("an empty file named as a policy", () => {
  type Message = { line: number; column: number; severity: number; message: string };
  const messagesOf = (stdout: string) => (JSON.parse(stdout) as { filePath: string; messages: Message[] }[]).map((r) => ({ file: r.filePath.split("/").pop(), messages: r.messages.map(({ line, column, severity, message }) => ({ line, column, severity, message })) }));

  it("is the same parsing error at 1:1 in the runner and ESLint (exit 1); an empty file of any other name is not ours", async () => {
    const files = { "registry-policy.json": "", "app.repository-policy.jsonc": "  \n\t\n", "repo_policy.json": "\uFEFF", "other.json": "", "registry-policy.json.bak": "" };
    const dir = fileTree(files);
    writeEslintConfig(dir);
    gitInit(dir);
    const parsingError = (what: string) => ({ line: 1, column: 1, severity: 2, message: `Parsing error: The file ${what}: a policy file holds one JSON object, such as {"Version": "2012-10-17", "Statement": [...]}.` });
    const expected = [
      { file: "app.repository-policy.jsonc", messages: [parsingError("holds only whitespace")] },
      { file: "registry-policy.json", messages: [parsingError("is empty")] },
      // The byte order mark is not the text: what is left is empty.
      { file: "repo_policy.json", messages: [parsingError("is empty")] },
    ];
    const r = await runBin(["-f", "json", "."], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    expect(messagesOf(r.stdout)).toEqual(expected);
    const eslint = await runEslint(["-f", "json", "registry-policy.json", "app.repository-policy.jsonc", "repo_policy.json"], { cwd: dir });
    expect(messagesOf(eslint.stdout)).toEqual(expected);
  });
});

describe("a file named as a policy that holds none", () => {
  it("is valid-policy's error at its value in the runner and ESLint (exit 1); the same text under another name, or a policy of another service, is not ours", async () => {
    const holdsNone = (kind: string) => `The file is named as a ${kind} but holds no policy: a policy file holds one JSON object with a "Statement".`;
    const lists = '[{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}]}]\n';
    const files = {
      "a/registry-policy.json": "[]\n",
      "b/repo-policy.json": "{}\n",
      "c/app.repository-policy.json": "null",
      "d/registry_policy.json": '{\n  "Version": "2012-10-17"\n}\n',
      "e/repository-policy.json": lists,
      "f/registry-policy.json": "42",
      // Not named as a policy, or holding another service's policy: left alone as before.
      "g/policies.json": lists,
      "h/registry-policy.json": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}\n',
      // Names that only hold a convention name something about a policy: its test cases, a lifecycle policy.
      "j/registry-policy.cases.json": "{}\n",
      "k/repo-policy.lifecycle.json": '{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5}, "action": {"type": "expire"}}]}\n',
      // A misspelled Statement is named as such, with a did-you-mean, rather than "holds no policy".
      "i/repo-policy.json": '{"Version": "2012-10-17", "Statment": []}',
    };
    const dir = fileTree(files);
    writeEslintConfig(dir);
    gitInit(dir);
    type Message = { ruleId: string | null; line: number; column: number; endLine?: number; endColumn?: number; message: string };
    const found = (stdout: string) =>
      (JSON.parse(stdout) as { filePath: string; messages: Message[] }[])
        .filter((r) => r.messages.length > 0)
        .map((r) => ({ file: r.filePath.slice(dir.length + 1), messages: r.messages.map(({ ruleId, line, column, endLine, endColumn, message }) => ({ ruleId, line, column, endLine, endColumn, message })) }));
    const at = (endLine: number, endColumn: number, kind: string) => [{ ruleId: "@ecrlint/valid-policy", line: 1, column: 1, endLine, endColumn, message: holdsNone(kind) }];
    const expected = [
      { file: "a/registry-policy.json", messages: at(1, 3, "registry policy") },
      { file: "b/repo-policy.json", messages: at(1, 3, "repository policy") },
      { file: "c/app.repository-policy.json", messages: at(1, 5, "repository policy") },
      { file: "d/registry_policy.json", messages: at(3, 2, "registry policy") },
      { file: "e/repository-policy.json", messages: at(1, lists.length, "repository policy") },
      { file: "f/registry-policy.json", messages: at(1, 3, "registry policy") },
      {
        file: "i/repo-policy.json",
        messages: [
          { ruleId: "@ecrlint/valid-policy", line: 1, column: 1, endLine: 1, endColumn: 2, message: 'The policy has no "Statement"; a policy needs a Statement.' },
          { ruleId: "@ecrlint/valid-policy", line: 1, column: 27, endLine: 1, endColumn: 37, message: 'Unknown key "Statment" (did you mean "Statement"?); AWS rejects a policy with keys it does not know.' },
        ],
      },
    ];
    const r = await runBin(["-f", "json", "."], { cwd: dir });
    expect({ code: r.code, found: found(r.stdout) }).toEqual({ code: 1, found: expected });
    const eslint = await runEslint(["-f", "json", ...Object.keys(files)], { cwd: dir });
    expect({ code: eslint.code, found: found(eslint.stdout) }).toEqual({ code: 1, found: expected });
  });
});

describe("NUL bytes in a file that is a policy without them", () => {
  const policy = '{"Version": "2012-10-17", "Statement": [{"Sid": "a", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "ecr:BatchGetImage"}]}\n';
  const bigEndian = Buffer.from(policy, "utf16le").swap16();

  it("fail the run (exit 1, as ESLint's parsing error does), described by what the bytes are", async () => {
    const dir = fileTree({ ".ecrlintrc.json": { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] } });
    writeFileSync(join(dir, "registry-policy.json"), Buffer.from(policy, "utf16le"));
    writeFileSync(join(dir, "big-endian.registry-policy.json"), bigEndian);
    writeFileSync(join(dir, "padded.registry-policy.json"), Buffer.concat([Buffer.from(policy), Buffer.alloc(512)]));
    writeFileSync(join(dir, "one.registry-policy.json"), Buffer.concat([Buffer.from(policy), Buffer.alloc(1)]));
    writeFileSync(join(dir, "with-bom.registry-policy.json"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(policy, "utf16le")]));
    writeEslintConfig(dir);
    gitInit(dir);
    const r = await runBin(["-f", "json", "."], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    const results = (JSON.parse(r.stdout) as { filePath: string; messages: { severity: number; fatal?: boolean; message: string }[] }[]).map((x) => ({
      file: x.filePath.slice(dir.length + 1),
      messages: x.messages.map((m) => `${m.severity}${m.fatal ? " fatal" : ""} ${m.message}`),
    }));
    expect(results).toEqual([
      { file: "big-endian.registry-policy.json", messages: ["2 fatal File not linted: it is UTF-16 (big-endian) without a byte order mark; save it as UTF-8, or as UTF-16 with a BOM."] },
      { file: "one.registry-policy.json", messages: ["2 fatal File not linted: it ends in 1 NUL byte after its text; remove them."] },
      { file: "padded.registry-policy.json", messages: ["2 fatal File not linted: it ends in 512 NUL bytes after its text; remove them."] },
      { file: "registry-policy.json", messages: ["2 fatal File not linted: it is UTF-16 (little-endian) without a byte order mark; save it as UTF-8, or as UTF-16 with a BOM."] },
      // With a BOM it is read and linted: the policy's own finding.
      { file: "with-bom.registry-policy.json", messages: ['2 This statement has no "Resource" or "NotResource"; every statement of a registry policy needs Resource or NotResource.'] },
    ]);
    const eslint = await runEslint(["-f", "json", "registry-policy.json", "padded.registry-policy.json"], { cwd: dir });
    expect(eslint.code).toBe(1);
  });
});

describe("a cache file where the run looks for policies", () => {
  it("is never linted, by the runner or by ESLint, whatever it is named", async () => {
    const dir = copyFixture("basic");
    const cold = await runBin(["-f", "json", "."], { cwd: dir });
    // Twice: the second run finds the first run's cache among the project's JSON files.
    for (let i = 0; i < 2; i++) await runBin(["--cache", "--cache-location", "ecrcache.json", "-f", "json", "."], { cwd: dir });
    expect(readFileSync(join(dir, "ecrcache.json"), "utf8")).toMatch(/^\{"format":"ecrlint-cache\//);
    for (const args of [["-f", "json", "."], ["--cache", "--cache-location", "ecrcache.json", "-f", "json", "."]]) {
      const r = await runBin(args, { cwd: dir });
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: cold.code, stdout: cold.stdout });
    }
    writeEslintConfig(dir);
    const eslint = await runEslint(["-f", "json", "ecrcache.json"], { cwd: dir });
    expect({ code: eslint.code, results: (JSON.parse(eslint.stdout) as { messages: unknown[] }[]).map((r) => r.messages) }).toEqual({ code: 0, results: [[]] });
  });
});

describe("a reader that closes standard output before the report ends", () => {
  it("ends the run quietly with the run's exit code: no EPIPE stack on stderr", () => {
    const policy = (i: number) => ({ Version: "2012-10-17", Statement: [{ Sid: `Pull${i}`, Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage" }] });
    const dir = fileTree(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`repos/r${i}/repository-policy.json`, policy(i)])));
    for (const format of ["json", "stylish"]) {
      // The report is far larger than a pipe holds, so the writer meets the closed pipe.
      const full = spawnSync(process.execPath, [binPath, "-f", format, "."], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
      expect(full.stdout.length, format).toBeGreaterThan(1 << 16);
      const cut = spawnSync("bash", ["-c", `"$0" "$1" -f ${format} . | head -c 1 >/dev/null; exit "\${PIPESTATUS[0]}"`, process.execPath, binPath], { cwd: dir, encoding: "utf8" });
      expect({ format, status: cut.status, stderr: cut.stderr }).toEqual({ format, status: full.status, stderr: full.stderr });
    }
  });

  it("standard output that cannot be written (/dev/full) is one line on stderr and exit 2, not a stack and exit 1", () => {
    const dir = fileTree({ "repository-policy.json": { Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "ecr:BatchGetImage" }] } });
    const full = openSync("/dev/full", "w");
    try {
      for (const args of [["repository-policy.json"], ["-f", "json", "."], ["--help"]]) {
        const r = spawnSync(process.execPath, [binPath, ...args], { cwd: dir, encoding: "utf8", stdio: ["ignore", full, "pipe"] });
        expect({ args, status: r.status, stack: /\n\s+at /.test(r.stderr), said: r.stderr.includes("ecrlint: cannot write the report to standard output: ENOSPC\n") }).toEqual({ args, status: 2, stack: false, said: true });
      }
    } finally {
      closeSync(full);
    }
  });
});

describe("folders whose names start with two dots", () => {
  it("are inside the project: named, walked and given its config, in the runner and ESLint alike", async () => {
    const wrongRegion = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-east-1:444455556666:repository/*" }] }, null, 2);
    const files = { ".ecrlintrc.json": { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }, "..x/registry-policy.json": wrongRegion, "...y/deep/registry-policy.json": wrongRegion };
    const dir = fileTree(files);
    writeEslintConfig(dir);
    gitInit(dir);
    const found = (stdout: string) => (JSON.parse(stdout) as { filePath: string; messages: { ruleId: string | null; message: string; line: number }[] }[]).map((r) => [r.filePath.slice(dir.length + 1), r.messages.map((m) => `${m.line} ${m.ruleId} ${m.message.slice(0, 40)}`)]);
    const expected = [
      ["...y/deep/registry-policy.json", ['11 @ecrlint/no-region-mismatch Region "us-east-1" does not match the re']],
      ["..x/registry-policy.json", ['11 @ecrlint/no-region-mismatch Region "us-east-1" does not match the re']],
    ];
    for (const args of [[], ["..x", "...y/deep/registry-policy.json"]]) {
      const r = await runBin(["-f", "json", ...args], { cwd: dir });
      expect({ args, code: r.code, stderr: r.stderr, found: found(r.stdout) }).toEqual({ args, code: 1, stderr: "", found: expected });
    }
    const eslint = await runEslint(["-f", "json", "..x", "...y/deep/registry-policy.json"], { cwd: dir });
    expect(found(eslint.stdout)).toEqual(expected);
  });
});

describe("names that are not valid UTF-8", () => {
  it("are an error saying so, not 'no such file'; a name with a real U+FFFD in it is read", async () => {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage" }] });
    const dir = fileTree({ ".ecrlintrc.json": { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }, "ok/\uFFFD-repository-policy.json": policy });
    // Linux keeps names as bytes: 0xFF and 0xFE are never UTF-8.
    const path = (...parts: (string | number[])[]) => Buffer.concat([Buffer.from(`${dir}/`), ...parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p)))]);
    writeFileSync(path("repo", [0xff], "sitory-policy.json"), policy);
    mkdirSync(path("team", [0xfe]));
    writeFileSync(path("team", [0xfe], "/repository-policy.json"), policy);
    gitInit(dir);
    const r = await runBin(["-f", "json"], { cwd: dir });
    const results = (JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[]).map((x) => [x.filePath.slice(dir.length + 1), x.messages.map((m) => `${m.ruleId} ${m.message}`)]);
    const words = "its name is not valid UTF-8, so Node cannot open it (the bytes that do not decode show as \uFFFD): rename it";
    expect({ code: r.code, stderr: r.stderr, results }).toEqual({
      code: 1,
      stderr: "",
      results: [
        ["ok/\uFFFD-repository-policy.json", [expect.stringMatching(/^@ecrlint\/no-public-access /)]],
        ["repo\uFFFDsitory-policy.json", [`null File not read: ${words}.`]],
        ["team\uFFFD", [`null Folder not read: ${words} (ENOENT). The files in it were not linted.`]],
      ],
    });
    // Named on the command line, the bytes reach Node as U+FFFD too: the error says what else it may be.
    const named = spawnSync("bash", ["-c", `"$0" "$1" $'repo\\xffsitory-policy.json'`, process.execPath, binPath], { cwd: dir, encoding: "utf8" });
    expect([named.status, named.stdout, named.stderr]).toEqual([
      2,
      "",
      'ecrlint: No files matching the pattern "repo\uFFFDsitory-policy.json" were found.\nIf it names a file or folder whose name is not valid UTF-8 (the bytes that do not decode show as \uFFFD), Node cannot open it by that name: rename it.\n',
    ]);
  });
});

describe("a policy written in a string, with a space JSON does not allow between its values", () => {
  it("is valid-policy's error at that space in the runner and ESLint, in CLI output and a Terraform heredoc", async () => {
    const inner = (space: string) => `{"Version":"2012-10-17",${space}"Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:ReplicateImage","Resource":"*"}]}`;
    const files = {
      ".ecrlintrc.json": { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] },
      "get-registry-policy.json": `{\n  "registryId": "444455556666",\n  "policyText": ${JSON.stringify(inner("\u00a0"))}\n}\n`,
      "main.tf": `resource "aws_ecr_registry_policy" "p" {\n  policy = <<EOT\n${inner("\u3000")}\nEOT\n}\n`,
      // The same characters inside a string are data.
      "clean/get-registry-policy.json": `{\n  "registryId": "444455556666",\n  "policyText": ${JSON.stringify(inner(" ").replace('"Sid":"A"', '"Sid":"A\u00a0\u3000"'))}\n}\n`,
    };
    const dir = fileTree(files);
    writeEslintConfig(dir);
    gitInit(dir);
    const found = (stdout: string) => (JSON.parse(stdout) as { filePath: string; messages: { line: number; column: number; message: string }[] }[]).filter((r) => r.messages.length > 0).map((r) => [r.filePath.slice(dir.length + 1), r.messages.map((m) => `${m.line}:${m.column} ${m.message}`)]);
    const expected = [
      ["get-registry-policy.json", ['3:46 "policyText" is not valid JSON: Unexpected character U+00A0: JSON allows only spaces, tabs and line breaks between values.']],
      ["main.tf", ['3:25 "policy" is not valid JSON: Unexpected character U+3000: JSON allows only spaces, tabs and line breaks between values.']],
    ];
    const r = await runBin(["-f", "json"], { cwd: dir });
    expect({ code: r.code, found: found(r.stdout) }).toEqual({ code: 1, found: expected });
    const eslint = await runEslint(["-f", "json", "get-registry-policy.json", "main.tf", "clean/get-registry-policy.json"], { cwd: dir });
    expect(found(eslint.stdout)).toEqual(expected);
  });
});

describe("characters a terminal acts on, in what a file says", () => {
  const duplicateSid = (sid: string) => {
    const statement = { Sid: sid, Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "ecr:BatchGetImage", Resource: "*" };
    return JSON.stringify({ Version: "2012-10-17", Statement: [statement, statement] }, null, 2);
  };

  it("are shown as escapes in the stylish and github reports, never sent to the terminal, and kept in JSON", async () => {
    // An escape sequence that would clear the line and print a forged clean result; a bidi override; a newline.
    const sid = "Pull\u001b[2K\r\u2714 No problems\u202e\nx\u0085";
    const name = "evil\u001b[8m-registry-policy.json";
    const dir = fileTree({ [name]: duplicateSid(sid) });
    const stylish = await runBin([], { cwd: dir });
    expect(stylish.code).toBe(1);
    expect(stylish.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(stylish.stdout).toContain('Sid "Pull\\u001b[2K\\r\u2714 No problems\\u202e\\nx\\u0085" is already used by the statement on line 5');
    expect(stylish.stdout).toContain(`${join(dir, "evil\\u001b[8m-registry-policy.json")}\n`);
    // The notice on standard error names the file too.
    expect(stylish.stderr).toContain("evil\\u001b[8m-registry-policy.json");
    expect(stylish.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    const github = await runBin(["--format", "github"], { cwd: dir });
    expect(github.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(github.stdout).toContain("file=evil\\u001b[8m-registry-policy.json,");
    expect(github.stdout).toContain('::Sid "Pull\\u001b[2K\\r\u2714 No problems\\u202e\\nx\\u0085" is already used');
    // JSON carries the text itself (escaped by JSON), for tools that read it.
    const json = await runBin(["--format", "json"], { cwd: dir });
    const [result] = JSON.parse(json.stdout) as { filePath: string; messages: { message: string }[] }[];
    expect(result!.filePath).toBe(join(dir, name));
    expect(result!.messages[0]!.message).toContain(`Sid "${sid}"`);
  });

  /** What no report may send to a terminal raw (a tab or a line break may stand between lines or fields). */
  const RAW = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

  it("are JSON escapes in the json, json-with-metadata and SARIF reports: the same data, nothing a terminal acts on", async () => {
    const sid = "Pull\u007f\u0085\u2028\u202e";
    const dir = fileTree({ "registry-policy.json": duplicateSid(sid) });
    for (const format of ["json", "json-with-metadata", "sarif"]) {
      const run = await runBin(["--format", format], { cwd: dir });
      expect(run.code, format).toBe(1);
      expect(run.stdout, format).not.toMatch(RAW);
      expect(run.stdout, format).toContain("\\u007f\\u0085\\u2028\\u202e");
      const data = JSON.parse(run.stdout) as unknown;
      expect(JSON.stringify(data), format).toContain(JSON.stringify(sid).slice(1, -1));
    }
    // JUnit: XML 1.0 cannot carry most controls even as references; shown as escapes, never dropped.
    const junit = await runBin(["--format", "junit"], { cwd: dir });
    expect(junit.stdout).not.toMatch(RAW);
    expect(junit.stdout).toContain("Pull\\u007f\\u0085\\u2028\\u202e");
  });

  it("are escapes in ecrlint test's reports, and the JUnit report is XML 1.0 a CI reader accepts", async () => {
    const name = "pulls\u001b[2J\u0007 \u202e";
    const dir = fileTree({
      "registry-policy.json": duplicateSid("Pull"),
      "p.cases.json": { policy: "./registry-policy.json", registry: { account: "444455556666", region: "us-west-2" }, cases: [{ name, principal: "444455556666", action: "ecr:BatchGetImage", expect: "deny" }] },
    });
    for (const format of ["stylish", "json", "junit"]) {
      const run = await runBin(["test", "--format", format], { cwd: dir });
      expect(run.code, format).toBe(1);
      expect(run.stdout, format).not.toMatch(RAW);
      expect(run.stdout, format).toContain("pulls\\u001b[2J\\u0007 \\u202e");
    }
  });

  it("are escapes in ecrlint diff's reports and its parsing errors", async () => {
    const folder = "e\u001b[1m\u202e\nx";
    const dir = fileTree({ [`${folder}/registry-policy.json`]: duplicateSid("Pull"), [`${folder}/broken-registry-policy.json`]: duplicateSid("Broken") });
    gitInit(dir);
    const changed = JSON.parse(duplicateSid("Pull")) as { Statement: { Resource: string; Principal: unknown }[] };
    // A Sid with controls, and a new principal: access gained, with a witness to replay.
    changed.Statement[0]!.Principal = { AWS: "arn:aws:iam::111122223333:root" };
    (changed.Statement[0] as { Sid?: string }).Sid = "Pull\u001b[33m\u202e";
    writeFileSync(join(dir, folder, "registry-policy.json"), JSON.stringify(changed, null, 2));
    writeFileSync(join(dir, folder, "broken-registry-policy.json"), '{"Statement": [\u001b');
    for (const format of ["stylish", "markdown", "json"]) {
      const run = await runBin(["diff", "HEAD", "--format", format], { cwd: dir });
      expect(run.stdout, format).not.toMatch(RAW);
      expect(run.stderr, format).not.toMatch(RAW);
      expect(`${run.stdout}${run.stderr}`, format).toContain("e\\u001b[1m\\u202e\\nx");
      // A line break in the name starts no line of the report's own.
      expect(run.stdout.split("\n").filter((l) => l.startsWith("x/")), format).toEqual([]);
    }
    // The witness commands it prints name the same characters in bash's ANSI-C quoting: run, they reproduce the row.
    const stylish = (await runBin(["diff", "HEAD"], { cwd: dir })).stdout;
    const command = stylish.split("\n").find((l) => l.trim().startsWith("+ ecrlint explain"))!.trim().slice(2);
    // In bash's ANSI-C quoting, as UTF-8 bytes: any locale reads them.
    expect(command).toContain("$'e\\x1b[1m\\xe2\\x80\\xae\\x0ax/registry-policy.json'");
    const replay = spawnSync("bash", ["-c", command.replace(/^ecrlint /, `${JSON.stringify(process.execPath)} ${JSON.stringify(binPath)} `)], { cwd: dir, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
    expect({ code: replay.status, stderr: replay.stderr }).toEqual({ code: 0, stderr: "" });
    expect(replay.stdout).toMatch(/Decision: allowed/);
  });

  it("are escapes in ecrlint init's preview, and comments in the file it writes", async () => {
    // A line break in a name would end a comment and make the rest of the name the config's text.
    const folder = 'prod-us-west-2-\u001b[35m\u2028x\n"rules": {"plain-json": "off"},';
    const dir = fileTree({ [`${folder}/registry-policy.json`]: duplicateSid("Pull") });
    gitInit(dir);
    const run = await runBin(["init", "--yes"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW);
    const written = readFileSync(join(dir, "ecrlint.config.jsonc"), "utf8");
    for (const line of written.split("\n")) if (line.trimStart().startsWith("//")) expect(line).not.toMatch(RAW);
    // The file it wrote is a config the run reads, with no rules of a folder name's making.
    const linted = await runBin(["--format", "json"], { cwd: dir });
    expect(linted.code).toBe(1);
    expect(written).not.toMatch(/^\s*"rules"/m);
    // Its glob matches the folder: the file's registry is the config's.
    expect(linted.stderr).not.toContain("registry");
    const printed = JSON.parse((await runBin(["--print-config", `${folder}/registry-policy.json`], { cwd: dir })).stdout) as { registry: { source: string; region?: string } };
    expect(printed.registry).toMatchObject({ source: "config", region: "us-west-2" });
  });
});

describe("a policy file cut short", () => {
  it("is said to end before its bracket is closed, at its end, by the runner and by ESLint, and inside policyText", async () => {
    const whole = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: "*" }] }, null, 2);
    // Cut after the first action, as a save interrupted there leaves it.
    const cut = whole.slice(0, whole.indexOf('"ecr:GetDownloadUrlForLayer"'));
    const dir = fileTree({ "registry-policy.json": cut, "get-registry-policy.json": { registryId: "444455556666", policyText: cut } });
    writeEslintConfig(dir);
    const message = 'Parsing error: The JSON ends before the "[" of line 10, column 17 is closed: is it cut short?';
    const lines = cut.trimEnd().split("\n");
    const runner = JSON.parse((await runBin(["-f", "json", "registry-policy.json"], { cwd: dir })).stdout) as { messages: { message: string; line: number; column: number }[] }[];
    expect(runner[0]!.messages.map((m) => [m.message, m.line, m.column])).toEqual([[message, lines.length, lines.at(-1)!.length + 1]]);
    const eslint = JSON.parse((await runEslint(["-f", "json", "registry-policy.json"], { cwd: dir })).stdout) as typeof runner;
    expect(eslint[0]!.messages.map((m) => [m.message, m.line, m.column])).toEqual([[message, lines.length, lines.at(-1)!.length + 1]]);
    // Inside policyText, the bracket's place is the host file's: where the escaped `[` of "Action" is written.
    const host = readFileSync(join(dir, "get-registry-policy.json"), "utf8").split("\n");
    const hostLine = host.findIndex((l) => l.includes('\\"Action\\": ['));
    const hostColumn = host[hostLine]!.indexOf('\\"Action\\": [') + '\\"Action\\": '.length + 1;
    const output = JSON.parse((await runBin(["-f", "json", "get-registry-policy.json"], { cwd: dir })).stdout) as typeof runner;
    expect(output[0]!.messages.map((m) => m.message)).toEqual([`"policyText" is not valid JSON: The JSON ends before the "[" of line ${hostLine + 1}, column ${hostColumn} is closed: is it cut short?`]);
  });
});
