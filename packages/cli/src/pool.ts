import type { FolderSnapshot, TerraformDataUse, TerraformFileReference } from "@ecrlint/core";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { JobResult } from "./read-file.js";
import { addTimings, type RecordedTimings } from "./timing.js";
import type { LintOptions } from "./types.js";

/**
 * Below this many files to lint, the rules run in the main thread. A worker costs its start-up (it loads the rules
 * and the evaluator) and the copies of each file's text and answer, and the reading thread lints beside it: on 2
 * CPUs, cold, 100 policies took 0.35 s pooled against 0.27 s in one thread, 500 the same 0.52 s with a third more
 * CPU, 1,000 (among 10,000 files) 0.87 s against 0.95 s.
 */
export const POOL_THRESHOLD = 512;

/**
 * A worker's young generation, in MB. Linting a policy allocates a few MB of short-lived objects (the AST, the
 * model, the compiled policy, the searches): at 8 MB a worker scavenged every few files (72 scavenges on a 10,000
 * file tree with 1,000 policies, 24 at 32 MB, 19 at 64 MB), and 32 MB costs about 30 MB more resident memory.
 */
const WORKER_YOUNG_GENERATION_MB = 32;

/**
 * A worker's old generation, in MB: far above what linting one file holds (a 5 MB file included), low enough that
 * the workers' garbage does not double the run's memory. A worker that needs more dies, and its files are linted
 * in the main thread.
 */
const WORKER_OLD_SPACE_MB = 64;

/**
 * Files sent to a worker in one message. Each message costs a wake-up and a copy on both sides: sending files one
 * by one spent a tenth of a worker's time on messages. Batches stay small enough that the last ones of a run
 * spread over every worker.
 */
const MAX_BATCH = 32;

/** Fewer files than this wait for more before a batch is sent, while the run is still reading. */
const MIN_BATCH = 8;

/** Batches handed to one worker and not yet answered: one to work on and one waiting, so a worker never idles. */
const BATCHES_PER_WORKER = 2;

/**
 * Texts waiting for a worker, in UTF-16 code units: beyond this the pool is backlogged, and the reading thread lints
 * from the queue instead of reading on, so a run never holds every text.
 */
const MAX_QUEUED_CHARS = 8 * 1024 * 1024;

/** What the main thread sends a worker: one file's path and text. */
export interface WorkerJob {
  id: number;
  filePath: string;
  text: string;
  reference?: TerraformFileReference;
  uses?: readonly TerraformDataUse[];
}

/** A worker's answer; with `ECRLINT_TIMING`, the times it recorded for the job come along (see timing.ts). */
export type WorkerReply = { id: number; result: JobResult } | { id: number; error: string } | { id: number; lost: true };

/** One message each way: a batch of jobs, and the answers to all of them with the times recorded meanwhile. */
export interface WorkerBatch {
  jobs: WorkerJob[];
  /** With a worker's first batch after the main thread's walk, when the worker was started before it. */
  folders?: FolderSnapshot;
}
export interface WorkerAnswers {
  replies: WorkerReply[];
  timings?: RecordedTimings;
}

/** What every worker is started with: the run's root and options, from which it finds the same configs. */
export interface WorkerSetup {
  cwd: string;
  options: LintOptions;
  /** The folders the main thread has listed, with only the entries the config search reads: a worker lists none of them again. */
  folders?: FolderSnapshot;
}

const workerModule = new URL("./lint-worker.js", import.meta.url);
const workerScript = fileURLToPath(workerModule);

/**
 * What a pool's thread runs: a line that imports the worker module, rather than the module started as a file. A
 * worker thread takes the process's Node options, and one started from a file refuses `--input-type` (a script that
 * calls `lint()` given to `node --input-type=module` with `-e` or on standard input): each worker died as it started,
 * and the run linted alone. `import()` reads the same as CommonJS and as a module.
 */
const WORKER_CODE = `import(${JSON.stringify(workerModule.href)});`;

/**
 * At most this many workers per core, whatever a run asks for: a worker is a V8 isolate of its own (25-45 MB once
 * it has loaded the rules), threads beyond the cores only take turns on them, and `ECRLINT_WORKERS=100000` once
 * started them all and the process died out of memory before it read a file.
 */
export const MAX_WORKERS_PER_CPU = 4;

/**
 * How many workers a run may use: `options.workers` when given (0: none), else {@link defaultWorkers}; never more
 * than {@link MAX_WORKERS_PER_CPU} per core, nor (as ESLint's `--concurrency`) more than the `files` the run reads
 * when it knows them. None where the worker script is absent (running from the TypeScript sources).
 */
