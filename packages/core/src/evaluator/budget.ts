/**
 * Work budgets, counted in steps, never in time: the same input gives the same answer on any machine. A step is
 * one unit of the evaluator's inner loops (one statement tried against a request, one transition of the class
 * search for one glob). When a budget runs out the analysis stops and says it is too complex to analyse.
 */
export class WorkBudget {
  /** Steps spent so far. */
  steps = 0;

  constructor(readonly limit: number) {}

  /**
   * Spends `n` steps before the work they pay for; false, with nothing done, when they are not there (and from then
   * on). One costly step cannot overdraw the budget: the work is refused before it starts.
   */
  spend(n = 1): boolean {
    if (this.exhausted || this.steps + n > this.limit) {
      this.steps = this.limit + 1;
      return false;
    }
    this.steps += n;
    return true;
  }

  get exhausted(): boolean {
    return this.steps > this.limit;
  }
}

/** What an analysis that ran out of budget answers. */
export const TOO_COMPLEX = "too complex to analyse";

/**
 * Steps for one question a rule asks about a policy (an outsider search, a replication grant). A policy under the
 * 10,240-character limit of put-registry-policy stays far under a second per question on an ordinary machine.
 */
export const DEFAULT_ANALYSIS_STEPS = 1_000_000;

/** Steps for one class search (`classWitnesses`) when its caller gives no budget. */
export const DEFAULT_SEARCH_STEPS = 500_000;
