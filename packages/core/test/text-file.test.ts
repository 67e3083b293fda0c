import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeText, encodeText, nulBytesLayout, readTextFile } from "../src/index.js";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-text-file-")));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readTextFile reads only regular files, size checked first", () => {
  it("a FIFO is refused at once (no reader waits for a writer)", () => {
    const fifo = join(dir, "fifo.json");
    execFileSync("mkfifo", [fifo]);
    expect(readTextFile(fifo)).toEqual({ ok: false, code: "ENOTREG", reason: "not a regular file (a FIFO)" });
  });

  it("/dev/zero, a directory and a missing file are refused", () => {
    expect(readTextFile("/dev/zero")).toEqual({ ok: false, code: "ENOTREG", reason: "not a regular file (a character device)" });
    expect(readTextFile(dir)).toEqual({ ok: false, code: "ENOTREG", reason: "not a regular file (a directory)" });
    expect(readTextFile(join(dir, "missing.json"))).toEqual({ ok: false, code: "ENOENT", reason: "no such file" });
  });

  it("a symlink to /dev/zero is refused like /dev/zero", () => {
    symlinkSync("/dev/zero", join(dir, "zero.json"));
    expect(readTextFile(join(dir, "zero.json"))).toMatchObject({ ok: false, code: "ENOTREG" });
  });

  it("a file over the limit is not read; a /proc file that says size 0 is read only up to the limit", () => {
    writeFileSync(join(dir, "big.json"), "x".repeat(2048));
    expect(readTextFile(join(dir, "big.json"), { maxBytes: 1024 })).toMatchObject({ ok: false, code: "EFBIG" });
    expect(readTextFile("/proc/self/status", { maxBytes: 16 })).toMatchObject({ ok: false, code: "EFBIG" });
    expect(readTextFile("/proc/self/status")).toMatchObject({ ok: true });
  });

  it.each([0, 1, 1023, 1024, 1025, 4096, 65535, 65536, 65537, 200_001])("a file of %i bytes is read whole, byte for byte", (bytes) => {
    // Multi-byte characters across every chunk boundary: the text is decoded once, from all the bytes.
    const text = "é✓x".repeat(Math.ceil(bytes / 6)).slice(0, bytes);
    const path = join(dir, `sized-${bytes}.json`);
    writeFileSync(path, text);
    const size = Buffer.byteLength(text);
    expect(readTextFile(path)).toEqual({ ok: true, text, bom: false, encoding: "utf8", bytes: size });
    expect(readTextFile(path, { maxBytes: size })).toMatchObject({ ok: true, bytes: size });
    if (size > 0) expect(readTextFile(path, { maxBytes: size - 1 })).toMatchObject({ ok: false, code: "EFBIG" });
    // Listed as a file by its folder: no stat before opening, the same answers.
    expect(readTextFile(path, { listedAsFile: true })).toEqual({ ok: true, text, bom: false, encoding: "utf8", bytes: size });
    if (size > 0) expect(readTextFile(path, { maxBytes: size - 1, listedAsFile: true })).toEqual({ ok: false, code: "EFBIG", reason: expect.stringMatching(/^\d/), bytes: size });
  });

  it("a path listed as a file that is something else by the time it is opened is still refused", () => {
    // What a folder listed as a regular file may have been swapped for since: the open file's fstat decides.
    const fifo = join(dir, "listed-fifo.json");
    execFileSync("mkfifo", [fifo]);
    expect(readTextFile(fifo, { listedAsFile: true })).toEqual({ ok: false, code: "ENOTREG", reason: "not a regular file (a FIFO)" });
    expect(readTextFile("/dev/zero", { listedAsFile: true })).toMatchObject({ ok: false, code: "ENOTREG" });
    expect(readTextFile(join(dir, "gone.json"), { listedAsFile: true })).toEqual({ ok: false, code: "ENOENT", reason: "no such file" });
    expect(readTextFile("/proc/self/status", { maxBytes: 16, listedAsFile: true })).toMatchObject({ ok: false, code: "EFBIG" });
    expect(readTextFile("/proc/self/maps", { listedAsFile: true })).toMatchObject({ ok: true, bytes: expect.any(Number) });
  });

  it("a /proc file that says size 0 and holds more than a small chunk is read whole", () => {
    const read = readTextFile("/proc/self/maps");
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.text.split("\n").length).toBeGreaterThan(10);
    expect(read.ok && read.bytes).toBeGreaterThan(1024);
  });
});

