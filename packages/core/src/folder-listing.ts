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
 * A folder's entries as kept: their names, and their kinds as one character each (see {@link FolderSnapshot}).
 * A whole tree's folders are kept for the run (116,000 entries at 50,000 files): a `Dirent` per entry, with its
 * folder's path, is 56 bytes and the array slot more, so a run kept 6.5 MB of them; entries are made again, one
 * small object each, when a search asks.
 */
interface KeptFolder {
  names: readonly string[];
  kinds: string;
}

function keptOf(entries: readonly FolderEntry[]): KeptFolder {
  return { names: entries.map((e) => e.name), kinds: entries.map(kindOf).join("") };
}

function restore({ names, kinds }: KeptFolder): FolderEntry[] {
  return names.map((name, i) => new RestoredEntry(name, kinds[i]!));
}

/**
 * The folders one run has read, each read from disk once (an error, such as a folder that is not there, is kept
 * too and thrown again): the tree as it was when the run listed it. A run is short; a long-lived process (an editor's
 * ESLint) uses {@link diskFolders} instead. `read` is the reader behind it (tests count its calls).
 */
export class FolderListing implements FolderReader {
  private readonly folders = new Map<string, KeptFolder | { error: unknown }>();

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
      if (!this.folders.has(dir)) this.folders.set(dir, { names: entries.map(([name]) => name), kinds: entries.map(([, kind]) => kind).join("") });
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
    if ("error" in kept) throw kept.error;
    return restore(kept);
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
    for (const [dir, kept] of this.folders) {
      if ("error" in kept) continue;
      const entries: [string, "f" | "d" | "l" | "o"][] = [];
      kept.names.forEach((name, i) => {
        if (keep(name)) entries.push([name, kept.kinds[i] as "f" | "d" | "l" | "o"]);
      });
      out.push([dir, entries]);
    }
    return out;
  }
}
