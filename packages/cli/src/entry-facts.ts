// What the cross-file rules read of a file's entry: its documents' facts, which an entry from the cache leaves in
// the cache file (`FileEntry.storedFacts`) until the rules must join them again.
import { factsText, hashText } from "./cache.js";
import type { FileEntry } from "./read-file.js";

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
