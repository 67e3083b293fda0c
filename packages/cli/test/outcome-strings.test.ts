import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { packageDir, runNode } from "./helpers.js";

/**
 * An outcome made in the runner's own thread is not cloned: its strings are copied as they are interned. A value
 * the parser sliced out of a file's text must not keep that text alive, which only the heap can tell.
 */
describe("strings kept from a file's text", () => {
  it("hold none of the text once interned, where the slices themselves hold all of it", { timeout: 60_000 }, async () => {
    const module = pathToFileURL(join(packageDir, "dist", "read-file.js")).href;
    const script = `
      const { ownString } = await import(${JSON.stringify(module)});
      const heldBy = (copy) => {
        const kept = [];
        for (let i = 0; i < 200; i++) {
          const text = String(i).padStart(6, "0") + "x".repeat(1_000_000) + '"arn:aws:ecr:us-east-1:111122223333:repository/app"';
          kept.push(copy(text.slice(1_000_007, 1_000_056)));
        }
        globalThis.gc();
        globalThis.gc();
        const mb = process.memoryUsage().heapUsed / 1e6;
        if (kept.some((s) => s !== "arn:aws:ecr:us-east-1:111122223333:repository/app")) throw new Error("changed");
        return mb;
      };
      const own = heldBy(ownString);
      const slices = heldBy((s) => s);
      process.stdout.write(JSON.stringify({ own, slices }));
    `;
    const r = await runNode(["--expose-gc", "--input-type=module", "-e", script], { cwd: packageDir });
    expect(r.stderr).toBe("");
    const { own, slices } = JSON.parse(r.stdout) as { own: number; slices: number };
    expect(slices).toBeGreaterThan(150);
    expect(own).toBeLessThan(50);
  });
});
