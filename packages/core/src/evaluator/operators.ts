import { keptByText } from "./kept-map.js";
import { matchResolved, resolvedEquals, type Resolved } from "./template.js";

export type OperatorFamily = "string" | "numeric" | "date" | "bool" | "binary" | "ip" | "arn" | "null";

/** A base condition operator, without its set prefix or IfExists suffix. */
export interface BaseOperator {
  name: string;
  family: OperatorFamily;
  /** Negated operators are true when the key is absent and require "no policy value matches". */
  negated: boolean;
  /** Whether `*` and `?` in policy values are wildcards. */
  wildcards: boolean;
  /** The positive test of one request value against one policy value; undefined when they cannot be compared. */
  test(requestValue: string, policyValue: Resolved): boolean | undefined;
}

export const parseNumber: (text: string) => number | undefined = keptByText((text) => (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text) : undefined));

const W3C_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A date as the Date operators read it, in milliseconds since the epoch; undefined when it is none. IAM User Guide,
 * condition operators: "You must specify date/time values with one of the W3C implementations of the ISO 8601 date
 * formats or in epoch (UNIX) time." The W3C profile (www.w3.org/TR/NOTE-datetime) is `YYYY`, `YYYY-MM`,
 * `YYYY-MM-DD`, then `Thh:mm`, `:ss` and `.s` with a zone (`Z`, `+hh:mm`). A value without a zone is read as UTC,
 * never in the time zone of the machine that runs the check; an impossible date (`2024-02-30`) is no date; four
 * digits are a year, never the epoch second 2024.
 */
export const parseDate: (text: string) => number | undefined = keptByText(readDate);

function readDate(text: string): number | undefined {
  if (/^\d+$/.test(text) && text.length !== 4) return Number(text) * 1000;
  const m = W3C_DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, fraction, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = sec === undefined ? 0 : Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (zone && zone !== "Z") {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return undefined;
    offset = (zone[0] === "-" ? -1 : 1) * (zh * 60 + zm);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) + (fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0);
  // Date.UTC reads years 0-99 as 1900-1999; a four-digit year is meant as written.
  const fixed = year < 100 ? new Date(utc).setUTCFullYear(year) : utc;
  return fixed - offset * 60_000;
}

export interface IpValue {
  version: 4 | 6;
  value: bigint;
}

/** Request values repeat across evaluations; parsing with BigInt is the costly part, so it is remembered. */
export const parseIp: (text: string) => IpValue | undefined = keptByText((text) => parseIpUncached(text));

function parseIpUncached(text: string): IpValue | undefined {
  if (text.includes(".") && !text.includes(":")) {
    const parts = text.split(".");
    if (parts.length !== 4) return undefined;
    let value = 0n;
    for (const p of parts) {
      if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
      value = (value << 8n) | BigInt(Number(p));
    }
    return { version: 4, value };
  }
  if (!text.includes(":")) return undefined;
  let head = text;
  let tail4: bigint[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = parseIpUncached(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail4 = [v4.value >> 16n, v4.value & 0xffffn];
    head = text.slice(0, lastColon + 1) + "0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const group = (s: string) => (s === "" ? [] : s.split(":"));
  const left = group(halves[0]!);
  const right = halves.length === 2 ? group(halves[1]!) : [];
  if (tail4.length) right.length ? right.pop() : left.pop();
  const groups = [...left, ...right].map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? BigInt(parseInt(g, 16)) : -1n));
  if (groups.includes(-1n)) return undefined;
  const total = 8 - tail4.length;
  let words: bigint[];
  if (halves.length === 2) {
    if (left.length + right.length > total - 1) return undefined;
    words = [...groups.slice(0, left.length), ...Array<bigint>(total - left.length - right.length).fill(0n), ...groups.slice(left.length)];
  } else {
    if (groups.length !== total) return undefined;
    words = groups;
  }
  let value = 0n;
  for (const w of [...words, ...tail4]) value = (value << 16n) | w;
  return { version: 6, value };
}

export interface CidrBlock {
  version: 4 | 6;
  first: bigint;
  last: bigint;
}

export const parseCidr: (text: string) => CidrBlock | undefined = keptByText(parseCidrUncached);

