import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { ConfigLocator, formatConfigError, leavesFolder, readEcrFile, readTextFile, registryForFile, registryFromEntry, terraformUsesOnDisk, type PolicyFile, type RegistryContext } from "@ecrlint/core";
import { compilePolicy, isCompiledPolicy, type CompiledPolicy } from "@ecrlint/core/evaluator";

/** A policy as tests name it: the JSON value, JSON text, a path to a policy file, or a compiled policy. */
export type PolicyLike = string | object | CompiledPolicy;

/** The registry a policy is deployed to, as tests and cases files write it. */
export interface RegistryOption {
  account?: string;
  region?: string;
  partition?: string;
}

export interface LoadedPolicy {
  compiled: CompiledPolicy;
  /** The file it came from (relative to the working directory), or `inline policy`. */
  name: string;
  filePath?: string;
}

export interface LoadOptions {
  /** Relative policy paths resolve from here (default: the working directory). */
  baseDir?: string;
  registry?: RegistryOption | RegistryContext;
  locator?: ConfigLocator;
  /**
   * Which policy of a file that holds several (a CloudFormation template, describe-repository-creation-templates
   * output): its place in the file as `ecrlint diff` prints it (`Resources.Repo.Properties.RepositoryPolicyText`), or
   * the logical id of its CloudFormation resource (`Repo`). A file with several policies needs one; a name that fits
   * none is a {@link PolicyLoadError} listing the file's policies.
   */
  document?: string;
  /**
   * The file's text, read instead of the file (another version of it, from git); the path still finds its config.
   * `null`: the file is not there in that version (read as empty with `absentAsEmpty`, else an error).
   */
  text?: string | null;
  /**
   * Read a file that does not exist, or a `document` the file does not hold, as a policy without statements (it grants
   * nothing): how `ecrlint diff` compares a policy the change adds or removes.
   */
  absentAsEmpty?: boolean;
}

const EMPTY_POLICY_TEXT = '{ "Version": "2012-10-17", "Statement": [] }';

type PolicyDocumentFile = Extract<PolicyFile, { kind: "registry-policy" | "repository-policy" }>;

/** The file's registry and repository policies, by their place in it ("" for a file that is one policy). */
function policyDocuments(text: string, filePath: string, registry: RegistryContext | undefined): PolicyDocumentFile[] | { line: number; column: number; message: string } {
  // The registry resolves CloudFormation's pseudo parameters (AWS::Partition, AWS::Region, AWS::AccountId) as the
  // linter and `ecrlint diff` do: the same file reads as the same policy everywhere.
  // A Terraform file holds the policy documents that resources in the other files of its module read, as in a run.
  const terraformUses = /\.tf(?:\.json)?$/i.test(filePath) && text.includes("aws_iam_policy_document") ? terraformUsesOnDisk(filePath) : [];
  const reading = readEcrFile(text, { filePath, ...(registry ? { registry } : {}), ...(terraformUses.length ? { terraformUses } : {}) });
  if (reading.status === "parse-error") return reading.error;
  if (reading.status !== "ours") return [];
  return reading.documents.filter((d): d is PolicyDocumentFile => d.kind === "registry-policy" || d.kind === "repository-policy");
}

/** A policy's place as messages list it: its path in the file, with its CloudFormation logical id when it has one. */
function placeName(document: PolicyFile): string {
  const id = /^Resources\.([^.]+)\./.exec(document.host.path)?.[1];
  return id && document.host.type === "cloudformation" ? `${document.host.path} (${id})` : document.host.path;
}

/** Whether a policy is the one `--document` names: by its place in the file or its CloudFormation logical id. */
function inPlace(document: PolicyDocumentFile, wanted: string): boolean {
  return document.host.path === wanted || (document.host.type === "cloudformation" && document.host.path.startsWith(`Resources.${wanted}.`));
}

function selectDocument(documents: PolicyDocumentFile[], wanted: string | undefined, shown: string): PolicyDocumentFile {
  const places = () => documents.map(placeName).join(", ");
  if (wanted === undefined) {
    if (documents.length > 1) throw new PolicyLoadError("policy", `${shown} holds ${documents.length} policies (${places()}); name one with --document.`);
    return documents[0]!;
  }
  const found = documents.filter((d) => inPlace(d, wanted));
  if (found.length !== 1) throw new PolicyLoadError("policy", `${shown} has no policy at "${wanted}"; its policies: ${places() || "(a single policy: leave --document out)"}.`);
  return found[0]!;
}

