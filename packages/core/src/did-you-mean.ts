// Did-you-mean suggestions for every message that names a misspelled value (actions, keys, Regions, operators).

/**
 * Edit distance between two strings, capped: any distance over `max` comes back as `max + 1`. Only a band of
 * `2 * max + 1` cells per row is computed, so a one-megabyte key compared with "Statement" costs a length
 * check, not a million-cell table.
 */
export function levenshtein(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  const cap = Math.min(max, Math.max(a.length, b.length));
  const over = cap + 1;
  if (Math.abs(a.length - b.length) > cap) return over;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j <= cap ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - cap);
    const to = Math.min(b.length, i + cap);
    cur[0] = i <= cap ? i : over;
    if (from > 1) cur[from - 1] = over;
    let rowMin = cur[0]!;
    for (let j = from; j <= to; j++) {
      const d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur[j] = d > over ? over : d;
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (to < b.length) cur[to + 1] = over;
    if (rowMin > cap) return over;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length]!, over);
}

/** The closest candidate within a small edit distance, for did-you-mean messages. */
export function closest(value: string, candidates: Iterable<string>, maxDistance = 3, ignoreCase = false): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  const v = ignoreCase ? value.toLowerCase() : value;
  for (const c of candidates) {
    if (bestDistance === 0) break;
    const candidate = ignoreCase ? c.toLowerCase() : c;
    // A length gap alone already exceeds the distance: no table at all (a 1 MB operator name costs nothing).
    if (Math.abs(candidate.length - v.length) > maxDistance) continue;
    const d = levenshtein(v, candidate, Math.min(maxDistance, bestDistance - 1));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= maxDistance ? best : undefined;
}
