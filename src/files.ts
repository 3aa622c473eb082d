/** Writing files so that a reader never sees half of one: temp file, fsync, rename. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { InputError } from "./errors";

const FIXES: Record<string, string> = {
  ENOENT: "Check that the folder exists",
  ENOTDIR: "A part of the path is a file, not a folder: choose another path",
  EISDIR: "That path is a folder: give a file name inside it",
  EACCES: "Check that the folder is writable",
  EPERM: "Check that the folder is writable",
  EROFS: "The file system is read-only: choose another folder",
  ENOSPC: "Free some disk space",
};

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "w");
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      rmSync(temp, { force: true });
    } catch {
      // The temp file could not even be created (e.g. the parent is a file): nothing to clean up.
    }
    const code = (error as NodeJS.ErrnoException).code;
    const fix = FIXES[code ?? ""];
    if (fix) throw new InputError(`cannot write ${file} (${code})`, fix, { file });
    throw error;
  }
}
