// A worker of the pool (pool.ts): it finds each file's config and context as the main thread does, from the same
// root and options, and runs the rules on the text it is sent. Its answers are plain data.
import { parentPort, workerData } from "node:worker_threads";
import { Configs } from "./configs.js";
import type { WorkerJob, WorkerReply, WorkerSetup } from "./pool.js";
import { runRulesOn, sourceContext } from "./read-file.js";

const { cwd, options } = workerData as WorkerSetup;
const configs = new Configs(cwd, options);

parentPort!.on("message", (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    const { context } = sourceContext(job.filePath, configs.forFile(job.filePath), configs, options, undefined);
    reply = { id: job.id, result: runRulesOn(job.text, context, options) };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
