import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { JobResult } from "./read-file.js";
import type { LintOptions } from "./types.js";

/**
 * Below this many files to lint, the rules run in the main thread: starting a worker costs about what linting
 * 30 policy files does (each worker loads the rules and the evaluator), so a pool pays only on larger runs.
 */
export const POOL_THRESHOLD = 64;

/** Jobs handed to one worker and not yet answered: enough to keep it busy, few enough that texts do not pile up. */
const IN_FLIGHT_PER_WORKER = 8;

/** What the main thread sends a worker: one file's path and text. */
export interface WorkerJob {
  id: number;
  filePath: string;
  text: string;
}

export type WorkerReply = { id: number; result: JobResult } | { id: number; error: string };

/** What every worker is started with: the run's root and options, from which it finds the same configs. */
export interface WorkerSetup {
  cwd: string;
  options: LintOptions;
}

const workerScript = fileURLToPath(new URL("./lint-worker.js", import.meta.url));

/**
 * How many workers a run uses: `options.workers` when given (0 or 1: none), else one per available core once at
 * least {@link POOL_THRESHOLD} files are to be linted. None where the worker script is absent (running from the
 * TypeScript sources).
 */
export function poolSize(options: LintOptions, jobs: number): number {
  if (!existsSync(workerScript)) return 0;
  if (options.workers !== undefined) return options.workers > 1 ? options.workers : 0;
  const cores = availableParallelism();
  return jobs >= POOL_THRESHOLD && cores > 1 ? cores : 0;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Workers that run the rules on files' texts (read-file.ts `runRulesOn`), each with its own configs. Answers come
 * back in any order; the caller puts them in place by id, so a pooled run reports exactly what a serial one does.
 */
export class LintPool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, (reply: WorkerReply) => void>();
  private room: (() => void) | undefined;
  private failure: Error | undefined;
  private closing = false;

  constructor(size: number, setup: WorkerSetup) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(workerScript, { workerData: setup });
      const slot: Slot = { worker, busy: 0 };
      worker.on("message", (reply: WorkerReply) => {
        slot.busy--;
        const done = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        done?.(reply);
        this.wake();
      });
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        if (!this.closing && (code !== 0 || slot.busy > 0)) this.fail(new Error(`a lint worker stopped (exit code ${code})`));
      });
      this.slots.push(slot);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const done of this.waiting.values()) done({ id: -1, error: error.message });
    this.waiting.clear();
    this.wake();
  }

  private wake(): void {
    const room = this.room;
    this.room = undefined;
    room?.();
  }

  /** Hands a job to the least busy worker, first waiting for room; `done` gets its answer. */
  async submit(job: WorkerJob, done: (reply: WorkerReply) => void): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      if (slot.busy < IN_FLIGHT_PER_WORKER) {
        slot.busy++;
        this.waiting.set(job.id, done);
        slot.worker.postMessage(job);
        return;
      }
      await new Promise<void>((resolve) => (this.room = resolve));
    }
  }

  /** Waits for every answer. */
  async drain(): Promise<void> {
    while (this.waiting.size > 0 && !this.failure) await new Promise<void>((resolve) => (this.room = resolve));
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
