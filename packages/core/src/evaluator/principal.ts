import { KeptMap } from "./kept-map.js";
import { ACCOUNT_ID, parseArn } from "../arn.js";
import type { PrincipalKind } from "./types.js";

/** The caller of a request, read from the principal string of a request. */
export interface Caller {
  kind: PrincipalKind;
  /** As written in the request. */
  text: string;
  partition?: string;
  account?: string;
  /** User or role name (the last component of its path), or the role name of a session. */
  name?: string;
  /** The principal's own ARN (the root ARN for an account). */
  arn?: string;
  /** `aws:PrincipalArn`: for a session, its role's ARN. */
  principalArn?: string;
  /** Service, federated provider or canonical user id. */
  value?: string;
}

const FEDERATED_PROVIDERS = new Set(["cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com", "accounts.google.com", "appleid.apple.com"]);
const TYPED = /^(aws|service|federated|canonicaluser):(.+)$/i;

/**
 * `parseCaller`, kept by partition and text (bounded): a search builds the same callers for every query, and every
 * request of it reads its caller again. The callers are shared: read them, never change them.
 */
export function keptCaller(text: string, defaultPartition = "aws"): Caller | undefined {
  // By partition, then by the text itself: a key joined from both would be a new string to hash on every read.
  let kept = keptCallers.get(defaultPartition);
  if (!kept) {
    // A partition is read from a resource ARN, which may say anything: past a handful, start again.
    if (keptCallers.size >= MAX_PARTITIONS) keptCallers.clear();
    keptCallers.set(defaultPartition, (kept = new KeptMap<Caller | null>(10_000)));
  }
  let caller = kept.get(text);
  if (caller === undefined) kept.set(text, (caller = parseCaller(text, defaultPartition) ?? null));
  return caller ?? undefined;
}

const keptCallers = new Map<string, KeptMap<Caller | null>>();
const MAX_PARTITIONS = 16;

/** Reads a principal written as in a policy; undefined when it is none of the forms AWS knows. */
export function parseCaller(text: string, defaultPartition = "aws"): Caller | undefined {
  const typed = TYPED.exec(text);
  if (typed && !text.startsWith("arn:")) {
    const type = typed[1]!.toLowerCase();
    const value = typed[2]!;
    if (type === "aws") return parseCaller(value, defaultPartition);
    if (type === "service") return { kind: "service", text, value };
    if (type === "federated") return { kind: "federated", text, value };
    return { kind: "canonical-user", text, value };
  }
  if (text.toLowerCase() === "anonymous") return { kind: "anonymous", text };
  if (ACCOUNT_ID.test(text)) {
    const arn = `arn:${defaultPartition}:iam::${text}:root`;
    return { kind: "account", text, partition: defaultPartition, account: text, arn, principalArn: arn };
  }
  const arn = text.startsWith("arn:") ? parseArn(text) : undefined;
  if (arn) {
    const { partition, service, account, resource } = arn;
    if (service === "iam" && ACCOUNT_ID.test(account) && arn.region === "") {
      if (resource === "root") return { kind: "account", text, partition, account, arn: text, principalArn: text };
      const slash = resource.indexOf("/");
      const type = slash > 0 ? resource.slice(0, slash) : resource;
      const name = resource.slice(resource.lastIndexOf("/") + 1);
      if ((type === "user" || type === "role") && name) return { kind: type, text, partition, account, name, arn: text, principalArn: text };
      if (type === "saml-provider" || type === "oidc-provider") return { kind: "federated", text, value: text };
    }
    if (service === "sts" && ACCOUNT_ID.test(account) && arn.region === "") {
      const parts = resource.split("/");
      if (parts[0] === "assumed-role" && parts.length === 3 && parts[1] && parts[2]) {
        const roleArn = `arn:${partition}:iam::${account}:role/${parts[1]}`;
        return { kind: "session", text, partition, account, name: parts[1], arn: text, principalArn: roleArn };
      }
      if (parts[0] === "federated-user" && parts.length === 2 && parts[1]) {
        return { kind: "federated-user", text, partition, account, name: parts[1], arn: text, principalArn: text };
      }
    }
    return undefined;
  }
  if (/^[0-9a-f]{64}$/.test(text)) return { kind: "canonical-user", text, value: text };
  if (FEDERATED_PROVIDERS.has(text)) return { kind: "federated", text, value: text };
  if (/^[a-z0-9.-]+\.(amazonaws\.com|amazon\.com|amazonaws\.com\.cn)$/.test(text)) return { kind: "service", text, value: text };
  return undefined;
}

/** The account an AWS principal value names: a 12-digit id or the account segment of an IAM/STS ARN. */
export function principalAccount(value: string): string | undefined {
  if (ACCOUNT_ID.test(value)) return value;
  const arn = parseArn(value);
  if (arn && (arn.service === "iam" || arn.service === "sts") && ACCOUNT_ID.test(arn.account)) return arn.account;
  return undefined;
}

/** `123456789012` and `arn:aws:iam::123456789012:root` name the whole account (REFERENCE §6). */
export function isAccountPrincipal(value: string): boolean {
  if (ACCOUNT_ID.test(value)) return true;
  const arn = parseArn(value);
  return arn !== undefined && arn.service === "iam" && arn.resource === "root";
}

