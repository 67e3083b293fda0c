import { Command, CommanderError, Option } from "commander";
import { formatTrace } from "@ecrlint/core/evaluator";
import { evaluatePolicy, type TestRequest } from "@ecrlint/testing";
import { EcrlintError } from "../errors.js";
import { fileAtRef } from "../git.js";
import { showControls, showControlsByLine } from "../formatters/shared.js";

interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

function collectContext(entry: string, previous: Record<string, string | string[]>): Record<string, string | string[]> {
  const eq = entry.indexOf("=");
  if (eq <= 0) throw new CommanderError(2, "ecrlint.context", `--context: expected key=value, got "${entry}"`);
  const key = entry.slice(0, eq);
  const value = entry.slice(eq + 1);
  // Keys are data: "constructor" or "__proto__" is a key given on the command line, never something inherited.
  const existing = Object.hasOwn(previous, key) ? previous[key] : undefined;
  const next = Object.assign(Object.create(null) as Record<string, string | string[]>, previous);
  // Repeating a key makes it multi-valued, as aws:TagKeys is.
  next[key] = existing === undefined ? value : [...(typeof existing === "string" ? [existing] : existing), value];
  return next;
}

/** `ecrlint explain <policy-file> --action A ...`: prints the decision and the trace of every statement. */
export async function runExplainCommand(argv: string[], io: CommandIo): Promise<number> {
  const program = new Command("ecrlint explain")
    .description("Explain how a policy decides a request, statement by statement")
    .argument("<policy-file>", "the policy file")
    .requiredOption("-a, --action <action>", "the action, e.g. ecr:ReplicateImage")
    .option("-p, --principal <principal>", "account id, IAM/STS ARN, service principal or anonymous (default: any)")
    .option("-r, --resource <arn>", "repository ARN (default: any repository of the registry)")
    .option("-c, --context <key=value>", "a context value; repeat for more keys or for a multi-valued key", collectContext, {})
    .option("--any-context", "range over every context key not given")
    .option("--cross-registry", "accept a --resource outside the policy's registry (another account or Region)")
    .option("-d, --document <place>", "the policy of a file that holds several: its place as `ecrlint diff` prints it, or a CloudFormation logical id")
    .option("--ref <git-ref>", "read the file as committed at this git ref (a commit, branch or tag) instead of the working tree")
    .option("--absent-as-empty", "read a file or --document that is not there as a policy with no statements, as `ecrlint diff` compares an added or removed policy")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "ecrlint.context") io.stderr(`${showControlsByLine(error.message)}\n`);
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  const [policyFile] = program.processedArgs as [string];
  const options = program.opts<{
    action: string;
    principal?: string;
    resource?: string;
    context: Record<string, string | string[]>;
    anyContext?: boolean;
    crossRegistry?: boolean;
    document?: string;
    ref?: string;
    absentAsEmpty?: boolean;
    format: string;
  }>();
  const request: TestRequest = { context: options.context };
  if (options.principal) request.principal = options.principal;
  if (options.resource) request.resource = options.resource;
  if (options.anyContext) request.anyContext = true;
  if (options.crossRegistry) request.crossRegistry = true;
  try {
    // At a ref, the file's text there; null when it is not there (then only --absent-as-empty can read it).
    let text: string | null | undefined;
    if (options.ref !== undefined) {
      text = (await fileAtRef(io.cwd, options.ref, policyFile))?.replace(/^\uFEFF/, "") ?? null;
      if (text === null && !options.absentAsEmpty) {
        io.stderr(`${showControls(policyFile)} does not exist at ${showControls(options.ref)} (--absent-as-empty reads it as a policy with no statements)\n`);
        return 2;
      }
    }
    const evaluation = evaluatePolicy(policyFile, options.action, request, {
      baseDir: io.cwd,
      ...(text !== undefined ? { text } : {}),
      ...(options.document !== undefined ? { document: options.document } : {}),
      ...(options.absentAsEmpty ? { absentAsEmpty: true } : {}),
    });
    for (const warning of evaluation.warnings ?? []) io.stderr(`warning: ${showControlsByLine(warning)}\n`);
    io.stdout(options.format === "json" ? `${JSON.stringify(evaluation, null, 2)}\n` : showControlsByLine(formatTrace(evaluation)));
    return 0;
  } catch (error) {
    io.stderr(`${showControlsByLine(error instanceof EcrlintError ? `ecrlint: ${error.message}` : (error as Error).message)}\n`);
    return 2;
  }
}
