/**
 * The run file's SQLite schema and its migrations. Version 1 is the first; a file from a newer AIBT is
 * refused (never rewritten), an older one is migrated in memory when opened.
 */
import type { Database } from "sql.js";
import { InputError } from "../errors";

export const RUN_SCHEMA_VERSION = 3;

/** migrations[i] turns a version-i database into version i+1. */
const MIGRATIONS: ((db: Database) => void)[] = [
  (db) =>
    db.run(`
      CREATE TABLE schema_info (version INTEGER NOT NULL);
      INSERT INTO schema_info VALUES (0);
      CREATE TABLE run (
        id TEXT NOT NULL, model_id TEXT NOT NULL, number INTEGER NOT NULL, mode TEXT NOT NULL,
        status TEXT NOT NULL, error TEXT, started_at TEXT NOT NULL, ended_at TEXT,
        steps_done INTEGER NOT NULL, steps_total INTEGER NOT NULL,
        snapshot TEXT NOT NULL, data TEXT NOT NULL, metrics TEXT
      );
      CREATE TABLE equity (step INTEGER PRIMARY KEY, time REAL NOT NULL, equity REAL NOT NULL, cash REAL NOT NULL, exposure REAL NOT NULL);
      CREATE TABLE orders (
        id INTEGER PRIMARY KEY, step INTEGER NOT NULL, time REAL NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
        type TEXT NOT NULL, quantity TEXT NOT NULL, limit_price REAL, stop_price REAL, time_in_force TEXT NOT NULL,
        reason TEXT, idempotency_key TEXT, status TEXT NOT NULL
      );
      CREATE TABLE fills (
        order_id INTEGER NOT NULL, step INTEGER NOT NULL, time REAL NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
        quantity REAL NOT NULL, price REAL NOT NULL, commission REAL NOT NULL, reason TEXT
      );
      CREATE INDEX fills_step ON fills (step);
      CREATE TABLE blocked (step INTEGER NOT NULL, time REAL NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL, quantity TEXT, rule TEXT NOT NULL, reason TEXT NOT NULL);
      CREATE TABLE positions (step INTEGER NOT NULL, symbol TEXT NOT NULL, quantity REAL NOT NULL, PRIMARY KEY (step, symbol));
      CREATE TABLE decisions (step INTEGER PRIMARY KEY, time REAL NOT NULL, decision TEXT, reasoning TEXT);
    `),
  // Version 2: the LLM cassette, so a run can be replayed from its own file.
  (db) =>
    db.run(`
      CREATE TABLE cassette (
        key TEXT PRIMARY KEY, step INTEGER NOT NULL, model TEXT NOT NULL, request TEXT NOT NULL, response TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, latency_ms REAL NOT NULL
      );
    `),
  // Version 3: "what was held at time t" answered from an index, not a scan per symbol.
  (db) => db.run("CREATE INDEX positions_symbol_step ON positions (symbol, step);"),
];

export function schemaVersion(db: Database): number {
  try {
    const rows = db.exec("SELECT version FROM schema_info");
    return Number(rows[0]?.values[0]?.[0] ?? 0);
  } catch {
    return 0; // no schema_info table: an empty database
  }
}

/** Brings a database to the current schema; refuses one from a newer version. */
export function migrate(db: Database, file: string): void {
  const version = schemaVersion(db);
  if (version > RUN_SCHEMA_VERSION) {
    throw new InputError(
      `run file has schema version ${version}, newer than this AIBT understands (${RUN_SCHEMA_VERSION})`,
      "Update AIBT to open it; the file is left untouched",
      { file },
    );
  }
  for (let v = version; v < RUN_SCHEMA_VERSION; v++) {
    db.run("BEGIN");
    MIGRATIONS[v]!(db);
    db.run("UPDATE schema_info SET version = ?", [v + 1]);
    db.run("COMMIT");
  }
}
