import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the heap grow past what the last full collection kept before it collects again, in percent.
 * V8's own factor is dynamic, up to 4x (about 2.5x in our runs): a run over 50,000 files kept 105-166 MB live but
 * reached 268-419 MB of heap before V8 collected, and its peak RSS with it. The factor is read at every collection,
 * so setting it at run time works, and V8's flags are the process's, so the pool's worker threads get it too.
 * Measured on the seeded bench trees, cold, 2 CPUs (one thread / pooled, peak RSS): at 50,000 files, half of them
 * policies, 10% gave 271/290 MB, 15% 282/299, 20% 293/297, 30% 302/307; at 10% policies every value from 10% to 30%
 * gave about 200/268 MB. At 50,000 files 10% cost about 1 s of CPU in 15, 20% none that the noise of a shared
 * machine showed. At 10,000 files one thread's CPU time does not move; a pooled run's may cost up to 0.1 s of 2.1
 * (the worker's small heap is collected more often), within the noise of the interleaved runs.
 */
export const HEAP_GROWING_PERCENT = 20;

const FLAG = "--heap-growing-percent";

/**
 * Whether the user chose the factor themselves (`node --heap-growing-percent=10 ecrlint.js`): theirs wins. Node
 * refuses V8's flags in NODE_OPTIONS, so the command line is the one place to look.
 */
export function heapGrowthChosen(execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg));
}

/**
 * Imported by the binary alone, for its side effect: the command line owns its process. The programmatic API
 * (`lint()`) leaves the flag alone: its process is the host's (an editor, a build tool), whose heap is its own to tune.
 */
if (!heapGrowthChosen(process.execArgv)) setFlagsFromString(`${FLAG}=${HEAP_GROWING_PERCENT}`);
