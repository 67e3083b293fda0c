import { createHash } from "node:crypto";
import type { LintMessage } from "@ecrlint/core";

/**
 * A message's data that says where something is (`firstLine`, `denyLine`, `line`, a `…Column`): it changes when
 * lines move, so it is no part of what identifies a finding. Every rule names positional data this way
 * (`rules/test` holds the messages to it).
 */
export const POSITIONAL_DATA = /(?:^|[a-z])(?:Line|Column)$|^(?:line|column)$/u;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");

/**
 * The message with its positional data written as the placeholder (`…on line {{firstLine}}…`): the rule's template
 * is matched against the message to find where each piece of data went. A message that does not match its template
 * (none should) keeps its text with every "line N" masked.
 */
export function positionFreeMessage(message: string, template: string | undefined): string {
  if (template === undefined || !/\{\{\s*\w+\s*\}\}/u.test(template)) return message.replace(/\bline \d+/gu, "line ?");
  const names: string[] = [];
  const pattern = template
    .split(/(\{\{\s*\w+\s*\}\})/u)
    .map((part, i) => {
      if (i % 2 === 0) return escape(part);
      names.push(part.replace(/[{}\s]/gu, ""));
      return "([\\s\\S]*?)";
    })
    .join("");
  const match = new RegExp(`^${pattern}$`, "u").exec(message);
  if (!match) return message.replace(/\bline \d+/gu, "line ?");
  let i = 0;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/gu, (placeholder, name: string) => {
    const value = match[++i]!;
    return POSITIONAL_DATA.test(name) ? placeholder : value;
  });
}

/**
 * SARIF `partialFingerprints` for the findings of one file: the rule, the file, the messageId, the message without
 * its positional data, and which of its equal findings it is, hashed. Moving lines (a line added at the top, a
 * statement moved) keeps every fingerprint; changing what a finding says makes a new one.
 */
export function fingerprinter(uri: string, templateOf: (m: LintMessage) => string | undefined): (m: LintMessage) => string {
  const seen = new Map<string, number>();
  return (m) => {
    const identity = [m.ruleId, uri, m.messageId ?? "", positionFreeMessage(m.message, templateOf(m))].join("\0");
    const occurrence = (seen.get(identity) ?? 0) + 1;
    seen.set(identity, occurrence);
    return createHash("sha256").update(`${identity}\0${occurrence}`).digest("hex");
  };
}
