import { readdirSync } from "node:fs";

/**
 * One entry of a folder as `readdirSync(dir, { withFileTypes: true })` gives it (a `Dirent` is one): its name and
 * the kind of its `lstat`. Written out rather than picked from `Dirent`, so that the public types need no Node types.
 */
export interface FolderEntry {
  readonly name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * Where the searches of a run read folders from: the config search, the Terraform file search and the runner's
 * discovery all list the same tree, so a run hands them one {@link FolderListing} and each folder is read once.
 * `entries` throws as `readdirSync` does (ENOENT, ENOTDIR, EACCES…).
 */
export interface FolderReader {
  entries(dir: string): readonly FolderEntry[];
}

const readFromDisk = (dir: string): readonly FolderEntry[] => readdirSync(dir, { withFileTypes: true });

/** Every read goes to the disk: a caller that lives longer than one run sees folders change. */
export const diskFolders: FolderReader = { entries: readFromDisk };

/** A folder's entries reduced to plain data: `[name, kind]`, kind `f` file, `d` directory, `l` link, `o` other. */
export type FolderSnapshot = [dir: string, entries: [name: string, kind: "f" | "d" | "l" | "o"][]][];

const kindOf = (e: FolderEntry) => (e.isFile() ? "f" : e.isDirectory() ? "d" : e.isSymbolicLink() ? "l" : "o");

/** An entry another thread listed: one object per entry, its methods shared (a snapshot may hold a whole tree's). */
class RestoredEntry implements FolderEntry {
  constructor(
    readonly name: string,
    private readonly kind: string,
  ) {}

  isFile(): boolean {
    return this.kind === "f";
  }

  isDirectory(): boolean {
    return this.kind === "d";
  }

  isSymbolicLink(): boolean {
    return this.kind === "l";
  }
}

/**
 * A folder's entries as kept for the run, one small object each (a name and a kind): a whole tree's folders are kept
 * (116,000 entries at 50,000 files), and a `Dirent` is 16 bytes more, with its folder's path and its legacy alias.
 * Made once, when the folder is read: made again on each ask, they cost a run of 10,000 files 40 ms of CPU.
 */
function keptOf(entries: readonly FolderEntry[]): readonly FolderEntry[] {
  return entries.map((e) => new RestoredEntry(e.name, kindOf(e)));
}

/**
 * The folders one run has read, each read from disk once (an error, such as a folder that is not there, is kept
 * too and thrown again): the tree as it was when the run listed it. A run is short; a long-lived process (an editor's
 * ESLint) uses {@link diskFolders} instead. `read` is the reader behind it (tests count its calls).
 */
export class FolderListing implements FolderReader {
  private readonly folders = new Map<string, readonly FolderEntry[] | { error: unknown }>();

  constructor(private readonly read: (dir: string) => readonly FolderEntry[] = readFromDisk) {}

  /** A listing that answers from `snapshot` first (what another thread listed) and reads any other folder from disk. */
  static from(snapshot: FolderSnapshot, read?: (dir: string) => readonly FolderEntry[]): FolderListing {
    const listing = new FolderListing(read);
    listing.add(snapshot);
    return listing;
  }

  /** Takes the folders of `snapshot` that this listing has not read itself (what another thread listed since). */
  add(snapshot: FolderSnapshot): void {
    for (const [dir, entries] of snapshot) {
      if (!this.folders.has(dir)) this.folders.set(dir, entries.map(([name, kind]) => new RestoredEntry(name, kind)));
    }
  }

  entries(dir: string): readonly FolderEntry[] {
    let kept = this.folders.get(dir);
    if (kept === undefined) {
      let read: readonly FolderEntry[];
      try {
        read = this.read(dir);
      } catch (error) {
        this.folders.set(dir, { error });
        throw error;
      }
      this.folders.set(dir, keptOf(read));
      return read;
    }
    if (!Array.isArray(kept)) throw (kept as { error: unknown }).error;
    return kept;
  }

  /** Whether `dir` has been read (successfully or not). */
  has(dir: string): boolean {
    return this.folders.has(dir);
  }

  /**
   * The folders read successfully, each with the entries `keep` accepts (all when omitted), as plain data another
   * thread restores with {@link FolderListing.from}. A folder with none of them is kept as empty, so that it is not
   * read again there.
   */
  snapshot(keep: (name: string) => boolean = () => true): FolderSnapshot {
    const out: FolderSnapshot = [];
    for (const [dir, entries] of this.folders) {
      if (!Array.isArray(entries)) continue;
      out.push([dir, entries.filter((e) => keep(e.name)).map((e) => [e.name, kindOf(e)])]);
    }
    return out;
  }
}