export function isIamCaller(caller: Caller): boolean {
  return caller.account !== undefined;
}

/** A value of Principal or NotPrincipal, compiled. */
export type PrincipalEntry =
  | { kind: "any"; source: string; type: string }
  | { kind: "account"; source: string; type: string; account: string; partition: string | undefined }
  | { kind: "named"; source: string; type: string; partition: string; account: string; entity: "user" | "role"; name: string }
  | { kind: "exact-arn"; source: string; type: string; arn: string }
  | { kind: "value"; source: string; type: string; callerKind: "service" | "federated" | "canonical-user"; value: string }
  | { kind: "never"; source: string; type: string; why: string };

/** REFERENCE §6: an account id means the whole account; roles also match their sessions; no partial wildcards. */
export function compilePrincipalEntry(type: string, source: string): PrincipalEntry {
  if (type === "AWS") {
    if (source === "*") return { kind: "any", source, type };
    if (ACCOUNT_ID.test(source)) return { kind: "account", source, type, account: source, partition: undefined };
    const arn = parseArn(source);
    if (arn && arn.service === "iam" && arn.region === "" && ACCOUNT_ID.test(arn.account)) {
      if (arn.resource === "root") return { kind: "account", source, type, account: arn.account, partition: arn.partition };
      const slash = arn.resource.indexOf("/");
      const entity = arn.resource.slice(0, slash);
      const name = arn.resource.slice(arn.resource.lastIndexOf("/") + 1);
      if ((entity === "user" || entity === "role") && name) return { kind: "named", source, type, partition: arn.partition, account: arn.account, entity, name };
    }
    if (arn) return { kind: "exact-arn", source, type, arn: source };
    return { kind: "never", source, type, why: `"${source}" is neither an account id nor an ARN` };
  }
  if (type === "Service") return { kind: "value", source, type, callerKind: "service", value: source };
  if (type === "Federated") return { kind: "value", source, type, callerKind: "federated", value: source };
  if (type === "CanonicalUser") return { kind: "value", source, type, callerKind: "canonical-user", value: source };
  return { kind: "never", source, type, why: `"${type}" is not a principal type` };
}

/** How an entry matches a caller: `specific` names the caller, `account` names its whole account. */
export type PrincipalLevel = "specific" | "account" | undefined;

export function matchEntry(entry: PrincipalEntry, caller: Caller): PrincipalLevel {
  switch (entry.kind) {
    case "any":
      return "specific";
    case "account":
      if (caller.account !== entry.account) return undefined;
      if (entry.partition !== undefined && entry.partition !== caller.partition) return undefined;
      return "account";
    case "named":
      if (caller.account !== entry.account || caller.partition !== entry.partition || caller.name !== entry.name) return undefined;
      if (entry.entity === "role") return caller.kind === "role" || caller.kind === "session" ? "specific" : undefined;
      return caller.kind === "user" ? "specific" : undefined;
    case "exact-arn":
      return caller.arn === entry.arn ? "specific" : undefined;
    case "value":
      return caller.kind === entry.callerKind && caller.value === entry.value ? "specific" : undefined;
    case "never":
      return undefined;
  }
}

/**
 * NotPrincipal exempts a caller only when every identity AWS may check for it is listed: the account, then the
 * user or role, then (for an assumed-role session) the session itself. IAM User Guide, NotPrincipal: "If an
 * assumed-role user (someone who is using a role) is being evaluated, AWS might validate the account first, then the
 * role, and then the assumed-role user", and "When you specify an assumed-role session in a NotPrincipal element,
 * you cannot use a wildcard (*) to mean "all sessions". Principals must always name a specific session."
 * `missing` names, for a person, what is not listed.
 */
export function notPrincipalExempts(entries: readonly PrincipalEntry[], caller: Caller): { exempt: boolean; missing: string[] } {
  if (entries.some((e) => e.kind === "any")) return { exempt: true, missing: [] };
  if (caller.kind === "anonymous") return { exempt: false, missing: [] };
  if (!isIamCaller(caller)) return { exempt: entries.some((e) => matchEntry(e, caller) === "specific"), missing: [] };
  const missing: string[] = [];
  if (!entries.some((e) => matchEntry(e, caller) === "account")) missing.push(`its account ${caller.account}`);
  if (caller.kind === "session") {
    if (!entries.some((e) => e.kind === "named" && matchEntry(e, caller) === "specific")) missing.push(`its role ${caller.principalArn}`);
    if (!entries.some((e) => e.kind === "exact-arn" && e.arn === caller.arn)) missing.push("the session itself");
  } else if (caller.kind !== "account" && !entries.some((e) => e.kind !== "account" && matchEntry(e, caller) === "specific")) {
    missing.push(caller.kind === "federated-user" ? "the federated user itself" : `the ${caller.kind} itself`);
  }
  return { exempt: missing.length === 0, missing };
}

export function describeCaller(caller: Caller): string {
  switch (caller.kind) {
    case "account":
      return `account ${caller.account}`;
    case "anonymous":
      return "an anonymous caller";
    case "service":
      return `service ${caller.value}`;
    default:
      return caller.text;
  }
}