function toRegistry(option: RegistryOption | RegistryContext): RegistryContext {
  if ("source" in option) return option;
  return registryFromEntry({ files: [], ...option }, "settings");
}

/**
 * A policy that cannot be used: a file that cannot be read or is not a policy (`part: "policy"`), or a broken ecrlint
 * config governing it (`part: "config"`). The message is one line naming the file.
 */
export class PolicyLoadError extends Error {
  override readonly name = "PolicyLoadError";

  constructor(
    readonly part: "policy" | "config",
    message: string,
  ) {
    super(message);
  }
}

function compileInline(policy: string | object, registry: RegistryContext | undefined): LoadedPolicy {
  try {
    return { compiled: compilePolicy(policy, registry ? { registry } : {}), name: "inline policy" };
  } catch (error) {
    throw new PolicyLoadError("policy", error instanceof Error ? error.message : "The policy cannot be read.");
  }
}

/** A path as messages show it: relative to the working directory when inside it, else as given. */
function shownPath(filePath: string): string {
  const rel = relative(process.cwd(), filePath);
  return rel && !leavesFolder(rel) ? rel : filePath;
}

const compiledFiles = new Map<string, { text: string; loaded: LoadedPolicy }>();

/** Reads and compiles a policy; a file is read once per test run. Throws a {@link PolicyLoadError} when it cannot. */
export function loadPolicy(policy: PolicyLike, options: LoadOptions = {}): LoadedPolicy {
  const registry = options.registry ? toRegistry(options.registry) : undefined;
  if (isCompiledPolicy(policy)) return { compiled: registry ? compilePolicy(policy, { registry }) : policy, name: "inline policy" };
  if (typeof policy !== "string" || policy.trimStart().startsWith("{")) return compileInline(policy, registry);

  const filePath = isAbsolute(policy) ? policy : resolve(options.baseDir ?? process.cwd(), policy);
  const shown = shownPath(filePath);
  // Only a regular file is read, its size checked first: a FIFO or /dev/zero is an error, not a hang.
  if (options.text === null && !options.absentAsEmpty) throw new PolicyLoadError("policy", `${shown} is not in the version asked for.`);
  const absentFile = options.text === null || (options.text === undefined && options.absentAsEmpty && !existsSync(filePath));
  let text = absentFile ? EMPTY_POLICY_TEXT : (options.text ?? undefined);
  if (text === undefined) {
    const read = readTextFile(filePath);
    if (!read.ok) throw new PolicyLoadError("policy", `Cannot read the policy file ${shown}: ${read.reason}`);
    text = read.text;
  }
  const cacheKey = `${filePath}\u0000${JSON.stringify(options.registry ?? null)}\u0000${options.document ?? ""}\u0000${options.absentAsEmpty ? 1 : 0}`;
  const cached = compiledFiles.get(cacheKey);
  if (cached && cached.text === text) return cached.loaded;
  let fileRegistry = registry;
  if (!fileRegistry) {
    const locator = options.locator ?? new ConfigLocator();
    const found = locator.forDirectory(dirname(filePath));
    // A broken config is never taken as no config: the registry it names would silently go missing.
    if (!found.ok) throw new PolicyLoadError("config", formatConfigError(found.error));
    fileRegistry = registryForFile(filePath, found.loaded);
  }
  const documents = policyDocuments(text, filePath, fileRegistry);
  if (!Array.isArray(documents)) throw new PolicyLoadError("policy", `${filePath}:${documents.line}:${documents.column}: ${documents.message}`);
  const wanted = options.document;
  const absent = options.absentAsEmpty && (!documents.length || (wanted !== undefined && !documents.some((d) => inPlace(d, wanted))));
  if (!documents.length && !absent) throw new PolicyLoadError("policy", `${filePath} is not an ECR registry or repository policy.`);
  // An absent policy is compiled from its plain value: read as a file it would take its kind from the file's name.
  const document = absent ? undefined : selectDocument(documents, wanted, shown);
  const name = relative(process.cwd(), filePath) || filePath;
  const loaded: LoadedPolicy = { compiled: compilePolicy(document ? document.policy : JSON.parse(EMPTY_POLICY_TEXT), { registry: fileRegistry }), name, filePath };
  compiledFiles.set(cacheKey, { text, loaded });
  return loaded;
}
