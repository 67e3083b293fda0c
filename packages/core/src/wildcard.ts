/** Whether a policy value is written with a wildcard (`*` or `?`); matching itself is the evaluator's. */
export function hasWildcard(text: string): boolean {
  return text.includes("*") || text.includes("?");
}
