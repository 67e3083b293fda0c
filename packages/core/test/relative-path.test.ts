import { describe, expect, it } from "vitest";
import { leavesFolder } from "../src/index.js";

describe("leavesFolder", () => {
  it("tells a way out of the folder from a child whose name starts with two dots", () => {
    for (const out of ["..", "../a", "../../a/b", "/abs/path"]) expect(leavesFolder(out), out).toBe(true);
    for (const inside of ["", "a", "..x", "...", "..x/a", ".../b", "a/..b"]) expect(leavesFolder(inside), inside).toBe(false);
  });
});
