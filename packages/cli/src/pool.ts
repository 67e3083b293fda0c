import type { FolderSnapshot, TerraformDataUse, TerraformFileReference } from "@ecrlint/core";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { JobResult } from "./read-file.js";
import { addTimings, type RecordedTimings } from "./timing.js";
import type { LintOptions } from "./types.js";

/**
 * Below this many files to lint, the rules run in the main thread: starting a worker costs about what linting
 * 30 policy files does (each worker loads the rules and the evaluator), so a pool pays only on larger runs.
 */
export const POOL_THRESHOLD = 64;

/**
 * A worker's old generation, in MB: far above what linting one file holds (a 5 MB file included), low enough that
 * the workers' garbage does not double the run's memory. A worker that needs more dies, and its files are linted
 * in the main thread.
 */
const WORKER_OLD_SPACE_MB = 64;

/** Jobs handed to one worker and not yet answered: enough to keep it busy, few enough that texts do not pile up. */
const IN_FLIGHT_PER_WORKER = 8;

/** What the main thread sends a worker: one file's path and text. */
export interface WorkerJob {
  id: number;
  filePath: string;
  text: string;
  reference?: TerraformFileReference;
  uses?: readonly TerraformDataUse[];
}

/** A worker's answer; with `ECRLINT_TIMING`, the times it recorded for the job come along (see timing.ts). */
export type WorkerReply = { id: number; result: JobResult; timings?: RecordedTimings } | { id: number; error: string; timings?: RecordedTimings } | { id: number; lost: true };

/** What every worker is started with: the run's root and options, from which it finds the same configs. */
export interface WorkerSetup {
  cwd: string;
  options: LintOptions;
  /** The folders the main thread has listed, with only the entries the config search reads: a worker lists none of them again. */
  folders?: FolderSnapshot;
}

const workerScript = fileURLToPath(new URL("./lint-worker.js", import.meta.url));

/**
 * How many workers a run uses: `options.workers` when given (0 or 1: none), else one per available core once at
 * least {@link POOL_THRESHOLD} files are to be linted. None where the worker script is absent (running from the
 * TypeScript sources).
 */
export function poolSize(options: LintOptions, jobs: number): number {
  const size = options.workers ?? (jobs >= POOL_THRESHOLD ? availableParallelism() : 0);
  return size > 1 && existsSync(workerScript) ? size : 0;
}

interface Slot {
  worker: Worker;
  /** The jobs it holds, and who waits for each. */
  jobs: Map<number, (reply: WorkerReply) => void>;
}

/**
 * Workers that run the rules on files' texts (read-file.ts `runRulesOn`), each with its own configs. Answers come
 * back in any order; the caller puts them in place by id, so a pooled run reports exactly what a serial one does.
 * A worker that dies (out of its memory on a huge file) hands its jobs back as `lost`: the caller lints them in
 * its own thread, and the run goes on with the other workers.
 */
export class LintPool {
  private slots: Slot[] = [];
  private room: (() => void) | undefined;
  private closing = false;

  constructor(size: number, setup: WorkerSetup) {
    for (let i = 0; i < size; i++) {
      // A worker holds one file at a time: small heap limits keep its garbage, and the process's memory, low.
      const worker = new Worker(workerScript, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: WORKER_OLD_SPACE_MB } });
      const slot: Slot = { worker, jobs: new Map() };
      worker.on("message", (reply: WorkerReply) => {
        if ("timings" in reply && reply.timings) addTimings(reply.timings);
        const done = slot.jobs.get(reply.id);
        slot.jobs.delete(reply.id);
        done?.(reply);
        this.wake();
      });
      worker.on("error", () => this.lose(slot));
      worker.on("exit", () => this.lose(slot));
      this.slots.push(slot);
    }
  }

  private lose(slot: Slot): void {
    if (this.closing || !this.slots.includes(slot)) return;
    this.slots = this.slots.filter((s) => s !== slot);
    for (const [id, done] of slot.jobs) done({ id, lost: true });
    slot.jobs.clear();
    void slot.worker.terminate();
    this.wake();
  }

  private wake(): void {
    const room = this.room;
    this.room = undefined;
    room?.();
  }

  /**
   * Hands a job to the least busy worker, first waiting for room; `done` gets its answer. False when no worker is
   * left: the caller runs the job itself.
   */
  async submit(job: WorkerJob, done: (reply: WorkerReply) => void): Promise<boolean> {
    for (;;) {
      if (this.slots.length === 0) return false;
      const slot = this.slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
      if (slot.jobs.size < IN_FLIGHT_PER_WORKER) {
        slot.jobs.set(job.id, done);
        slot.worker.postMessage(job);
        return true;
      }
      await new Promise<void>((resolve) => (this.room = resolve));
    }
  }

  /** Waits for every answer. */
  async drain(): Promise<void> {
    while (this.slots.some((slot) => slot.jobs.size > 0)) await new Promise<void>((resolve) => (this.room = resolve));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