function workerCount(options: LintOptions, files = Number.POSITIVE_INFINITY): number {
  const cpus = availableParallelism();
  const size = Math.min(options.workers ?? defaultWorkers(cpus), MAX_WORKERS_PER_CPU * cpus, files);
  return size > 0 && existsSync(workerScript) ? size : 0;
}

/**
 * Workers by default on a machine of `cpus` cores: one per core but the one the main thread walks and reads the
 * tree on, from 3 cores. On 2, one worker beside the reading thread did not pay: each file's text and answer are
 * copied between threads, and the worker loads, compiles and collects on its own, so it took a quarter more CPU on
 * the same 2 cores, and the seeded bench trees (cold, 3 rounds, medians) ran 8% faster at 10,000 files with a
 * tenth of policies (0.86 s against 0.93 s), 3% at 10,000 with half, and 11% and 15% slower at 50,000 (3.84 s
 * against 3.44 s, 12.0 s against 10.2 s), with 25-60 MB more memory.
 */
export function defaultWorkers(cpus: number): number {
  return cpus > 2 ? cpus - 1 : 0;
}

/** Whether a run may use workers at all: not with `workers: 0`, nor where the worker script is absent. */
export function poolPossible(options: LintOptions): boolean {
  return workerCount(options) > 0;
}

/**
 * How many workers a run uses once `jobs` files of the `files` it reads are to be linted: {@link workerCount} when
 * the workers were asked for (`options.workers`) or from {@link POOL_THRESHOLD} files on, else none.
 */
export function poolSize(options: LintOptions, jobs: number, files: number): number {
  return options.workers !== undefined || jobs >= POOL_THRESHOLD ? workerCount(options, files) : 0;
}

/**
 * Discovered files from which the workers start while the walk goes on, so that they have loaded the rules when
 * the main thread reads: at a tenth of policies, such a tree has about {@link POOL_THRESHOLD} files to lint.
 */
export const EARLY_START_FILES = 4096;

/**
 * How many workers to start ahead of the files' reading, once discovery has found `discovered` files: one from the
 * first file on when the workers were asked for (`options.workers`: it loads the rules while the walk goes on; the
 * rest start once the run knows how many files it reads, never more than those), else all of them from
 * {@link EARLY_START_FILES} files on, unless the run reads a cache (a warm run lints nothing). Small runs (a
 * pre-commit hook, a small repository) start none: a worker's start-up costs more than they lint. A pool started so
 * and not needed is closed.
 */
export function earlyPoolSize(options: LintOptions, discovered: number): number {
  if (options.workers !== undefined) return discovered > 0 ? Math.min(workerCount(options, discovered), 1) : 0;
  return discovered >= EARLY_START_FILES && !options.cache ? workerCount(options) : 0;
}

interface Queued {
  job: WorkerJob;
  done: (reply: WorkerReply) => void;
}

interface Slot {
  worker: Worker;
  /** The jobs it holds, and who waits for each. */
  jobs: Map<number, (reply: WorkerReply) => void>;
  /** Batches sent and not yet answered. */
  batches: number;
  /** Whether it has been sent the folders shared after it started. */
  hasFolders: boolean;
}

/**
 * Workers that run the rules on files' texts (read-file.ts `runRulesOn`), each with its own configs. Jobs wait in
 * a queue and go out in batches; answers come back in any order, and the caller puts them in place by id, so a
 * pooled run reports exactly what a serial one does. A worker that dies (out of its memory on a huge file) hands
 * its jobs back as `lost`: the caller lints them in its own thread, and the run goes on with the other workers.
 * An idle worker does not keep the process alive, so a pool started early and never used costs nothing at exit.
 */
export class LintPool {
  /** {@link MAX_QUEUED_CHARS}, for every pool of the process (tests lower it to reach a backlog with small files). */
  static maxQueuedChars = MAX_QUEUED_CHARS;

  private slots: Slot[] = [];
  private queue: Queued[] = [];
  private queuedChars = 0;
  /** No more jobs will come: batches go out however small. */
  private flushing = false;
  /** Who waits for the next answer from a worker (see {@link answered}). */
  private waiting: (() => void)[] = [];
  private closing = false;
  private folders: FolderSnapshot | undefined;

  /**
   * The folders the main thread listed after the pool started (it starts while discovery walks): each worker gets
   * them with its next batch, and lists none of them itself.
   */
  shareFolders(folders: FolderSnapshot): void {
    this.folders = folders;
  }

  constructor(
    size: number,
    private readonly setup: WorkerSetup,
  ) {
    this.grow(size);
  }