function parseCidrUncached(text: string): CidrBlock | undefined {
  const slash = text.indexOf("/");
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  let length = bits;
  if (slash >= 0) {
    const raw = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(raw) || Number(raw) > bits) return undefined;
    length = Number(raw);
  }
  const hostBits = BigInt(bits - length);
  const first = (ip.value >> hostBits) << hostBits;
  return { version: ip.version, first, last: first + (1n << hostBits) - 1n };
}

/** ArnLike and ArnEquals compare each of the six colon-delimited parts on its own (REFERENCE §6). */
export function arnLike(value: string, pattern: Resolved): boolean {
  const valueParts = keptSplitArn(value);
  const patternParts = keptSplitResolvedArn(pattern);
  if (!valueParts || !patternParts) return false;
  for (let i = 0; i < 6; i++) if (!matchResolved(patternParts[i]!, valueParts[i]!, false)) return false;
  return true;
}

/**
 * The parts of the ARNs a run compares, by text and (for a pattern) by resolution: an evaluation compares the same
 * few caller ARNs with the same static patterns over and over. Bounded: a run over many files sees many.
 */
const keptSplitArn: (text: string) => readonly string[] | undefined = keptByText(splitArn);
const patternParts = new WeakMap<Resolved, readonly Resolved[] | null>();

function keptSplitResolvedArn(pattern: Resolved): readonly Resolved[] | undefined {
  let parts = patternParts.get(pattern);
  if (parts === undefined) patternParts.set(pattern, (parts = splitResolvedArn(pattern) ?? null));
  return parts ?? undefined;
}

