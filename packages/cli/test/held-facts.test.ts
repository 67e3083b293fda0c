import { describe, expect, it } from "vitest";
import { factsText } from "../src/cache.js";
import { hasFacts, holdFacts, takeFacts } from "../src/entry-facts.js";
import type { SourceOutcome } from "../src/lint-source.js";
import { intern } from "../src/read-file.js";

/** A registry policy's outcome with the facts two cross-file rules collect, and a document without any. */
function outcome(): SourceOutcome {
  const value = Object.assign(Object.create(null) as Record<string, unknown>, { Version: "2012-10-17", Statement: [{ Sid: "Replicate", Principal: { AWS: ["arn:aws:iam::111122223333:root"] } }] });
  return {
    status: "ours",
    decision: { kind: "registry-policy", by: "name", why: "the file name" } as never,
    messages: [],
    directives: { comments: [], directives: [], problems: [] },
    inline: {},
    documents: [
      { kind: "registry-policy", host: "file", path: "", facts: { "replication-destination-allowed": { kind: "policy", value: JSON.stringify(value), statementLines: [3], statementSpans: [{ line: 3, column: 5, endLine: 9, endColumn: 6 }] }, "pull-through-cache-prefix-exists": { resources: [] } } },
      { kind: "registry-policy", host: "file", path: "Resources.Other", facts: {} },
    ],
  } as SourceOutcome;
}

describe("facts held as text until the join", () => {
  it("read back, rule by rule, as the rule collected them", () => {
    const held = outcome();
    const fresh = outcome();
    holdFacts(held);
    if (held.status !== "ours" || fresh.status !== "ours") throw new Error("not ours");
    for (const id of ["replication-destination-allowed", "pull-through-cache-prefix-exists"]) {
      expect(held.documents[0]!.facts[id]).not.toEqual(fresh.documents[0]!.facts[id]);
      expect(takeFacts(held.documents[0]!.facts, id)).toEqual(fresh.documents[0]!.facts[id]);
      // Taken: the text goes as its value comes, and the document no longer takes part in that rule.
      expect(id in held.documents[0]!.facts).toBe(false);
    }
    expect(takeFacts(held.documents[1]!.facts, "replication-destination-allowed")).toBeUndefined();
    // Facts that were never held (a cached file's, put back from the cache file) are taken as they are.
    const value = { kind: "replication", rules: [] };
    expect(takeFacts({ "replication-destination-allowed": value }, "replication-destination-allowed")).toBe(value);
  });

  it("are the same facts to the cache, to the project's hash and to whether the file takes part", () => {
    const held = outcome();
    holdFacts(held);
    holdFacts(held);
    expect(factsText(held)).toBe(factsText(outcome()));
    expect(hasFacts({ filePath: "/r/registry-policy.json", bom: false, encoding: "utf8", outcome: held })).toBe(true);
  });

  it("are passed by when the outcome is interned: the text is JSON.stringify's own, no slice of the file", () => {
    const held = outcome();
    holdFacts(held);
    if (held.status !== "ours") throw new Error("not ours");
    const before = held.documents[0]!.facts["replication-destination-allowed"];
    intern(held);
    expect(held.documents[0]!.facts["replication-destination-allowed"]).toBe(before);
    expect(Object.isFrozen(before)).toBe(true);
  });
});