describe("encodings", () => {
  const text = '{"Statement": "é ✓"}';
  it.each([
    ["UTF-8", Buffer.from(text), false, "utf8"],
    ["UTF-8 with BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), true, "utf8"],
    ["UTF-16 LE with BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), true, "utf16le"],
    ["UTF-16 BE with BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]), true, "utf16be"],
  ] as const)("%s decodes, and encodes back to the same bytes", (_name, bytes, bom, encoding) => {
    const decoded = decodeText(bytes);
    expect(decoded).toEqual({ text, bom, encoding });
    expect(Buffer.from(encodeText(decoded.text, decoded.encoding, decoded.bom)).equals(bytes)).toBe(true);
    // Any Uint8Array, not only a Buffer (the public types ask for no @types/node), and a view into a larger one.
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(decodeText(new Uint8Array(bytes))).toEqual({ text, bom, encoding });
    expect(decodeText(padded.subarray(3))).toEqual({ text, bom, encoding });
  });
});

describe("readTextFile gives each file its own bytes, whatever was read before it", () => {
  // Around the size of the buffer reads go through: under, at, one past, two buffers and a part.
  const sizes = [0, 1, 65_535, 65_536, 65_537, 131_072, 200_003];
  const body = (size: number, seed: number) => Array.from({ length: size }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + seed) % 36]).join("");

  it.each(sizes)("a %i-byte file read after a larger and a smaller one", (size) => {
    const larger = join(dir, `larger-${size}.txt`);
    const smaller = join(dir, `smaller-${size}.txt`);
    const file = join(dir, `file-${size}.txt`);
    writeFileSync(larger, body(size + 70_000, 1));
    writeFileSync(smaller, body(Math.max(0, size - 3), 2));
    writeFileSync(file, body(size, 3));
    expect(readTextFile(larger)).toEqual({ ok: true, text: body(size + 70_000, 1), bom: false, encoding: "utf8", bytes: size + 70_000 });
    expect(readTextFile(file)).toEqual({ ok: true, text: body(size, 3), bom: false, encoding: "utf8", bytes: size });
    expect(readTextFile(smaller)).toMatchObject({ ok: true, text: body(Math.max(0, size - 3), 2) });
    expect(readTextFile(file)).toMatchObject({ ok: true, text: body(size, 3) });
  });

  it("a UTF-16 file over a buffer decodes whole, and a text kept from an earlier read does not change", () => {
    const text = `${body(70_000, 4)}é`;
    const path = join(dir, "utf16-large.txt");
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    const first = readTextFile(path);
    writeFileSync(join(dir, "other.txt"), body(60_000, 5));
    readTextFile(join(dir, "other.txt"));
    expect(first).toEqual({ ok: true, text, bom: true, encoding: "utf16le", bytes: 2 + text.length * 2 });
  });

  it("a truncated read over several buffers keeps exactly the limit's bytes", () => {
    const path = join(dir, "truncated.txt");
    writeFileSync(path, body(150_000, 6));
    expect(readTextFile(path, { maxBytes: 140_000, truncate: true })).toEqual({ ok: true, text: body(140_000, 6), bom: false, encoding: "utf8", bytes: 140_000, truncated: true });
    expect(readTextFile(path, { maxBytes: 140_000 })).toMatchObject({ ok: false, code: "EFBIG" });
  });
});

describe("nulBytesLayout tells UTF-16 without a BOM from a padded, zeroed or binary text", () => {
  const text = '{"Version": "2012-10-17", "Statement": []}';
  it.each([
    ["no NUL byte", text, undefined],
    ["UTF-16 little-endian", Buffer.from(text, "utf16le").toString("utf8"), { kind: "utf16", order: "little-endian" }],
    ["UTF-16 big-endian", Buffer.from(text, "utf16le").swap16().toString("utf8"), { kind: "utf16", order: "big-endian" }],
    ["a text padded with NULs", `${text}\n${"\u0000".repeat(300)}`, { kind: "trailing", count: 300 }],
    ["one NUL at the end", `${text}\u0000`, { kind: "trailing", count: 1 }],
    ["only NULs", "\u0000".repeat(10), { kind: "only-nul" }],
    ["only NULs and whitespace", "\n\u0000\u0000", { kind: "only-nul" }],
    ["a NUL inside the text", text.replace("Version", "Ver\u0000sion"), { kind: "scattered" }],
  ] as const)("%s", (_name, input, expected) => {
    expect(nulBytesLayout(input)).toEqual(expected);
  });
});
