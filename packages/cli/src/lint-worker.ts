// A worker of the pool (pool.ts): it finds each file's config and context as the main thread does, from the same
// root and options, and runs the rules on the texts it is sent, a batch at a time. Its answers are plain data.
import { parentPort, workerData } from "node:worker_threads";
import { FolderListing, KeptTexts } from "@ecrlint/core";
import { Configs } from "./configs.js";
import type { WorkerAnswers, WorkerBatch, WorkerReply, WorkerSetup } from "./pool.js";
import { runRulesOn, sourceContext } from "./read-file.js";
import { prepareTerraform } from "./terraform-references.js";
import { takeTimings } from "./timing.js";

const { cwd, options, folders } = workerData as WorkerSetup;
const listing = FolderListing.from(folders ?? []);
// A worker reads no file to lint it (the main thread sends the texts): the package.json files its config search
// reads are not kept.
const configs = new Configs(cwd, options, listing, new KeptTexts(0));

parentPort!.on("message", async ({ jobs, folders: listed }: WorkerBatch) => {
  if (listed) listing.add(listed);
  // The HCL grammar loads once, asynchronously; reading a Terraform file before it has loaded costs a helper thread.
  await prepareTerraform(jobs.map((job) => job.filePath));
  const replies: WorkerReply[] = [];
  for (const job of jobs) {
    try {
      const { context } = sourceContext(job.filePath, configs.forFile(job.filePath), configs, options, undefined, job.reference, job.uses);
      replies.push({ id: job.id, result: runRulesOn(job.text, context, options) });
    } catch (error) {
      replies.push({ id: job.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const timings = takeTimings();
  parentPort!.postMessage((timings ? { replies, timings } : { replies }) satisfies WorkerAnswers);
});
