import { defineRule, hasUnknownValues, hostValue, partitionOfRegion, policyJson, statementsForFinding, type ProjectContext, type ProjectFile, type Span, spanOf, type StringValue } from "@ecrlint/core";
import { compileForFinding, type CompiledPolicy, DEFAULT_ANALYSIS_STEPS, replicationGrant, WorkBudget } from "@ecrlint/core/evaluator";
import { causeFinding, compileFacts, missingReplicateImageGrants, REPLICATION_ACTIONS, type PolicyFacts } from "../_shared/replication-grant.js";
import { DOCS } from "../_shared/docs.js";

interface Destination {
  region: string | undefined;
  registryId: string | undefined;
  loc: Span;
}

type Facts =
  | { kind: "replication"; rules: { filters: string[]; destinations: Destination[] }[] }
  | ({ kind: "policy" } & PolicyFacts);

interface Options {
  /** Destination accounts whose registry policy is managed elsewhere, even if a file in the repository claims it. */
  ignoreAccounts: string[];
}

type File = ProjectFile<Facts, Options>;

const known = (v: StringValue | undefined): string | undefined => (v && !v.unknown ? v.value : undefined);

export const replicationDestinationAllowed = defineRule<Options, Facts>({
  id: "replication-destination-allowed",
  meta: {
    type: "problem",
    docs: {
      description: "Require the registry policy of each cross-account replication destination in the repository to allow the source account",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [],
      sources: [DOCS.replicationPermissions, DOCS.replication, DOCS.putReplicationConfiguration],
    },
    messages: {
      missingGrant:
        'The registry policy "{{policyFile}}" of destination {{destinationAccount}} in {{region}} does not allow account {{sourceAccount}} "ecr:ReplicateImage" on {{repositories}}: replication to this destination fails.',
      deniedGrant:
        'The registry policy "{{policyFile}}" of destination {{destinationAccount}} in {{region}} allows account {{sourceAccount}} "ecr:ReplicateImage" on {{repositories}}, but its Deny statement on line {{denyLine}} cancels it: replication to this destination fails.',
      tooComplex:
        'Inconclusive: the registry policy "{{policyFile}}" of destination {{destinationAccount}} in {{region}} is too complex to analyse (the search ran out of its {{steps}} steps), so whether it lets account {{sourceAccount}} replicate is not known.',
      crossPartition:
        'Destination Region "{{region}}" is in partition {{destinationPartition}}, but this registry is in {{sourcePartition}}: replication never crosses partitions.',
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          ignoreAccounts: { type: "array", items: { type: "string", pattern: "^\\d{12}$" }, uniqueItems: true },
        },
      },
    ],
  },
  kinds: ["replication-configuration", "registry-policy"],
  defaultOptions: { ignoreAccounts: [] },

  project: {
    collect(file) {
      if (file.kind === "registry-policy") {
        // Indexed by position in the Statement list, as the evaluator numbers statements.
        const statementLines: number[] = [];
        const statementSpans: Span[] = [];
        for (const s of file.policy.statements) {
          statementLines[s.index] = s.node.loc.start.line;
          statementSpans[s.index] = spanOf(s.node);
        }
        // Read without a registry, as facts are: the statements' own ARNs say whose repositories they grant.
        const refusals = compileForFinding(file.policy, "refusals", { actions: REPLICATION_ACTIONS });
        const causes = (refusals ? missingReplicateImageGrants(file.policy, { source: "unknown" }, () => refusals) : []).flatMap((c) => causeFinding(c) ?? []);
        return {
          kind: "policy",
          value: policyJson(file.policy),
          statementLines,
          statementSpans,
          statementsSpan: spanOf(file.policy.statementProperty?.key ?? file.policy.node),
          causedSources: [...new Set(causes.map((c) => c.account))],
          causes,
          ...(hasUnknownValues(file.policy) ? { refusalStatements: refusals ? refusals.statements.map((s) => s.index) : null } : {}),
        };
      }
      if (file.kind !== "replication-configuration") return undefined;
      return {
        kind: "replication",
        rules: file.replication.rules.map((rule) => ({
          filters: rule.filters.flatMap((f) => (f.filter && !f.filter.unknown && (f.filterType?.value ?? "PREFIX_MATCH") === "PREFIX_MATCH" ? [f.filter.value] : [])),
          // An unknown Region or account (a template parameter) is left out, which skips the destination.
          destinations: rule.destinations.map((d) => ({ region: known(d.region), registryId: known(d.registryId), loc: spanOf(d.node) })),
        })),
      };
    },

    check(project) {
      const policies = new Map<string, File[]>();
      for (const f of project.files) {
        if (f.facts.kind !== "policy" || !f.registry.account || !f.registry.region) continue;
        const key = `${f.registry.account}|${f.registry.region}`;
        const list = policies.get(key);
        if (list) list.push(f);
        else policies.set(key, [f]);
      }
      // What each source asks of the policies of one destination registry, in the order the sources ask it: one
      // entry per destination entry of a source, not per source and policy, whose number grows with the square of
      // the project. Each policy is then compiled once, answers all of them, and is released before the next.
      const asks = new Map<string, Ask[]>();
      for (const source of project.files) {
        if (source.facts.kind !== "replication" || !source.registry.account) continue;
        const sourceAccount = source.registry.account;
        const sourcePartition = source.registry.partition;
        for (const rule of source.facts.rules) {
          for (const d of rule.destinations) {
            if (!d.region || !d.registryId) continue;
            const destinationPartition = partitionOfRegion(d.region);
            if (sourcePartition && destinationPartition && destinationPartition !== sourcePartition) {
              project.report({ filePath: source.filePath, messageId: "crossPartition", loc: d.loc, data: { region: d.region, destinationPartition, sourcePartition } });
              continue;
            }
            // REFERENCE §2: replication inside one's own registry needs no registry policy.
            if (d.registryId === sourceAccount || source.options.ignoreAccounts.includes(d.registryId)) continue;
            const key = `${d.registryId}|${d.region}`;
            const targets = policies.get(key);
            if (!targets) continue;
            const partition = destinationPartition ?? sourcePartition ?? "aws";
            const replicatesHere = { filePath: source.filePath, ...d.loc, message: `the replication configuration that replicates account ${sourceAccount}'s images here` };
            const question = JSON.stringify([sourceAccount, partition, rule.filters]);
            const sourcePrincipal = `arn:${partition}:iam::${sourceAccount}:root`;
            const ask: Ask = { source, sourceAccount, sourcePrincipal, question, destination: { partition, account: d.registryId, region: d.region }, loc: d.loc, filters: rule.filters, replicatesHere };
            for (const target of targets) {
              if (target.facts.kind !== "policy") continue;
              project.tie(source.filePath, target.filePath);
              // One cause, one finding: require-replicate-image already reports it in the destination's own policy,
              // at the statement that lacks the grant or, for a configured source, at the policy. That finding
              // gains this destination entry as a related place.
              if (!target.facts.causedSources?.includes(sourceAccount)) continue;
              for (const cause of target.facts.causes ?? []) {
                if (cause.account !== sourceAccount) continue;
                project.relate({ filePath: target.filePath, ruleId: "require-replicate-image", messageId: cause.messageId, line: cause.loc.line, column: cause.loc.column, related: [replicatesHere] });
              }
            }
            const list = asks.get(key);
            if (list) list.push(ask);
            else asks.set(key, [ask]);
          }
        }
      }
      for (const [key, asked] of asks) {
        for (const target of policies.get(key)!) {
          if (target.facts.kind !== "policy") continue;
          const facts = target.facts;
          // Compiled on the first ask the policy does not already answer through require-replicate-image.
          let policy: CompiledPolicy | undefined;
          // One budget per destination policy, shared by every source that replicates into it.
          const budget = new WorkBudget(DEFAULT_ANALYSIS_STEPS);
          const verdicts = new Map<string, Verdict>();
          for (const q of asked) {
            if (facts.causedSources?.includes(q.sourceAccount)) continue;
            policy ??= compileFacts(facts);
            if (!policy) break;
            if (!verdicts.has(q.question)) verdicts.set(q.question, verdictOf(target, facts, policy, budget, q));
            answer(project, target, facts, verdicts.get(q.question), budget, q);
          }
        }
      }
    },
  },
});

