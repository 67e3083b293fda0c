// A worker of the pool (pool.ts): it finds each file's config and context as the main thread does, from the same
// root and options, and runs the rules on the text it is sent. Its answers are plain data.
import { parentPort, workerData } from "node:worker_threads";
import { FolderListing } from "@ecrlint/core";
import { Configs } from "./configs.js";
import type { WorkerJob, WorkerReply, WorkerSetup } from "./pool.js";
import { runRulesOn, sourceContext } from "./read-file.js";
import { prepareTerraform } from "./terraform-references.js";
import { takeTimings } from "./timing.js";

const { cwd, options, folders } = workerData as WorkerSetup;
const configs = new Configs(cwd, options, FolderListing.from(folders ?? []));

parentPort!.on("message", async (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    // The HCL grammar loads once, asynchronously; reading a Terraform file before it has loaded costs a helper thread.
    await prepareTerraform([job.filePath]);
    const { context } = sourceContext(job.filePath, configs.forFile(job.filePath), configs, options, undefined, job.reference, job.uses);
    reply = { id: job.id, result: runRulesOn(job.text, context, options) };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  const timings = takeTimings();
  parentPort!.postMessage(timings ? { ...reply, timings } : reply);
});
