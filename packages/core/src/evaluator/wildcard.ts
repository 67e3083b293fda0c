/**
 * IAM-style wildcard matching: `*` matches any run of characters (crossing `/` and `:`), `?` exactly one.
 *
 * Policies come from users and values can be long, so this must never backtrack: the pattern is split at `*`
 * and each piece is matched at its leftmost possible place, which is correct for `*`-only globs and keeps the
 * work near linear (a regular expression built from `a*a*a*…b` would backtrack exponentially).
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (!ignoreCase) return matchCased(pattern, value);
  // Without case, the values are actions: a few patterns asked of the same catalog names by every rule, so the
  // answers are kept per pattern (bounded).
  let byValue = uncasedAnswers.get(pattern);
  if (!byValue) {
    if (uncasedAnswers.size >= 5_000) uncasedAnswers.clear();
    uncasedAnswers.set(pattern, (byValue = new Map()));
  }
  let answer = byValue.get(value);
  if (answer === undefined) {
    answer = matchCased(pattern.toLowerCase(), value.toLowerCase());
    if (byValue.size >= 5_000) byValue.clear();
    byValue.set(value, answer);
  }
  return answer;
}

const uncasedAnswers = new Map<string, Map<string, boolean>>();

function matchCased(pattern: string, value: string): boolean {
  if (!pattern.includes("*")) return pattern.length === value.length && pieceMatchesAt(pattern, value, 0);
  const pieces = piecesOf(pattern);
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (first.length + last.length > value.length) return false;
  if (!pieceMatchesAt(first, value, 0)) return false;
  if (!pieceMatchesAt(last, value, value.length - last.length)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (piece.length === 0) continue;
    const at = findPiece(piece, value, pos, end);
    if (at < 0) return false;
    pos = at + piece.length;
  }
  return true;
}

/** A pattern's pieces between stars, split once per pattern: an evaluation matches the same patterns over and over. Bounded. */
const piecesByPattern = new Map<string, readonly string[]>();

function piecesOf(pattern: string): readonly string[] {
  let pieces = piecesByPattern.get(pattern);
  if (!pieces) {
    if (piecesByPattern.size >= 10_000) piecesByPattern.clear();
    piecesByPattern.set(pattern, (pieces = pattern.split("*")));
  }
  return pieces;
}

function pieceMatchesAt(piece: string, value: string, at: number): boolean {
  if (at < 0 || at + piece.length > value.length) return false;
  for (let i = 0; i < piece.length; i++) {
    const c = piece.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== value.charCodeAt(at + i)) return false;
  }
  return true;
}

function findPiece(piece: string, value: string, from: number, end: number): number {
  if (!piece.includes("?")) {
    const at = value.indexOf(piece, from);
    return at >= 0 && at + piece.length <= end ? at : -1;
  }
  for (let at = from; at + piece.length <= end; at++) if (pieceMatchesAt(piece, value, at)) return at;
  return -1;
}
