// What the cross-file rules read of a file's entry: its documents' facts, which an entry from the cache leaves in
// the cache file (`FileEntry.storedFacts`) until the rules must join them again.
import { factsText, hashText } from "./cache.js";
import type { FileEntry } from "./read-file.js";

/**
 * One cross-file rule's facts of one document, held as their JSON text from the file's lint to the join: a policy's
 * value is an object per statement, principal and condition (null-prototype objects, in V8's dictionary mode), 5 KB
 * for a 1.5 KB policy, and a run over 50,000 files held 25,000 of them. Each is parsed once, when its rule joins
 * the project (`takeFacts`), so only that rule's facts are objects at a time. Frozen: interning passes it by (the
 * text is JSON.stringify's own, no slice of the file's), and a cache writes the facts it stands for (`toJSON`).
 */
class HeldFacts {
  constructor(private readonly text: string) {
    Object.freeze(this);
  }

  value(): unknown {
    return JSON.parse(this.text);
  }

  toJSON(): unknown {
    return this.value();
  }
}

/** Holds, in place, each fact of a freshly linted outcome as its JSON text (see {@link HeldFacts}). */
export function holdFacts(outcome: FileEntry["outcome"]): void {
  if (outcome.status !== "ours") return;
  for (const d of outcome.documents) {
    for (const id of Object.keys(d.facts)) {
      const facts = d.facts[id];
      if (!(facts instanceof HeldFacts)) d.facts[id] = new HeldFacts(JSON.stringify(facts));
    }
  }
}

/**
 * A rule's facts of a document as the rule reads them, parsed from their text if held. Taken: the join reads each
 * once (a project's files are joined once per run), and the text would otherwise stay beside what it parsed to
 * while the rule checks the whole project.
 */
export function takeFacts(facts: Record<string, unknown>, id: string): unknown {
  const held = facts[id];
  delete facts[id];
  return held instanceof HeldFacts ? held.value() : held;
}

/** Whether some document of the file yielded facts for a cross-file rule. */
export function hasFacts(e: FileEntry): boolean {
  if (e.outcome.status !== "ours") return false;
  if (e.storedFacts) return e.storedFacts.any;
  return e.outcome.documents.some((d) => Object.keys(d.facts).length > 0);
}

/**
 * The hash of the file's facts, as the cache stores them (`factsText`): the same for a file linted now and for
 * its entry read from the cache, so that a project's input hash does not depend on where its facts came from.
 */
export function factsHash(e: FileEntry): string {
  return e.outcome.status === "ours" ? (e.storedFacts?.hash ?? hashText(factsText(e.outcome))) : "";
}

/**
 * Puts each cached entry's facts back into its documents, read from the cache file: the cross-file rules run.
 * @throws EcrlintError (`io`) when the cache file changed since the run read it.
 */
export function loadFacts(entries: readonly FileEntry[]): void {
  for (const e of entries) {
    if (!e.storedFacts || e.outcome.status !== "ours") continue;
    const facts = e.storedFacts.load();
    e.outcome.documents.forEach((d, i) => (d.facts = facts[i]!));
    delete e.storedFacts;
  }
}

/** Lets go of the facts once the cross-file rules have joined them: no result needs them. */
export function dropFacts(entries: readonly FileEntry[]): void {
  for (const e of entries) {
    delete e.storedFacts;
    if (e.outcome.status === "ours") for (const d of e.outcome.documents) d.facts = {};
  }
}
