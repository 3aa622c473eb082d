/**
 * A lock file beside a file, so that processes (the notebook kernel, the extension, the MCP server, the
 * CLI) take turns at read-check-write. Created with O_EXCL ("wx"), which is atomic on local file
 * systems; it holds the owner's pid and a token, so a lock left by a crashed process can be recognized.
 */
import { randomUUID } from "node:crypto";
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { InputError } from "../errors";

export interface LockOptions {
  /** How long to keep trying before giving up (default 2 s). */
  waitMs?: number;
  /** A lock older than this is left over from a crash (default 10 s; locks are held for milliseconds). */
  staleMs?: number;
}

/** Runs `action` while holding `<file>.lock`. */
export function withFileLock<T>(file: string, action: () => T, options: LockOptions = {}): T {
  const lock = `${file}.lock`;
  const token = `${process.pid} ${randomUUID()}\n`;
  acquire(lock, token, options.waitMs ?? 2000, options.staleMs ?? 10_000);
  try {
    return action();
  } finally {
    // Only our own lock: if it was taken from us as stale, the new owner's lock must stay.
    if (readLock(lock) === token) rmSync(lock, { force: true });
  }
}

function acquire(lock: string, token: string, waitMs: number, staleMs: number): void {
  // Wall-clock time on purpose: staleness is about real time, not the store's injected clock.
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, "wx");
      try {
        writeSync(fd, token);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
        throw new InputError(`cannot create the lock file ${lock} (${code})`, "Check that the folder is writable", { file: lock });
      }
      if (code !== "EEXIST") throw error;
    }
    const held = readLock(lock);
    if (held !== undefined && isStale(lock, held, staleMs)) {
      removeStale(lock, held);
      continue;
    }
    if (Date.now() >= deadline) {
      const pid = held?.split(" ")[0];
      throw new InputError(
        `another process${pid ? ` (pid ${pid})` : ""} has held ${lock} for over ${waitMs / 1000} s`,
        `Try again in a moment; if no aibt process is running, delete ${lock}`,
        { file: lock },
      );
    }
    sleep(Math.min(5 + attempt * 5, 50));
  }
}

function readLock(lock: string): string | undefined {
  try {
    return readFileSync(lock, "utf8");
  } catch {
    return undefined;
  }
}

function isStale(lock: string, held: string, staleMs: number): boolean {
  const pid = Number(held.split(" ")[0]);
  // An empty lock is one being written right now (open and write are two steps): judge it by age only.
  if (held !== "" && (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid))) return true;
  try {
    return Date.now() - statSync(lock).mtimeMs > staleMs;
  } catch {
    return false; // released meanwhile: just try again
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by another user
  }
}

/**
 * Two waiters may judge the same lock stale; if one removes it and takes a fresh lock, the other must
 * not remove that fresh one. So the stale lock is first moved aside (atomic), and put back when what
 * was moved turns out not to be the lock that was judged.
 */
function removeStale(lock: string, judged: string): void {
  const aside = `${lock}.${process.pid}.stale`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // someone else removed it first
  }
  if (readLock(aside) !== judged) {
    try {
      linkSync(aside, lock); // fails if yet another lock appeared meanwhile; that one stands
    } catch {
      // nothing to restore over
    }
  }
  rmSync(aside, { force: true });
}

function sleep(ms: number): void {
  // The store is synchronous (a CLI call, a notebook cell): block this thread briefly without spinning.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