  /** Starts workers until the pool has `size` of them (a pool started early, before the run knew its files). */
  grow(size: number): void {
    const setup = this.folders ? { ...this.setup, folders: this.folders } : this.setup;
    for (let started = this.slots.length; started < size; started++) {
      const worker = new Worker(WORKER_CODE, {
        eval: true,
        workerData: setup,
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: WORKER_OLD_SPACE_MB },
      });
      worker.unref();
      const slot: Slot = { worker, jobs: new Map(), batches: 0, hasFolders: this.folders !== undefined };
      worker.on("message", (answers: WorkerAnswers) => {
        if (answers.timings) addTimings(answers.timings);
        slot.batches--;
        for (const reply of answers.replies) {
          const done = slot.jobs.get(reply.id);
          slot.jobs.delete(reply.id);
          done?.(reply);
        }
        if (slot.batches === 0) worker.unref();
        this.dispatch();
        this.wake();
      });
      worker.on("error", () => this.lose(slot));
      worker.on("exit", () => this.lose(slot));
      this.slots.push(slot);
    }
  }

  /** How many workers the pool has (started, and not lost). */
  get size(): number {
    return this.slots.length;
  }

  /** Jobs sent and not answered, and jobs waiting. */
  get outstanding(): number {
    return this.queue.length + this.slots.reduce((n, slot) => n + slot.jobs.size, 0);
  }

  private lose(slot: Slot): void {
    if (this.closing || !this.slots.includes(slot)) return;
    this.slots = this.slots.filter((s) => s !== slot);
    for (const [id, done] of slot.jobs) done({ id, lost: true });
    slot.jobs.clear();
    void slot.worker.terminate();
    this.dispatch();
    this.wake();
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /** Sends batches to the workers with room for one; with no worker left, the queue comes back as lost. */
  private dispatch(): void {
    if (this.slots.length === 0) {
      for (const { job, done } of this.queue.splice(0)) done({ id: job.id, lost: true });
      this.queuedChars = 0;
      return;
    }
    for (;;) {
      const slot = this.slots.reduce((a, b) => (b.batches < a.batches ? b : a));
      if (slot.batches >= BATCHES_PER_WORKER || this.queue.length === 0) return;
      if (!this.flushing && this.queue.length < MIN_BATCH) return;
      // At the end of a run, batches shrink so that every worker gets a share of what is left.
      const share = Math.ceil(this.queue.length / (this.slots.length * BATCHES_PER_WORKER));
      const batch = this.queue.splice(0, this.flushing ? Math.min(MAX_BATCH, share) : MAX_BATCH);
      for (const { job, done } of batch) {
        slot.jobs.set(job.id, done);
        this.queuedChars -= job.text.length;
      }
      slot.batches++;
      slot.worker.ref();
      const folders = this.folders && !slot.hasFolders ? this.folders : undefined;
      if (folders) slot.hasFolders = true;
      slot.worker.postMessage({ jobs: batch.map((q) => q.job), ...(folders ? { folders } : {}) } satisfies WorkerBatch);
    }
  }

  /** Queues a job for a worker; `done` gets its answer (or `lost`: the caller runs the job itself). */
  submit(job: WorkerJob, done: (reply: WorkerReply) => void): void {
    this.queue.push({ job, done });
    this.queuedChars += job.text.length;
    this.dispatch();
  }

  /**
   * Whether more text waits for the workers than {@link MAX_QUEUED_CHARS}: the reading thread then lints jobs from
   * the queue ({@link takeBack}) until it is not. On 2 cores, waiting for the worker instead left the reading
   * thread idle for a quarter of a 50,000-file run while the worker linted.
   */
  get backlogged(): boolean {
    return this.queuedChars > LintPool.maxQueuedChars && this.slots.length > 0;
  }

  /** Sends what waits, however few, and waits for every answer. */
  async drain(): Promise<void> {
    this.flushing = true;
    this.dispatch();
    while (this.outstanding > 0) await this.answered();
  }

  /** No more jobs will come: from now on batches go out however small. */
  finishing(): void {
    this.flushing = true;
    this.dispatch();
  }

  /**
   * Takes back the last job still waiting for a worker, for the caller to run in its own thread and answer through
   * `done`: when the pool is {@link backlogged}, and once the run has read every file, the reading thread lints too
   * instead of idling until the workers are done. Undefined when no job waits.
   */
  takeBack(): { id: number; done: (reply: WorkerReply) => void } | undefined {
    const last = this.queue.pop();
    if (!last) return undefined;
    this.queuedChars -= last.job.text.length;
    return { id: last.job.id, done: last.done };
  }

  /** Resolves at the next answer from a worker (or a worker's loss). */
  answered(): Promise<void> {
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
