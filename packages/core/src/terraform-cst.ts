import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Parser, Tree } from "web-tree-sitter";

/**
 * Tree-sitter's HCL syntax tree as plain data. The grammar is WebAssembly, which Node only loads asynchronously,
 * while ESLint parsers run synchronously and `require()` of the plugin forbids a top-level await. So the tree is
 * read in this thread once the grammar has loaded ({@link loadTerraformParser}), and before that in one helper thread
 * that the caller waits for; either way the converter sees the same plain nodes.
 */

/** One node: `[type, startIndex, endIndex, flags, ...children]`; offsets in UTF-16 code units of the text. */
export type CstData = [string, number, number, number, ...CstData[]];

const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;
const TOO_DEEP = 8;

/**
 * How deep a tree is read. A list in `jsonencode` is three levels of the tree; real modules stay under a hundred.
 * Deeper (`[[[[…]]]]` from a generator, or hostile) is a parsing error at the place it starts, never a stack overflow.
 */
export const MAX_HCL_DEPTH = 512;

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the HCL grammar (tree-sitter, compiled to WebAssembly: no native build) into this thread. Reading is
 * synchronous either way; once this has resolved it no longer needs the helper thread (which it stops). The runner
 * awaits it before reading the first `.tf` file; the ESLint plugin starts it when imported.
 */
export function loadTerraformParser(): Promise<void> {
  loading ??= (async () => {
    // Imported here, not at the top: a run that reads no Terraform (or only cached files) never loads the runtime.
    const { Language, Parser } = await import("web-tree-sitter");
    await Parser.init();
    const language = await Language.load(readFileSync(fileURLToPath(new URL("../wasm/tree-sitter-hcl.wasm", import.meta.url))));
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
    // Reads are in this thread from now on.
    stopHelper();
  })();
  return loading;
}

export function isTerraformParserLoaded(): boolean {
  return parser !== undefined;
}

/**
 * The tree as plain data, walked with a cursor (tree-sitter's `children` allocates a node object per child, several
 * times slower). `hasError` is worked out here: a node has an error when it is one (`ERROR`, missing) or holds one.
 */
