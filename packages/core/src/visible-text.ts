/**
 * Characters that a terminal or a CI log would act on rather than show: C0 and C1 controls (an escape sequence can
 * recolour, move the cursor, clear a line, retitle the window), DEL, line and paragraph separators, and the bidi
 * embeddings, overrides and isolates that reorder what is shown (CVE-2021-42574). They come from the files linted (a
 * Sid, a key, a file name), which a pull request writes.
 */
/** Global, for `replace`; to test a text, {@link hasControls}. */
export const UNSHOWABLE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
const UNSHOWABLE_ANY = new RegExp(UNSHOWABLE.source);

/** Whether a text holds a character {@link showControls} writes as an escape. */
export function hasControls(text: string): boolean {
  return UNSHOWABLE_ANY.test(text);
}
const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * Text from a linted file made safe to print for a person: each character a terminal would act on (see
 * {@link UNSHOWABLE}) is written as its escape (`\u001b`, `\n`), so that a finding cannot hide, recolour or forge the
 * lines around it. In JSON text the escape means the same character, so a JSON report stays the same data.
 */
export function showControls(text: string): string {
  if (!hasControls(text)) return text;
  return text.replace(UNSHOWABLE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** {@link showControls} for a text of several lines (a report): its own line breaks kept, each line made safe. */
export function showControlsByLine(text: string): string {
  return hasControls(text) ? text.split("\n").map(showControls).join("\n") : text;
}

/**
 * Text for XML 1.0 (a JUnit report): the characters a terminal acts on shown as escapes (XML 1.0 cannot carry most
 * C0 controls at all, even as character references, and a reader of the report is a person), then the markup
 * characters as entities. `lines` keeps line breaks (element text); an attribute gets them as `\n`.
 */
export function xmlText(text: string, lines = false): string {
  return (lines ? showControlsByLine(text) : showControls(text))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
