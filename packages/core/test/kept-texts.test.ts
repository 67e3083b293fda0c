import { describe, expect, it } from "vitest";
import { KeptTexts, type TextFileResult } from "../src/index.js";

const text = (t: string): Extract<TextFileResult, { ok: true }> => ({ ok: true, text: t, bom: false, encoding: "utf8", bytes: t.length });

describe("KeptTexts", () => {
  it("gives a kept text once, then nothing, so that a second reader reads the file again", () => {
    const texts = new KeptTexts();
    texts.keep("/a/package.json", text('{"name":"a"}'));
    expect(texts.take("/a/package.json")).toEqual(text('{"name":"a"}'));
    expect(texts.take("/a/package.json")).toBeUndefined();
    expect(texts.take("/b/package.json")).toBeUndefined();
  });

  it("keeps no failed or truncated read, and nothing past its budget until a text is taken", () => {
    const texts = new KeptTexts(10);
    texts.keep("/fifo", { ok: false, code: "ENOTREG", reason: "not a regular file (a FIFO)" });
    texts.keep("/big", { ...text("0123"), truncated: true });
    expect(texts.take("/fifo")).toBeUndefined();
    expect(texts.take("/big")).toBeUndefined();
    texts.keep("/one", text("12345678"));
    texts.keep("/two", text("123"));
    expect(texts.take("/two")).toBeUndefined();
    expect(texts.take("/one")).toEqual(text("12345678"));
    texts.keep("/two", text("123"));
    expect(texts.take("/two")).toEqual(text("123"));
  });

  it("keeps the first read of a path: what the run saw first is what it lints", () => {
    const texts = new KeptTexts();
    texts.keep("/p", text("first"));
    texts.keep("/p", text("second"));
    expect(texts.take("/p")).toEqual(text("first"));
  });
});