function splitArn(text: string): string[] | undefined {
  const parts = text.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

function splitResolvedArn(pattern: Resolved): Resolved[] | undefined {
  const parts = splitArn(pattern.text);
  if (!parts) return undefined;
  const out: Resolved[] = [];
  let offset = 0;
  for (const part of parts) {
    const literalAt = pattern.literalAt?.filter((i) => i >= offset && i < offset + part.length).map((i) => i - offset);
    out.push({ text: part, literalAt: literalAt && literalAt.length ? literalAt : undefined });
    offset += part.length + 1;
  }
  return out;
}

const compareNumbers = (name: string, cmp: (request: number, policy: number) => boolean): BaseOperator => ({
  name,
  family: "numeric",
  negated: name === "NumericNotEquals",
  wildcards: false,
  test(requestValue, policyValue) {
    const r = parseNumber(requestValue);
    const p = parseNumber(policyValue.text);
    return r === undefined || p === undefined ? undefined : cmp(r, p);
  },
});

const compareDates = (name: string, cmp: (request: number, policy: number) => boolean): BaseOperator => ({
  name,
  family: "date",
  negated: name === "DateNotEquals",
  wildcards: false,
  test(requestValue, policyValue) {
    const r = parseDate(requestValue);
    const p = parseDate(policyValue.text);
    return r === undefined || p === undefined ? undefined : cmp(r, p);
  },
});

const ipTest = (requestValue: string, policyValue: Resolved): boolean | undefined => {
  const ip = parseIp(requestValue);
  const block = parseCidr(policyValue.text);
  if (!ip || !block) return undefined;
  return ip.version === block.version && ip.value >= block.first && ip.value <= block.last;
};

const stringOp = (name: string, negated: boolean, ignoreCase: boolean, like: boolean): BaseOperator => ({
  name,
  family: "string",
  negated,
  wildcards: like,
  test: like ? (r, p) => matchResolved(p, r, ignoreCase) : (r, p) => resolvedEquals(p, r, ignoreCase),
});

const arnOp = (name: string, negated: boolean): BaseOperator => ({
  name,
  family: "arn",
  negated,
  wildcards: true,
  // A value that is not an ARN is simply unlike the pattern, so the negated forms hold for it (REFERENCE §6 notes
  // a simulator whose ArnNotLike turned false on a malformed ARN and so skipped a Deny).
  test: (r, p) => arnLike(r, p),
});

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

/** A Bool operand without case; the usual lower-case spelling is taken as it is. */
const lowerBool = (text: string) => (text === "true" || text === "false" ? text : text.toLowerCase());

const OPERATORS: BaseOperator[] = [
  stringOp("StringEquals", false, false, false),
  stringOp("StringNotEquals", true, false, false),
  stringOp("StringEqualsIgnoreCase", false, true, false),
  stringOp("StringNotEqualsIgnoreCase", true, true, false),
  stringOp("StringLike", false, false, true),
  stringOp("StringNotLike", true, false, true),
  compareNumbers("NumericEquals", (r, p) => r === p),
  compareNumbers("NumericNotEquals", (r, p) => r === p),
  compareNumbers("NumericLessThan", (r, p) => r < p),
  compareNumbers("NumericLessThanEquals", (r, p) => r <= p),
  compareNumbers("NumericGreaterThan", (r, p) => r > p),
  compareNumbers("NumericGreaterThanEquals", (r, p) => r >= p),
  compareDates("DateEquals", (r, p) => r === p),
  compareDates("DateNotEquals", (r, p) => r === p),
  compareDates("DateLessThan", (r, p) => r < p),
  compareDates("DateLessThanEquals", (r, p) => r <= p),
  compareDates("DateGreaterThan", (r, p) => r > p),
  compareDates("DateGreaterThanEquals", (r, p) => r >= p),
  {
    name: "Bool",
    family: "bool",
    negated: false,
    wildcards: false,
    test(r, p) {
      const rv = lowerBool(r);
      const pv = lowerBool(p.text);
      if ((rv !== "true" && rv !== "false") || (pv !== "true" && pv !== "false")) return undefined;
      return rv === pv;
    },
  },
  // A policy value that is not base-64 (such as the literal text of a policy variable) encodes no bytes to compare.
  { name: "BinaryEquals", family: "binary", negated: false, wildcards: false, test: (r, p) => (isBase64(p.text) ? r === p.text : undefined) },
  { name: "IpAddress", family: "ip", negated: false, wildcards: false, test: ipTest },
  { name: "NotIpAddress", family: "ip", negated: true, wildcards: false, test: ipTest },
  arnOp("ArnEquals", false),
  arnOp("ArnLike", false),
  arnOp("ArnNotEquals", true),
  arnOp("ArnNotLike", true),
  { name: "Null", family: "null", negated: false, wildcards: false, test: () => undefined },
];

const BY_NAME = new Map(OPERATORS.map((o) => [o.name.toLowerCase(), o]));

export interface ParsedOperator {
  base: BaseOperator;
  set: "ForAnyValue" | "ForAllValues" | undefined;
  ifExists: boolean;
}

/** `ForAnyValue:StringLikeIfExists` → its parts; undefined for an operator AWS does not have. */
export function parseOperator(text: string): ParsedOperator | undefined {
  let rest = text;
  let set: ParsedOperator["set"];
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === "foranyvalue") set = "ForAnyValue";
    else if (prefix === "forallvalues") set = "ForAllValues";
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (/ifexists$/i.test(rest)) {
    ifExists = true;
    rest = rest.slice(0, -"IfExists".length);
  }
  const base = BY_NAME.get(rest.toLowerCase());
  if (!base) return undefined;
  if (base.family === "null" && (ifExists || set)) return undefined;
  return { base, set, ifExists };
}

/** `ArnLike`, `ForAnyValue:ArnNotEqualsIfExists`…: operators whose values are ARNs. */
export function isArnOperator(text: string): boolean {
  return parseOperator(text)?.base.family === "arn";
}

export const OPERATOR_NAMES: readonly string[] = OPERATORS.map((o) => o.name);

/** Whether every address of `inner` is in `outer`. */
export function cidrWithin(inner: CidrBlock, outer: CidrBlock): boolean {
  return inner.version === outer.version && inner.first >= outer.first && inner.last <= outer.last;
}

/**
 * Address ranges that never reach AWS as a public source address: private (RFC 1918, RFC 4193), loopback and
 * link-local. A request from them arrives through a VPC endpoint, which carries aws:VpcSourceIp, not aws:SourceIp.
 */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"];

/** The private range a CIDR value lies in, or undefined for a public (or unreadable) one. */
export function privateRangeOf(text: string): string | undefined {
  const block = parseCidr(text);
  if (!block) return undefined;
  return PRIVATE_RANGES.find((range) => cidrWithin(block, parseCidr(range)!));
}
