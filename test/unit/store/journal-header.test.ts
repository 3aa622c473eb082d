// The journal's header alone (src/store/recovery.ts readJournalHeader): what listings read of every
// running run on each refresh, without reading a long run's step lines.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readJournal, readJournalHeader } from "../../../src/store/recovery";
import { workspace } from "./store-fixtures";

const header = (instructions: string) => ({ id: "run-0001", modelId: "m", number: 1, mode: "daily", startedAt: "2026-01-01T00:00:00.000Z", stepsTotal: 3, snapshot: { instructions }, data: {}, writer: { pid: 1, host: "h" } });

describe("readJournalHeader", () => {
  it("reads the first line only, however long it is, and agrees with the whole journal's reading", () => {
    const file = path.join(workspace(), "run-0001.journal");
    // A header longer than one 64 KB read (a model's long instructions), then steps.
    const long = "x".repeat(150_000);
    writeFileSync(file, `${JSON.stringify({ header: header(long) })}\n${JSON.stringify({ step: 0, time: 0, equity: 1, cash: 1, exposure: 0 })}\n`);
    const read = readJournalHeader(file);
    expect(read).toEqual(header(long));
    expect(read).toEqual(readJournal(file)?.header);
  });

  it("is undefined for an empty or torn first line, as for the whole journal", () => {
    const dir = workspace();
    for (const [name, text] of [["empty", ""], ["torn", '{"header": {"id": "run-00']] as const) {
      const file = path.join(dir, `${name}.journal`);
      writeFileSync(file, text);
      expect(readJournalHeader(file)).toBeUndefined();
      expect(readJournal(file)).toBeUndefined();
    }
  });
});
