import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { packageDir, runNode } from "./helpers.js";

const ARN = "arn:aws:ecr:us-east-1:111122223333:repository/app";

/**
 * The heap (MB) after 200 values, each built by `build` (JavaScript, given `cut()`: a 49-character slice of a fresh
 * 1 MB text) and kept through `copy` (`ownString` or `intern` from read-file.js, or as they are), once `same`
 * (JavaScript, given a kept value) holds for each: what each way of keeping holds of the texts.
 */
async function heapKeeping(exportName: string, build: string, same: string): Promise<{ own: number; slices: number }> {
  const module = pathToFileURL(join(packageDir, "dist", "read-file.js")).href;
  const script = `
    const copier = (await import(${JSON.stringify(module)}))[${JSON.stringify(exportName)}];
    const heldBy = (copy) => {
      const kept = [];
      for (let i = 0; i < 200; i++) {
        const text = String(i).padStart(6, "0") + "x".repeat(1_000_000) + ${JSON.stringify(JSON.stringify(ARN))};
        const cut = () => text.slice(1_000_007, 1_000_056);
        kept.push(copy(${build}));
      }
      globalThis.gc();
      globalThis.gc();
      const mb = process.memoryUsage().heapUsed / 1e6;
      const arn = ${JSON.stringify(ARN)};
      if (!kept.every((kept) => ${same})) throw new Error("changed");
      return mb;
    };
    const own = heldBy(copier);
    const slices = heldBy((s) => s);
    process.stdout.write(JSON.stringify({ own, slices }));
  `;
  const r = await runNode(["--expose-gc", "--input-type=module", "-e", script], { cwd: packageDir });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as { own: number; slices: number };
}

/**
 * An outcome made in the runner's own thread is not cloned: its strings are copied as they are interned. A value
 * the parser sliced out of a file's text must not keep that text alive, which only the heap can tell.
 */
describe("strings kept from a file's text", () => {
  it("hold none of the text once interned, where the slices themselves hold all of it", { timeout: 60_000 }, async () => {
    const { own, slices } = await heapKeeping("ownString", "cut()", "kept === arn");
    expect(slices).toBeGreaterThan(150);
    expect(own).toBeLessThan(50);
  });

  it("hold none of the text once an outcome holding them is interned, in objects and arrays at any depth", { timeout: 60_000 }, async () => {
    // The strings an outcome keeps: a message around a value, a document's path, facts holding a policy value.
    const outcome = `({
      status: "ours",
      messages: [{ ruleId: "@ecrlint/valid-arn", message: cut(), line: 1, column: 1 }],
      documents: [{ kind: "registry-policy", path: cut(), facts: { rule: { value: { Statement: [{ Principal: { AWS: [cut(), cut()] }, Sid: cut() }] } } } }],
    })`;
    const statement = "kept.documents[0].facts.rule.value.Statement[0]";
    const same = `kept.messages[0].message === arn && kept.documents[0].path === arn && ${statement}.Principal.AWS[1] === arn && ${statement}.Sid === arn`;
    const { own, slices } = await heapKeeping("intern", outcome, same);
    expect(slices).toBeGreaterThan(150);
    expect(own).toBeLessThan(50);
  });
});