function toData(tree: Tree): CstData {
  const cursor = tree.walk();
  try {
    // A text tree-sitter cannot read at all is one ERROR root.
    const root: CstData = [cursor.nodeType, cursor.startIndex, cursor.endIndex, NAMED | (cursor.nodeType === "ERROR" ? HAS_ERROR : 0)];
    const stack: CstData[] = [root];
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      // Each property of the cursor is a call into the grammar's WebAssembly: each is read once per node.
      const missing = cursor.nodeIsMissing;
      const type = cursor.nodeType;
      const node: CstData = [type, cursor.startIndex, cursor.endIndex, (cursor.nodeIsNamed ? NAMED : 0) | (missing ? MISSING : 0)];
      stack[stack.length - 1]!.push(node);
      if (missing || type === "ERROR") {
        node[3] |= HAS_ERROR;
        for (const open of stack) open[3] |= HAS_ERROR;
      }
      if (stack.length >= MAX_HCL_DEPTH && cursor.gotoFirstChild()) {
        cursor.gotoParent();
        node[3] |= TOO_DEEP | HAS_ERROR;
        for (const open of stack) open[3] |= HAS_ERROR;
      } else if (cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return root;
        stack.pop();
        if (stack.length === 0) return root;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The tree of `text`, read in this thread; undefined when the grammar has not loaded here. */
export function cstInThread(text: string): CstData | undefined {
  if (!parser) return undefined;
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    return toData(tree);
  } finally {
    tree.delete();
  }
}

/** The helper's state, shared with it: a read is waiting, was answered, or the helper has gone. */
const WAITING = 0;
const ANSWERED = 1;
const GONE = 2;

/**
 * The helper thread's code, with `import()` alone: a worker takes the process's Node options, and under
 * `node --input-type=module` its code is a module, where `require` is not defined. It loads the grammar once and
 * answers each read posted on its port; each answer, and its exit (an uncaught error, `process.exit`), wakes the
 * waiting thread through the shared state. `fail` is {@link hclHelperForTests}'s.
 */
const HELPER = `
import("node:worker_threads").then(({ workerData }) => {
  const { url, state, port } = workerData;
  const wake = (value) => {
    Atomics.store(state, 0, value);
    Atomics.notify(state, 0);
  };
  process.on("exit", () => wake(${GONE}));
  const loaded = import(url).then(async (m) => {
    await m.loadTerraformParser();
    return m;
  });
  // A grammar that did not load is every read's answer, not an unhandled rejection.
  loaded.catch(() => undefined);
  const why = (error) => String((error && error.message) || error);
  port.on("message", async ({ text, fail }) => {
    let reply;
    try {
      const m = await loaded;
      if (fail === "exit") process.exit(1);
      if (fail === "throw") setImmediate(() => { throw new Error("the helper failed"); });
      if (fail) return;
      try {
        reply = m.cstInThread(text) ?? "HCL could not be read";
      } catch (error) {
        reply = "HCL could not be read: " + why(error);
      }
    } catch (error) {
      reply = "the HCL grammar did not load: " + why(error);
    }
    port.postMessage(reply);
    wake(${ANSWERED});
  });
});
`;

interface Helper {
  worker: Worker;
  port: MessagePort;
  state: Int32Array;
  /** It has answered a read: the grammar has loaded in it, so its next answers are quick. */
  answered: boolean;
}

/**
 * How long a read waits for the helper: a base, and more for each million characters of the text. The first answer
 * includes loading the grammar (tens of milliseconds, seconds on a loaded machine); a later one is a parse, a few
 * milliseconds for a module but seconds for a file at the size limit (5 MB: 6 to 11 s on a busy 2-core machine). A
 * helper that has not answered in this long never will; one that dies says so at once.
 */
const HELPER_LIMITS_MS = { first: 30_000, later: 10_000, perMillionChars: 10_000 };

let helper: Helper | undefined;
let helpersStarted = 0;
let nextFailure: "exit" | "throw" | "hang" | undefined;

function startHelper(): Helper {
  const state = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  // The built module, also when this one runs from source (the tests): a worker cannot import TypeScript.
  const url = new URL("../dist/terraform-cst.js", import.meta.url).href;
  const worker = new Worker(HELPER, { eval: true, workerData: { url, state, port: port2 }, transferList: [port2] });
  // A helper that fails is the read's message below, never an uncaught error of the process.
  worker.on("error", () => undefined);
  // It only answers reads this thread waits for: it never keeps the process alive.
  worker.unref();
  helpersStarted++;
  return { worker, port: port1, state, answered: false };
}

function stopHelper(): void {
  if (!helper) return;
  helper.port.close();
  void helper.worker.terminate();
  helper = undefined;
}

/**
 * The tree of `text` read by the helper thread this thread waits for: before the grammar has loaded here. One
 * helper serves every such read, so the grammar loads once, not once per file (a project of a hundred `.tf` files
 * read during ESLint's first file would otherwise start a hundred threads); it is stopped once the grammar has loaded
 * here. A helper that dies or does not answer in time makes this read's error, and the next read starts another.
 */
function cstInHelper(text: string): CstData | string {
  // A helper that died between reads (the shared state says so) is replaced before the read is posted.
  if (helper && Atomics.compareExchange(helper.state, 0, ANSWERED, WAITING) !== ANSWERED) stopHelper();
  const current = (helper ??= startHelper());
  const base = current.answered ? HELPER_LIMITS_MS.later : HELPER_LIMITS_MS.first;
  const limit = Math.round(base + (HELPER_LIMITS_MS.perMillionChars * text.length) / 1e6);
  current.port.postMessage({ text, fail: nextFailure });
  nextFailure = undefined;
  const deadline = Date.now() + limit;
  for (let left = limit; Atomics.load(current.state, 0) === WAITING && left > 0; left = deadline - Date.now()) {
    Atomics.wait(current.state, 0, WAITING, left);
  }
  // The tree, or why there is none.
  const reply = receiveMessageOnPort(current.port)?.message as CstData | string | undefined;
  if (reply === undefined) {
    const gone = Atomics.load(current.state, 0) === GONE;
    stopHelper();
    if (gone) return "the thread reading HCL until the grammar has loaded stopped before it answered";
    const seconds = Number((limit / 1000).toFixed(1));
    return current.answered ? `the thread reading HCL did not answer in ${seconds} s` : `the HCL grammar did not load in ${seconds} s`;
  }
  current.answered = true;
  return reply;
}

/**
 * For tests only: how many helper threads this thread has started, whether one is running, how long a read waits
 * for it, and a way to make its next read fail: it exits, throws an uncaught error, or never answers.
 */
export const hclHelperForTests = {
  started: (): number => helpersStarted,
  running: (): boolean => helper !== undefined,
  limitsMs: HELPER_LIMITS_MS,
  failNextRead(how: "exit" | "throw" | "hang"): void {
    nextFailure = how;
  },
};

/** A node of the plain tree, with the part of tree-sitter's node interface that the converter uses. */
export class CstNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  /** Its children were not read: the tree is deeper than {@link MAX_HCL_DEPTH} here. */
  readonly tooDeep: boolean;
  readonly children: CstNode[];
  readonly namedChildren: CstNode[];

  /** On the root: every `comment` node of the tree, in order (comments may sit anywhere, so they are kept here). */
  readonly comments: CstNode[];

  constructor(
    private readonly source: string,
    data: CstData,
    comments: CstNode[] = [],
  ) {
    // Indexed, not destructured with a rest element: that goes through the array iterator and copies the
    // children, and a 12 KB module has thousands of nodes, read once each while the code is still cold.
    const flags = data[3];
    this.type = data[0];
    this.startIndex = data[1];
    this.endIndex = data[2];
    this.isNamed = (flags & NAMED) !== 0;
    this.isMissing = (flags & MISSING) !== 0;
    this.hasError = (flags & HAS_ERROR) !== 0;
    this.tooDeep = (flags & TOO_DEEP) !== 0;
    this.comments = comments;
    if (this.type === "comment") comments.push(this);
    const children: CstNode[] = [];
    const named: CstNode[] = [];
    for (let i = 4; i < data.length; i++) {
      const child = new CstNode(source, data[i] as CstData, comments);
      children.push(child);
      if (child.isNamed) named.push(child);
    }
    this.children = children;
    this.namedChildren = named;
  }

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(index: number): CstNode | null {
    return this.namedChildren[index] ?? null;
  }
}

/** The HCL syntax tree of `text`, or why it could not be read (the grammar failed to load). Never throws. */
export function readHclTree(text: string): CstNode | string {
  // A caller that never loaded the grammar (an API user, `ecrlint diff`) gets it loaded here for its next files.
  if (!parser) loadTerraformParser().catch(() => undefined);
  const data = cstInThread(text) ?? cstInHelper(text);
  return typeof data === "string" ? data : new CstNode(text, data);
}