/** One destination entry of a replication configuration, asked of every registry policy of that destination. */
interface Ask {
  source: File;
  sourceAccount: string;
  /** The source as the policy is asked about it (its account's root). */
  sourcePrincipal: string;
  /** What the ask asks, as a key: asks of one account with the same filters and partition get the same verdict. */
  question: string;
  destination: { partition: string; account: string; region: string };
  loc: Span;
  filters: string[];
  replicatesHere: { filePath: string; message: string } & Span;
}

/**
 * What a destination policy answers one question (a source account replicating its filtered names into the
 * destination): nothing when every name may replicate, else how the first refused name fails. Sources of one account
 * with the same filters ask the same question, so it is answered once per policy (`Ask.question`).
 */
type Verdict =
  | undefined
  | { kind: "configured" }
  | { kind: "tooComplex" | "missingGrant"; namePrefix: string }
  | { kind: "deniedGrant"; namePrefix: string; denyLine: number; denySpan: Span | undefined };

function verdictOf(target: File, facts: PolicyFacts, policy: CompiledPolicy, budget: WorkBudget, q: Ask): Verdict {
  const { sourceAccount, destination, sourcePrincipal } = q;
  // A source the destination's config lists is require-replicate-image's to report when the policy lets it
  // replicate into no repository at all; only a refusal narrower than that (the filtered names) is ours.
  const configured = target.registry.replicationSources?.includes(sourceAccount) ?? false;
  for (const namePrefix of q.filters.length ? q.filters : [""]) {
    const answer = replicationGrant(policy, { source: sourcePrincipal, destination, repositories: { prefix: namePrefix }, budget });
    if (answer.status === "granted" || answer.status === "undetermined") continue;
    if (configured && (answer.status === "too-complex" || replicationGrant(policy, { source: sourcePrincipal, destination, repositories: { pattern: "*" }, budget }).status !== "granted")) {
      return { kind: "configured" };
    }
    if (answer.status === "too-complex") return { kind: "tooComplex", namePrefix };
    const denyLine = answer.status === "cancelled" ? facts.statementLines[answer.deny.index] : undefined;
    if (answer.status === "cancelled" && denyLine !== undefined) return { kind: "deniedGrant", namePrefix, denyLine, denySpan: facts.statementSpans?.[answer.deny.index] };
    return { kind: "missingGrant", namePrefix };
  }
  return undefined;
}

