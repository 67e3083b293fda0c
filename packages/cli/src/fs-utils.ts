import { randomBytes } from "node:crypto";
import { chmod, rename, stat, unlink, writeFile, mkdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes through a temporary file in the same directory and a rename, so a crash or a full disk never leaves a
 * half-written policy behind; the file keeps its permissions.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await stat(path)).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  try {
    await writeFile(temp, content, "utf8");
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
