/**
 * Recovery of runs whose writer died. A journal beside a run file means the run was still being
 * written; if the process named in the journal is gone, every completed step in the journal is put
 * into the run file and the run is marked failed (interrupted). A torn last line is the step that was
 * being written when the process died: it never completed, so it is dropped.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { writeFileAtomic } from "../files";
import type { RunHeader, StepRecord } from "./run-record";
import { migrate } from "./run-schema";
import { cardOf, insertRunRow, insertSteps } from "./run-writer";
import type { RunFiles } from "./run-writer";
import { sqlite } from "./sqlite";

export function writerAlive(header: RunHeader): boolean {
  if (header.writer.host !== hostname()) return true; // another machine's process: assume it lives
  try {
    process.kill(header.writer.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Only the journal's first line, its header: enough to tell whether a live process writes the run. A
 * long run's journal holds a line per step, and listings ask this of every running run on each refresh.
 */
export function readJournalHeader(file: string): RunHeader | undefined {
  const fd = openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(64 * 1024);
    for (let position = 0; ; ) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      const end = chunk.subarray(0, read).indexOf(10); // "\n"
      chunks.push(Buffer.from(chunk.subarray(0, end === -1 ? read : end)));
      if (end !== -1) break;
      position += read;
    }
    return (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { header: RunHeader }).header;
  } catch {
    return undefined; // the process died before the header was written: nothing happened yet
  } finally {
    closeSync(fd);
  }
}

export function readJournal(file: string): { header: RunHeader; steps: StepRecord[] } | undefined {
  const lines = readFileSync(file, "utf8").split("\n");
  let header: RunHeader | undefined;
  try {
    header = (JSON.parse(lines[0]!) as { header: RunHeader }).header;
  } catch {
    return undefined; // the process died before the header was written: nothing happened yet
  }
  const steps: StepRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === "") continue;
    try {
      steps.push(JSON.parse(lines[i]!) as StepRecord);
    } catch {
      break; // torn last line
    }
  }
  return { header, steps };
}

/** Recovers an abandoned run; returns false when there is nothing to do (no journal, or a live writer). */
export async function recoverAbandoned(files: RunFiles, now: () => number = Date.now): Promise<boolean> {
  if (!existsSync(files.journal)) return false;
  const header = readJournalHeader(files.journal);
  if (header && writerAlive(header)) return false;
  const lock = `${files.journal}.recovering`;
  if (!claim(lock)) return false; // another reader is recovering it right now
  try {
    const journal = readJournal(files.journal);
    if (!journal) {
      rmSync(files.journal, { force: true });
      return true;
    }
    const SQL = await sqlite();
    const db = existsSync(files.database) ? new SQL.Database(readFileSync(files.database)) : new SQL.Database();
    try {
      migrate(db, files.database);
      if (db.exec("SELECT count(*) FROM run")[0]?.values[0]?.[0] !== 1) insertRunRow(db, journal.header);
      const stored = Number(db.exec("SELECT coalesce(max(step), -1) FROM equity")[0]?.values[0]?.[0] ?? -1);
      const missing = journal.steps.filter((s) => s.step > stored);
      insertSteps(db, missing);
      const stepsDone = journal.steps.length > 0 ? journal.steps[journal.steps.length - 1]!.step + 1 : 0;
      const { pid, host } = journal.header.writer;
      const error = `interrupted: the process writing it (pid ${pid} on ${host}) stopped after ${stepsDone} of ${journal.header.stepsTotal} steps; recovered from its journal`;
      const endedAt = new Date(now()).toISOString();
      db.run("UPDATE run SET status = 'failed', error = ?, ended_at = ?, steps_done = ?", [error, endedAt, stepsDone]);
      writeFileAtomic(files.database, db.export());
      writeFileAtomic(files.card, `${JSON.stringify(cardOf(journal.header, "failed", error, endedAt, stepsDone, null))}\n`);
    } finally {
      db.close();
    }
    rmSync(files.journal, { force: true });
    return true;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** An exclusive claim by file creation; a claim left by a crashed recoverer expires after a minute. */
function claim(lock: string): boolean {
  try {
    const fd = openSync(lock, "wx");
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (Date.now() - statSync(lock).mtimeMs > 60_000) {
      rmSync(lock, { force: true });
      return claim(lock);
    }
    return false;
  }
}
