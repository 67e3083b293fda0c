import { diffAccess, type AccessChange, type AccessDiff } from "@ecrlint/core/evaluator";
import { loadPolicy, type LoadOptions, type PolicyLike, type RegistryOption } from "./policy.js";

/** An access change a test expects: every field given must match the row (a principal as written, actions by name). */
export interface ExpectedAccess {
  /** The Principal value as written (`"*"`, `111122223333`, a role ARN), or an account id of the principal. */
  principal?: string;
  /** Every action of the row is one of these (catalog names, case-insensitive). */
  actions?: string[];
  /** The Resource pattern as written (`arn:aws:ecr:…:repository/prod-*`), or `*`. */
  repositories?: string;
}

export interface GrantOptions {
  registry?: RegistryOption;
  /** Relative policy paths resolve from here. */
  baseDir?: string;
}

export interface GrantExactlyOptions extends GrantOptions {
  /** Access the new version may add: each entry must be gained, and every gain must be one of them. */
  plus?: ExpectedAccess[];
  /** Access the new version may remove, likewise. */
  minus?: ExpectedAccess[];
}

export interface GrantOutcome {
  pass: boolean;
  message: string;
  diff: AccessDiff;
}

function load(policy: PolicyLike, options: GrantOptions) {
  const load: LoadOptions = {};
  if (options.registry) load.registry = options.registry;
  if (options.baseDir) load.baseDir = options.baseDir;
  return loadPolicy(policy, load).compiled;
}

export function describeRow(row: AccessChange): string {
  const context = Object.entries(row.witness.context ?? {}).map(([k, v]) => ` ${k}=${typeof v === "string" ? v : v.join(",")}`).join("");
  return `${row.change === "gain" ? "+" : "-"} ${row.principal.text}: ${row.actions.text} on ${row.repositories.text} (${row.condition}); witness: ${row.witness.principal} ${row.witness.action} ${row.witness.resource}${context}`;
}

function matches(row: AccessChange, expected: ExpectedAccess): boolean {
  if (expected.principal !== undefined && expected.principal !== row.principal.value && expected.principal !== row.principal.account) return false;
  if (expected.actions) {
    const allowed = new Set(expected.actions.map((a) => a.toLowerCase()));
    if (!row.actions.names.every((a) => allowed.has(a.toLowerCase()))) return false;
  }
  if (expected.repositories !== undefined && expected.repositories !== row.repositories.pattern) return false;
  return true;
}

function inconclusiveLines(diff: AccessDiff, change: "gain" | "loss"): string[] {
  return diff.inconclusive.filter((i) => i.change === change).map((i) => `? ${change} inconclusive: ${i.reason}`);
}

/** The new version grants nothing the old one did not (removing access is fine). An inconclusive search fails: nothing is assumed. */
export function checkGrantsNoMoreThan(after: PolicyLike, before: PolicyLike, options: GrantOptions = {}): GrantOutcome {
  const diff = diffAccess(load(before, options), load(after, options));
  const problems = [...diff.gained.map(describeRow), ...inconclusiveLines(diff, "gain")];
  const pass = problems.length === 0;
  const message = pass
    ? "Expected the policy to grant something its base does not, but it grants no more"
    : `Expected the policy to grant no more than its base\n\n${problems.join("\n")}`;
  return { pass, message, diff };
}

/** The new version grants what the old one did, plus exactly `plus` and minus exactly `minus`. */
export function checkGrantsExactly(after: PolicyLike, before: PolicyLike, options: GrantExactlyOptions = {}): GrantOutcome {
  const diff = diffAccess(load(before, options), load(after, options));
  const problems: string[] = [...inconclusiveLines(diff, "gain"), ...inconclusiveLines(diff, "loss")];
  const side = (rows: AccessChange[], expected: ExpectedAccess[], word: string) => {
    for (const row of rows) if (!expected.some((e) => matches(row, e))) problems.push(`unexpected ${describeRow(row)}`);
    for (const e of expected) if (!rows.some((row) => matches(row, e))) problems.push(`missing ${word} ${JSON.stringify(e)}`);
  };
  side(diff.gained, options.plus ?? [], "gain");
  side(diff.lost, options.minus ?? [], "loss");
  const pass = problems.length === 0;
  const message = pass ? "Expected the policy not to grant exactly what its base grants with these changes, but it does" : `Expected the policy to grant exactly what its base grants${options.plus?.length ? ", plus the listed access" : ""}${options.minus?.length ? ", minus the listed access" : ""}\n\n${problems.join("\n")}`;
  return { pass, message, diff };
}
