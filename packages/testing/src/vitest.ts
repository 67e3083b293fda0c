import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkExpectation, evaluatePolicy, type Expectation, type TestRequest } from "./check.js";
import { findCasesFiles, runCasesFile } from "./cases.js";
import { denyExpectation, type DenyRequest } from "./index.js";
import type { PolicyLike } from "./policy.js";
import { checkGrantsExactly, checkGrantsNoMoreThan, type GrantExactlyOptions, type GrantOptions, type GrantOutcome } from "./access-diff.js";

export type { TestRequest, DenyRequest, GrantOptions, GrantExactlyOptions };

/** The matchers `@ecrlint/testing/vitest` adds to `expect`. */
export interface PolicyMatchers<R = unknown> {
  /** The policy allows the action (for some principal and resource when they are left out). */
  toAllow(action: string, request?: TestRequest): R;
  /** The policy denies the action (for every principal and resource when they are left out). */
  toDeny(action: string, request?: DenyRequest): R;
  /** The policy (the new version) grants nothing that `before` does not; access it removes is fine. */
  toGrantNoMoreThan(before: PolicyLike, options?: GrantOptions): R;
  /** The policy grants what `before` does, plus exactly `plus` and minus exactly `minus`. */
  toGrantExactly(before: PolicyLike, options?: GrantExactlyOptions): R;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends PolicyMatchers<T> {}
}

interface MatcherState {
  isNot: boolean;
}

function run(this: MatcherState, received: unknown, action: string, request: TestRequest, expected: Expectation) {
  const evaluation = evaluatePolicy(received as PolicyLike, action, request);
  for (const warning of evaluation.warnings ?? []) process.emitWarning(warning, { type: "EcrlintWarning", code: "ECRLINT_CONTEXT_KEY" });
  const outcome = checkExpectation(evaluation, expected);
  return {
    pass: outcome.pass,
    message: () => outcome.message,
    actual: evaluation.decision,
    expected,
  };
}

function grantResult(outcome: GrantOutcome) {
  return { pass: outcome.pass, message: () => outcome.message, actual: outcome.diff.gained.length + outcome.diff.lost.length, expected: 0 };
}

expect.extend({
  toGrantNoMoreThan(this: MatcherState, received: unknown, before: PolicyLike, options: GrantOptions = {}) {
    return grantResult(checkGrantsNoMoreThan(received as PolicyLike, before, options));
  },
  toGrantExactly(this: MatcherState, received: unknown, before: PolicyLike, options: GrantExactlyOptions = {}) {
    return grantResult(checkGrantsExactly(received as PolicyLike, before, options));
  },
  toAllow(this: MatcherState, received: unknown, action: string, request: TestRequest = {}) {
    return run.call(this, received, action, request, "allow");
  },
  toDeny(this: MatcherState, received: unknown, action: string, request: DenyRequest = {}) {
    const { decision, ...rest } = request;
    return run.call(this, received, action, rest, denyExpectation(decision));
  },
});

/**
 * An error whose one stack frame is a place in a cases file: Vitest then shows that line of the user's file,
 * not the line of this package that threw.
 */
function errorAt(message: string, file: string, line = 1, column = 1): Error {
  const error = new Error(message);
  error.stack = `Error: ${message}\n    at ${file}:${line}:${column}`;
  return error;
}

/**
 * Turns every case of the matching cases files into a Vitest test: one `describe` per file, one `it` per case.
 * An invalid file becomes one failing test that names the file and the key path.
 */
export function definePolicyTests(patterns: string | readonly string[] = ["**/*.cases.json"], options: { cwd?: string } = {}): void {
  const cwd = resolve(options.cwd ?? process.cwd());
  const files = findCasesFiles(typeof patterns === "string" ? [patterns] : patterns, cwd);
  if (files.length === 0) {
    it(`finds cases files for ${JSON.stringify(patterns)}`, () => {
      throw new Error(`No cases file matches ${JSON.stringify(patterns)} under ${cwd}.`);
    });
    return;
  }
  for (const file of files) {
    const result = runCasesFile(file, { cwd });
    const path = resolve(cwd, result.file);
    describe(result.file, () => {
      if (result.error) {
        it("is a valid cases file", () => {
          throw errorAt(`${result.file}${result.error!.keyPath ? ` ${result.error!.keyPath}` : ""}: ${result.error!.message}`, path);
        });
        return;
      }
      for (const c of result.cases) {
        it(c.name, () => {
          if (!c.pass) throw errorAt(c.message, path, c.line, c.column);
        });
      }
    });
  }
}
