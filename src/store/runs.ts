/**
 * The runs of a workspace: `.aibt/runs/<model-id>/<run-id>.sqlite`, each with a small card (its run
 * row as JSON) so listing a thousand runs does not load a thousand databases. Readers never write a
 * run file, except to recover one whose writer died.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, watch } from "node:fs";
import type { FSWatcher } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";
import { readJournalHeader, recoverAbandoned, writerAlive } from "./recovery";
import { RunReader } from "./run-reader";
import type { RunCard } from "./run-record";
import { runFiles } from "./run-writer";
import type { RunFiles } from "./run-writer";

export interface RunProblem {
  file: string;
  message: string;
}

export interface RunComparison {
  runs: RunCard[];
  /** One row per metric, one value per run (null when a run has no such metric). */
  metrics: { name: string; values: (unknown | null)[] }[];
  /** Snapshot fields that differ between the runs, by dotted path. */
  snapshotDifferences: { path: string; values: unknown[] }[];
}

export class RunStore {
  readonly runsDir: string;

  constructor(readonly workspace: string) {
    this.runsDir = path.join(workspace, ".aibt", "runs");
  }

  /** Every run, newest first per model; abandoned runs are recovered on the way. */
  async list(modelId?: string): Promise<{ runs: RunCard[]; problems: RunProblem[] }> {
    const runs: RunCard[] = [];
    const problems: RunProblem[] = [];
    for (const model of modelId ? [modelId] : this.models()) {
      for (const files of this.runFilesOf(model)) {
        try {
          await recoverAbandoned(files);
          runs.push(await this.cardOf(files));
        } catch (error) {
          problems.push({ file: files.database, message: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    runs.sort((a, b) => a.modelId.localeCompare(b.modelId) || b.number - a.number);
    return { runs, problems };
  }

  /** Opens a run read-only by reference: `model-id/run-0007`, `model-id/7`, or a path to its file. */
  async open(ref: string): Promise<RunReader> {
    const files = this.resolve(ref);
    await recoverAbandoned(files);
    return RunReader.open(files.database);
  }

  /** Deletes a finished run's files. A run still being written is refused: cancel it first. */
  async delete(ref: string): Promise<RunCard> {
    const files = this.resolve(ref);
    await recoverAbandoned(files);
    if (existsSync(files.journal)) {
      throw new InputError(`${ref} is still running`, "Cancel it first, or wait for it to finish", { file: files.database });
    }
    const card = await this.cardOf(files);
    for (const file of [files.card, files.database]) rmSync(file, { force: true });
    return card;
  }

  /** Copies a run file elsewhere: it is self-contained (snapshot, steps, metrics). */
  async export(ref: string, target: string): Promise<string> {
    const reader = await this.open(ref);
    reader.close();
    const destination = existsSync(target) && statSync(target).isDirectory() ? path.join(target, `${this.resolve(ref).database.split(path.sep).slice(-2).join("-")}`) : target;
    try {
      copyFileSync(this.resolve(ref).database, destination);
    } catch (error) {
      throw new InputError(`cannot write ${destination} (${(error as NodeJS.ErrnoException).code})`, "Check that the folder exists and is writable", { file: destination });
    }
    return destination;
  }

  async compare(refs: string[]): Promise<RunComparison> {
    if (refs.length < 2) throw new InputError("compare needs at least two runs", "Name two or more runs, e.g. sma-cross/run-0001 sma-cross/run-0002");
    const readers = await Promise.all(refs.map((ref) => this.open(ref)));
    try {
      const runs = readers.map((r) => r.card());
      const names = [...new Set(runs.flatMap((run) => Object.keys(run.metrics ?? {})))];
      const metrics = names.map((name) => ({ name, values: runs.map((run) => run.metrics?.[name] ?? null) }));
      const snapshots = readers.map((r) => flatten(r.snapshot()));
      const paths = [...new Set(snapshots.flatMap((s) => Object.keys(s)))].sort();
      const snapshotDifferences = paths
        .map((p) => ({ path: p, values: snapshots.map((s) => s[p]) }))
        .filter(({ values }) => values.some((v) => JSON.stringify(v) !== JSON.stringify(values[0])));
      return { runs, metrics, snapshotDifferences };
    } finally {
      for (const reader of readers) reader.close();
    }
  }

  /** Calls back (debounced) whenever any run file changes, whoever wrote it. */
  watch(onChange: () => void, debounceMs = 100): { close(): void } {
    let timer: NodeJS.Timeout | undefined;
    const watchers: FSWatcher[] = [];
    const fire = () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    };
    const watchDir = (dir: string) => {
      if (existsSync(dir)) watchers.push(watch(dir, { recursive: true }, fire));
    };
    watchDir(this.runsDir);
    return {
      close() {
        clearTimeout(timer);
        for (const w of watchers) w.close();
      },
    };
  }

  /** Whether a run is being written right now by a live process. */
  isRunning(ref: string): boolean {
    const files = this.resolve(ref);
    if (!existsSync(files.journal)) return false;
    const header = readJournalHeader(files.journal);
    return header !== undefined && writerAlive(header);
  }

  resolve(ref: string): RunFiles {
    if (ref.endsWith(".sqlite")) {
      const base = ref.slice(0, -".sqlite".length);
      return { database: ref, journal: `${base}.journal`, card: `${base}.card.json` };
    }
    const match = /^([^/\\]+)[/\\](?:run-)?(\d+)$/.exec(ref);
    if (!match) throw new InputError(`"${ref}" is not a run reference`, "Use MODEL/run-NNNN (see `aibt runs list`) or a path to a .sqlite run file");
    const files = runFiles(this.runsDir, match[1]!, `run-${match[2]!.padStart(4, "0")}`);
    if (!existsSync(files.database) && !existsSync(files.journal)) {
      const known = this.runFilesOf(match[1]!).map((f) => path.basename(f.database, ".sqlite"));
      throw new InputError(
        `no run ${ref}`,
        known.length ? `Runs of ${match[1]}: ${known.slice(-10).join(", ")}` : `Model ${match[1]} has no runs; see \`aibt runs list\``,
      );
    }
    return files;
  }

  private models(): string[] {
    if (!existsSync(this.runsDir)) return [];
    return readdirSync(this.runsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  }

  private runFilesOf(model: string): RunFiles[] {
    const dir = path.join(this.runsDir, model);
    if (!existsSync(dir)) return [];
    const ids = new Set<string>();
    for (const name of readdirSync(dir)) {
      const match = /^(run-\d+)\.(sqlite|journal)$/.exec(name);
      if (match) ids.add(match[1]!);
    }
    return [...ids].sort().map((id) => runFiles(this.runsDir, model, id));
  }

  /** The card if it is at least as new as the database; otherwise the database itself. */
  private async cardOf(files: RunFiles): Promise<RunCard> {
    if (existsSync(files.card) && (!existsSync(files.database) || statSync(files.card).mtimeMs >= statSync(files.database).mtimeMs)) {
      try {
        return JSON.parse(readFileSync(files.card, "utf8")) as RunCard;
      } catch {
        // a damaged card is only a cache: fall through to the database
      }
    }
    const reader = await RunReader.open(files.database);
    try {
      return reader.card();
    } finally {
      reader.close();
    }
  }
}

/** {a: {b: 1}, c: [2]} -> {"a.b": 1, "c": [2]}: arrays compare whole. */
function flatten(value: unknown, prefix = "", into: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into[prefix] = value;
  }
  return into;
}
