import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeDirectories, writeFileInPlace } from "../src/fs-utils.js";
import { tempDir } from "./helpers.js";

describe("makeDirectories", () => {
  it("succeeds for every caller when several make the same new folders at once, as two tasks of one turbo run do", async () => {
    const root = tempDir();
    const target = join(root, "infra", "reports");
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => makeDirectories(target)));
    expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill("fulfilled"));
    expect(statSync(target).isDirectory()).toBe(true);
  });

  it("still fails when a path segment is a file", async () => {
    const root = tempDir();
    await writeFileInPlace(join(root, "reports"), "not a folder");
    await expect(makeDirectories(join(root, "reports", "sub"))).rejects.toMatchObject({ code: "ENOTDIR" });
  });
});

describe("writeFileInPlace", () => {
  it("writes a text longer than one slice whole, with a surrogate pair across every slice boundary, over a longer file", async () => {
    const slice = 1 << 20;
    // "😀" is two UTF-16 code units: placed so that its halves would fall into two slices, at each boundary.
    const text = Array.from({ length: 3 }, (_, i) => `${i}`.repeat(slice - 1) + "😀").join("") + "é end";
    const path = join(tempDir(), "report.json");
    writeFileSync(path, "x".repeat(text.length * 2));
    await writeFileInPlace(path, text);
    expect(readFileSync(path, "utf8") === text).toBe(true);
    expect(statSync(path).size).toBe(Buffer.byteLength(text));
  });
});
