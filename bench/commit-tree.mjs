// A generated tree as a pre-commit hook sees its repository: every file committed, so that a run naming one file
// finds the project's files in git's index. Kept apart from generate-tree.mjs, whose hash stamps the trees.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The marker, inside the tree's .git (so never a file of the tree), that holds the stamp of the tree committed. */
const MARKER = "ecrlint-bench-committed";

/** Whether the tree `dir` has been committed as it is stamped `stamp`. */
export function treeCommitted(dir, stamp) {
  const marker = join(dir, ".git", MARKER);
  return existsSync(marker) && readFileSync(marker, "utf8") === stamp;
}

/**
 * Commits every file of the tree `dir` once (a repository is initialised first if there is none; the bench's
 * `.ecrlintcache*` files are left out). `stamp` names the tree's content (the generator's stamp): a marker in `.git`
 * holds it, and a call with the same stamp does nothing, so a rerun pays for it once per generated tree (about 12 s
 * at 50,000 files). The commit's author and date are fixed and no hook runs. Returns whether it committed.
 */
export function commitTree(dir, stamp) {
  if (treeCommitted(dir, stamp)) return false;
  const date = "2024-01-01T00:00:00Z";
  const env = { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@example.com", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@example.com", GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const git = (...args) => execFileSync("git", args, { cwd: dir, env, stdio: "pipe", maxBuffer: 256 * 1024 * 1024 });
  if (!existsSync(join(dir, ".git"))) git("init", "-q");
  git("add", "-A", "--", ".", ":(exclude).ecrlintcache*");
  git("-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "--allow-empty", "-m", "generated tree");
  writeFileSync(join(dir, ".git", MARKER), stamp);
  return true;
}
