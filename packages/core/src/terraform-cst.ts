import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Parser, Tree } from "web-tree-sitter";

/**
 * Tree-sitter's HCL syntax tree as plain data. The grammar is WebAssembly, which Node only loads asynchronously,
 * while ESLint parsers run synchronously and `require()` of the plugin forbids a top-level await. So the tree is
 * read in this thread once the grammar has loaded ({@link loadTerraformParser}), and before that in a worker that
 * the caller waits for; either way the converter sees the same plain nodes.
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
 * synchronous either way; once this has resolved it no longer needs a worker. The runner awaits it before reading
 * the first `.tf` file; the ESLint plugin starts it when imported.
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

/**
 * The helper thread's code, with `import()` alone: a worker takes the process's Node options, and under
 * `node --input-type=module` its code is a module, where `require` is not defined.
 */
const WORKER = `
import("node:worker_threads").then(async ({ workerData }) => {
  const { url, text, shared, port } = workerData;
  const reply = (message) => {
    port.postMessage(message);
    Atomics.store(shared, 0, 1);
    Atomics.notify(shared, 0);
  };
  try {
    const m = await import(url);
    await m.loadTerraformParser();
    reply({ ok: true, tree: m.cstInThread(text) });
  } catch (error) {
    reply({ ok: false, message: String((error && error.message) || error) });
  }
});
`;

/** Loading the grammar takes tens of milliseconds; a worker that has not answered in this long never will. */
const WORKER_LIMIT_MS = 30_000;

/** The tree of `text` read in a worker this thread waits for: before the grammar has loaded here. */
function cstInWorker(text: string): CstData | string {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  // The built module, also when this one runs from source (the tests): a worker cannot import TypeScript.
  const url = new URL("../dist/terraform-cst.js", import.meta.url).href;
  const worker = new Worker(WORKER, { eval: true, workerData: { url, text, shared, port: port2 }, transferList: [port2] });
  // A worker that fails before it answers is the timeout's message below, never an uncaught error of the process.
  worker.on("error", () => undefined);
  try {
    if (Atomics.wait(shared, 0, 0, WORKER_LIMIT_MS) === "timed-out") return `the HCL grammar did not load in ${WORKER_LIMIT_MS / 1000} s`;
    const reply = receiveMessageOnPort(port1)?.message as { ok: true; tree: CstData | undefined } | { ok: false; message: string } | undefined;
    if (!reply) return "the HCL grammar did not load";
    if (!reply.ok) return `the HCL grammar did not load: ${reply.message}`;
    return reply.tree ?? "HCL could not be read";
  } finally {
    port1.close();
    void worker.terminate();
  }
}

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
  const data = cstInThread(text) ?? cstInWorker(text);
  return typeof data === "string" ? data : new CstNode(text, data);
}
