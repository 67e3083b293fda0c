// Compiled by test/types.test.ts: the matchers are typed through the `vitest` module augmentation.
import { expect } from "vitest";
import "@ecrlint/testing/vitest";
import { expectAllowed, expectDenied, type PolicyEvaluation } from "@ecrlint/testing";

expect("policy.json").toAllow("ecr:ReplicateImage");
expect({ Version: "2012-10-17", Statement: [] }).toAllow("ecr:ReplicateImage", { principal: "111122223333", context: { "aws:TagKeys": ["a"] } });
expect("policy.json").not.toDeny("ecr:PutImage", { decision: "explicit", registry: { account: "444455556666", region: "us-west-2" } });

// @ts-expect-error the action is required
expect("policy.json").toAllow();
// @ts-expect-error context values are strings or lists of strings
expect("policy.json").toAllow("ecr:PutImage", { context: { "aws:SourceIp": 10 } });
// @ts-expect-error decision is explicit, implicit or any
expect("policy.json").toDeny("ecr:PutImage", { decision: "never" });
// @ts-expect-error toAllow takes no deny decision
expect("policy.json").toAllow("ecr:PutImage", { decision: "explicit" });
// @ts-expect-error not a matcher
expect("policy.json").toPermit("ecr:PutImage");

const evaluation: PolicyEvaluation = expectAllowed("policy.json", "ecr:ReplicateImage");
const decision: "allow" | "explicit-deny" | "implicit-deny" | "inconclusive" = evaluation.decision;
expectDenied("policy.json", "ecr:PutImage", { decision: "explicit" });
// @ts-expect-error principal is a string
expectDenied("policy.json", "ecr:PutImage", { principal: 111122223333 });
void decision;

expect({ Version: "2012-10-17", Statement: [] }).toGrantNoMoreThan("base-policy.json", { registry: { account: "444455556666", region: "us-west-2" } });
expect("policy.json").toGrantExactly("base-policy.json", { plus: [{ principal: "111122223333", actions: ["ecr:BatchGetImage"] }], minus: [{ repositories: "*" }] });
// @ts-expect-error plus lists expected access, not strings
expect("policy.json").toGrantExactly("base-policy.json", { plus: ["111122223333"] });
