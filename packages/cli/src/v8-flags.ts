import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the heap grow past what the last full collection kept before it collects again, in percent.
 * V8's own factor is dynamic, up to 4x (about 2.5x in our runs): a run over 50,000 files kept 105-166 MB live but
 * reached 268-419 MB of heap before V8 collected, and its peak RSS with it. The factor is read at every collection,
 * so setting it at run time works, and V8's flags are the process's, so the pool's worker threads get it too.
 * Measured on the seeded bench trees, cold, 2 CPUs (one thread / pooled, peak RSS): at 50,000 files, half of them
 * policies, 10% gave 271/290 MB, 15% 282/299, 20% 293/297, 30% 302/307; at 10% policies every value from 10% to 30%
 * gave about 200/268 MB. At 10,000 files no value changed the CPU time; at 50,000 files 10% cost some (about 1 s
 * of 15), 20% none that the noise of a shared machine showed.
 */
export const HEAP_GROWING_PERCENT = 20;

/**
 * How much a function runs, in V8's units of its bytecode budget, before V8 considers optimising it. A run is
 * short (about a second at 10,000 files) and calls most of its functions a few thousand times: at V8's 67,584,
 * TurboFan compiled hundreds of functions that a run then barely used, a third of the CPU of a cold run, on the
 * same 2 cores the run needs. Measured on the seeded bench trees (default pool, 2 CPUs, interleaved, wall / CPU):
 * 10,000 files, 10% policies, 1.15 / 2.0 s at V8's budget, 0.85 / 1.35 s at 500,000, 0.86 / 1.34 s at 1,000,000
 * and 2,000,000; half policies 2.6-2.8 / 4.4-4.7 s against 2.3 / 3.6 s at 500,000 (2.5 s at 2,000,000); 50,000
 * files, half policies, no slower (9.4-10.9 s against 9.5-9.8 s).
 */
export const INTERRUPT_BUDGET = 500_000;

/** The V8 flags the command line sets for its own process, by name (as node's command line writes them). */
const FLAGS: Record<string, number> = { "--heap-growing-percent": HEAP_GROWING_PERCENT, "--interrupt-budget": INTERRUPT_BUDGET };

/**
 * Whether the user gave V8 the flag `name` themselves (`node --heap-growing-percent=10 ecrlint.js`): theirs wins.
 * Node refuses V8's flags in NODE_OPTIONS, so the command line is the one place to look; V8 reads `_` as `-`.
 */
export function flagChosen(name: string, execArgv: readonly string[]): boolean {
  const pattern = new RegExp(`^${name.replace(/-/g, "[-_]")}(=|$)`);
  return execArgv.some((arg) => pattern.test(arg));
}

/**
 * Imported by the binary alone, for its side effect: the command line owns its process. The programmatic API
 * (`lint()`) leaves V8 alone: its process is the host's (an editor, a build tool), whose heap and compiler are its
 * own to tune.
 */
for (const [name, value] of Object.entries(FLAGS)) if (!flagChosen(name, process.execArgv)) setFlagsFromString(`${name}=${value}`);
