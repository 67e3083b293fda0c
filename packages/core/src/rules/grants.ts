import { parseArn } from "../arn.js";
import { wildcardMatch } from "../wildcard.js";
import type { PolicyDocument, PolicyStatement } from "../model/policy.js";
import { isAccountPrincipal, isAllow, isDeny, principalAccount, statementCoversAction } from "./util.js";

/**
 * Syntactic "does this policy grant X" questions that rules ask about the statements they report on.
 * A condition makes an Allow uncertain but still counted (the author meant to grant), while only an
 * unconditional Deny counts as cancelling: both choices avoid reports that are not certainly right.
 */
function principalKey(value: string, partition: string): string {
  return /^\d{12}$/.test(value) ? `arn:${partition}:iam::${value}:root` : value;
}

export function statementCoversPrincipal(s: PolicyStatement, principal: string, partition = "aws"): boolean {
  const wanted = principalKey(principal, partition);
  const account = principalAccount(principal);
  const matches = (value: string) => {
    if (value === "*") return true;
    const key = principalKey(value, partition);
    if (key === wanted) return true;
    // An account principal delegates to every identity of that account.
    return isAccountPrincipal(value) && account !== undefined && principalAccount(value) === account;
  };
  if (s.principal) {
    if (s.principal.wildcard?.value === "*") return true;
    return s.principal.entries.some((e) => e.type === "AWS" && e.values.some((v) => matches(v.value)));
  }
  if (s.notPrincipal) {
    return !s.notPrincipal.entries.some((e) => e.type === "AWS" && e.values.some((v) => principalKey(v.value, partition) === wanted));
  }
  return false;
}

/** Whether the statement's resources cover every repository the (possibly wildcard) ARN `resource` names. */
export function statementCoversResource(s: PolicyStatement, resource: string): boolean {
  if (s.resource) return s.resource.values.some((v) => wildcardMatch(v.value, resource));
  if (s.notResource) return !s.notResource.values.some((v) => wildcardMatch(v.value, resource) || wildcardMatch(resource, v.value));
  return true;
}

export interface GrantQuery {
  principal: string;
  action: string;
  resource: string;
  partition?: string;
}

export function denyCancels(policy: PolicyDocument, q: GrantQuery): PolicyStatement | undefined {
  return policy.statements.find(
    (s) =>
      isDeny(s) &&
      !s.condition &&
      statementCoversPrincipal(s, q.principal, q.partition) &&
      statementCoversAction(s, q.action) &&
      statementCoversResource(s, q.resource),
  );
}

export function findAllow(policy: PolicyDocument, q: GrantQuery): PolicyStatement | undefined {
  return policy.statements.find(
    (s) =>
      isAllow(s) &&
      statementCoversPrincipal(s, q.principal, q.partition) &&
      statementCoversAction(s, q.action) &&
      statementCoversResource(s, q.resource),
  );
}

/** Allowed by some statement and not cancelled by an unconditional Deny. */
export function isGranted(policy: PolicyDocument, q: GrantQuery): boolean {
  return findAllow(policy, q) !== undefined && denyCancels(policy, q) === undefined;
}

export function partitionOfArn(value: string): string | undefined {
  return parseArn(value)?.partition;
}
