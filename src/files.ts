/** Writing files so that a reader never sees half of one: temp file, fsync, rename. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { InputError } from "./errors";

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
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "ENOSPC" || code === "EROFS") {
      throw new InputError(`cannot write ${file} (${code})`, code === "ENOSPC" ? "Free some disk space" : "Check that the folder exists and is writable", { file });
    }
    throw error;
  }
}