/** Whether the destination's policy lets one source replicate each of its filtered names, reported at the source. */
function answer(project: ProjectContext<Facts, Options>, target: File, facts: PolicyFacts, verdict: Verdict, budget: WorkBudget, q: Ask): void {
  if (!verdict) return;
  const { source, sourceAccount, destination, replicatesHere } = q;
  if (verdict.kind === "configured") {
    const at = facts.statementsSpan;
    if (at) project.relate({ filePath: target.filePath, ruleId: "require-replicate-image", messageId: "sourceNotAllowed", line: at.line, column: at.column, related: [replicatesHere] });
    return;
  }
  const data = {
    policyFile: target.relativePath,
    destinationAccount: destination.account,
    region: destination.region,
    sourceAccount,
    repositories: `"repository/${verdict.namePrefix}*"`,
  };
  if (verdict.kind === "tooComplex") {
    const { repositories: _all, ...about } = data;
    project.report({ filePath: source.filePath, messageId: "tooComplex", loc: q.loc, data: { ...about, steps: budget.limit.toLocaleString("en-US") } });
  } else if (verdict.kind === "deniedGrant") {
    const related = verdict.denySpan ? [{ filePath: target.filePath, ...verdict.denySpan, message: `the Deny statement of the destination's registry policy that cancels the grant` }] : [];
    project.report({ filePath: source.filePath, messageId: "deniedGrant", loc: q.loc, data: { ...data, denyLine: verdict.denyLine }, related });
  } else {
    const at = facts.statementsSpan;
    const related = at ? [{ filePath: target.filePath, ...at, message: `the destination's registry policy, where no statement allows account ${sourceAccount} "ecr:ReplicateImage"` }] : [];
    project.report({ filePath: source.filePath, messageId: "missingGrant", loc: q.loc, data, related });
  }
}
