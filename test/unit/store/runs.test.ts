import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { backtest } from "../../../src/run/backtest";
import { InputError } from "../../../src/errors";
import { readJournal } from "../../../src/store/recovery";
import { RunReader } from "../../../src/store/run-reader";
import { RunWriter } from "../../../src/store/run-writer";
import { RunStore } from "../../../src/store/runs";
import { sqlite } from "../../../src/store/sqlite";
import { minuteFile, startCli, waitFor, workspace } from "./store-fixtures";

describe("recording a run", () => {
  it("keeps every step, order, fill, position and the metrics, readable afterwards", async () => {
    const ws = workspace();
    const data = minuteFile(ws, 5_000);
    const result = await backtest({ data, workspace: ws, commission: 0.001, fast: 5, slow: 20 });
    expect(result.run).toMatchObject({ id: "run-0001", modelId: "sma-cross", number: 1, status: "completed", stepsDone: 5_000 });
    const store = new RunStore(ws);
    const reader = await store.open("sma-cross/run-0001");
    const card = reader.card();
    expect(card.metrics).toMatchObject({ sharpe: result.sharpe, finalEquity: result.finalEquity, fills: result.fills });
    const equity = reader.equity();
    expect(equity).toHaveLength(5_000);
    expect(equity.map((p) => p.equity)).toEqual([...result.equityCurve]);
    expect(reader.fills().map((f) => [f.step, f.side, f.quantity, f.price])).toEqual(result.fillLog.map((f) => [f.step, f.side, f.quantity, f.price]));
    // Every order filled, except perhaps one placed on the last bar.
    expect(reader.orderCount()).toBeGreaterThanOrEqual(result.fills);
    expect(reader.orderCount()).toBeLessThanOrEqual(result.fills + 1);
    const firstBuy = result.fillLog[0]!;
    expect(reader.positionsAt(firstBuy.step)).toEqual({ SYNA: firstBuy.quantity });
    expect(reader.positionsAt(firstBuy.step - 1)).toEqual({});
    expect(reader.snapshot()).toMatchObject({ strategy: "sma-cross", fast: 5, slow: 20, broker: { commission: { rate: 0.001 } } });
    reader.close();
    expect(existsSync(path.join(ws, ".aibt/runs/sma-cross/run-0001.journal"))).toBe(false);
  });

  it("numbers runs per model, lists, compares, exports and deletes them", async () => {
    const ws = workspace();
    const data = minuteFile(ws, 2_000);
    await backtest({ data, workspace: ws, fast: 5, slow: 20 });
    await backtest({ data, workspace: ws, fast: 10, slow: 40 });
    await backtest({ data, workspace: ws, strategy: "buy-and-hold" });
    const store = new RunStore(ws);
    const { runs, problems } = await store.list();
    expect(problems).toEqual([]);
    expect(runs.map((r) => `${r.modelId}/${r.id}`)).toEqual(["buy-and-hold/run-0001", "sma-cross/run-0002", "sma-cross/run-0001"]);
    const comparison = await store.compare(["sma-cross/1", "sma-cross/run-0002"]);
    expect(comparison.snapshotDifferences).toEqual([
      { path: "fast", values: [5, 10] },
      { path: "slow", values: [20, 40] },
    ]);
    expect(comparison.metrics.find((m) => m.name === "bars")!.values).toEqual([2_000, 2_000]);
    const exported = await store.export("sma-cross/1", ws);
    const copy = await RunReader.open(exported);
    expect(copy.card().id).toBe("run-0001");
    copy.close();
    await store.delete("sma-cross/run-0001");
    expect((await store.list("sma-cross")).runs.map((r) => r.id)).toEqual(["run-0002"]);
    await expect(store.open("sma-cross/run-0001")).rejects.toThrow(/no run sma-cross\/run-0001.*run-0002/);
    await expect(store.compare(["sma-cross/2"])).rejects.toThrow(/at least two/);
    expect(() => store.resolve("nonsense")).toThrow(InputError);
  });

  it("records a failed run with its error", async () => {
    const ws = workspace();
    const data = minuteFile(ws, 500);
    const failing = { name: "broken", onBar: (ctx: { view: { step: number } }) => { if (ctx.view.step === 100) throw new Error("strategy bug at step 100"); } };
    await expect(backtest({ data, workspace: ws, strategy: failing as never })).rejects.toThrow(/strategy bug/);
    const { runs } = await new RunStore(ws).list();
    expect(runs[0]).toMatchObject({ modelId: "broken", status: "failed", error: "strategy bug at step 100", stepsDone: 100 });
  });

  it("records a cancelled run as cancelled", async () => {
    const ws = workspace();
    const controller = new AbortController();
    const result = await backtest({ data: minuteFile(ws, 20_000), workspace: ws, onProgress: (p) => p.step > 4000 && controller.abort() }, controller.signal);
    expect(result.run).toMatchObject({ status: "cancelled" });
    const reader = await new RunStore(ws).open("sma-cross/1");
    expect(reader.equity()).toHaveLength(result.bars);
    reader.close();
  });
});

describe("durability across processes", () => {
  it("loses no completed step when the writing process is killed with -9", async () => {
    const ws = workspace();
    const data = minuteFile(ws, 400_000, 3);
    const journal = path.join(ws, ".aibt/runs/sma-cross/run-0001.journal");
    const child = startCli(["backtest", "--data", data, "--fast", "5", "--slow", "20", "--commission", "0.001"], ws);
    await waitFor(() => existsSync(journal) && statSync(journal).size > 2_000_000, 60_000, "the journal to grow");
    child.kill("SIGKILL");
    const exit = await child.done;
    expect(exit.signal).toBe("SIGKILL");
    const journaled = readJournal(journal)!.steps;
    expect(journaled.length).toBeGreaterThan(1_000);
    expect(journaled.length).toBeLessThan(400_000);

    const store = new RunStore(ws);
    const { runs } = await store.list();
    expect(runs[0]).toMatchObject({ id: "run-0001", status: "failed", stepsDone: journaled.length });
    expect(runs[0]!.error).toMatch(/interrupted: the process writing it \(pid \d+ on .*\) stopped after \d+ of 400000 steps; recovered from its journal/);
    expect(existsSync(journal)).toBe(false);

    // Every completed step is there, exactly as an uninterrupted run computes it.
    const reader = await store.open("sma-cross/1");
    const recovered = reader.equity();
    expect(recovered).toHaveLength(journaled.length);
    const full = await backtest({ data, fast: 5, slow: 20, commission: 0.001 });
    expect(recovered.map((p) => p.equity)).toEqual([...full.equityCurve.subarray(0, journaled.length)]);
    const fillsBefore = full.fillLog.filter((f) => f.step < journaled.length);
    expect(reader.fills().map((f) => [f.step, f.price])).toEqual(fillsBefore.map((f) => [f.step, f.price]));
    reader.close();
  }, 120_000);

  it("two processes recording runs of one model at once both complete, with distinct numbers", async () => {
    const ws = workspace();
    const data = minuteFile(ws, 60_000, 4);
    const a = startCli(["backtest", "--data", data, "--fast", "5", "--slow", "20", "--json"], ws);
    const b = startCli(["backtest", "--data", data, "--fast", "8", "--slow", "30", "--json"], ws);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.code, rb.code, ra.stderr, rb.stderr]).toEqual([0, 0, "", ""]);
    const names = [JSON.parse(ra.stdout).run, JSON.parse(rb.stdout).run].sort();
    expect(names).toEqual(["sma-cross/run-0001", "sma-cross/run-0002"]);
    const store = new RunStore(ws);
    for (const name of names) {
      const reader = await store.open(name);
      expect(reader.card()).toMatchObject({ status: "completed", stepsDone: 60_000 });
      expect(reader.equity()).toHaveLength(60_000);
      reader.close();
    }
  }, 120_000);

  it("a reader sees a run grow while another process writes it, then sees it complete", async () => {
    const ws = workspace();
    const data = minuteFile(ws, 300_000, 5);
    const store = new RunStore(ws);
    const seen: { status: string; steps: number }[] = [];
    const child = startCli(["backtest", "--data", data, "--fast", "5", "--slow", "20"], ws);
    await waitFor(() => existsSync(path.join(ws, ".aibt/runs/sma-cross/run-0001.sqlite")), 60_000, "the run file");
    // A reader that watches the folder (and, so a loaded machine cannot hide the middle of the run from
    // it, also looks every 50 ms) sees the run's flushed states as the other process writes them.
    let watchEvents = 0;
    const look = () => store.list().then(({ runs }) => runs[0] && seen.push({ status: runs[0].status, steps: runs[0].stepsDone }));
    const watcher = store.watch(() => {
      watchEvents++;
      void look();
    }, 20);
    let finished = false;
    const polling = (async () => {
      while (!finished) {
        await look();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    expect(store.isRunning("sma-cross/1")).toBe(true);
    await expect(store.delete("sma-cross/1")).rejects.toThrow(/still running/);
    const exit = await child.done;
    finished = true;
    await polling;
    await waitFor(() => seen.some((s) => s.status === "completed"), 10_000, "the completed run");
    watcher.close();
    expect(exit.code).toBe(0);
    expect(watchEvents).toBeGreaterThan(0);
    const running = seen.filter((s) => s.status === "running");
    expect(running.length).toBeGreaterThan(0);
    expect(running.some((s) => s.steps > 0 && s.steps < 300_000)).toBe(true);
    // Listings resolve in any order (a slow one may finish after a later one): the completed state was seen.
    expect(seen).toContainEqual({ status: "completed", steps: 300_000 });
    expect(store.isRunning("sma-cross/1")).toBe(false);
  }, 120_000);
});

describe("damaged and foreign run files", () => {
  async function recorded(): Promise<{ ws: string; store: RunStore; file: string }> {
    const ws = workspace();
    await backtest({ data: minuteFile(ws, 1_000), workspace: ws, fast: 5, slow: 20 });
    await backtest({ data: minuteFile(ws, 1_000), workspace: ws, fast: 6, slow: 20 });
    return { ws, store: new RunStore(ws), file: path.join(ws, ".aibt/runs/sma-cross/run-0001.sqlite") };
  }

  it("refuses a truncated run file clearly, leaves it alone, and still lists the others", async () => {
    const { store, file } = await recorded();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const before = readFileSync(file);
    await expect(RunReader.open(file)).rejects.toThrow(/corrupt or truncated.*left untouched/);
    // The card is only a cache: remove it so listing must read the damaged database.
    const card = file.replace(".sqlite", ".card.json");
    writeFileSync(card, "{ not json");
    const { runs, problems } = await store.list();
    expect(runs.map((r) => r.id)).toEqual(["run-0002"]);
    expect(problems).toEqual([{ file, message: expect.stringMatching(/corrupt or truncated/) }]);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("refuses a file that is not a run file", async () => {
    const { file } = await recorded();
    writeFileSync(file, "hello, I am not a database".repeat(10));
    await expect(RunReader.open(file)).rejects.toThrow(/not a run file/);
  });

  it("refuses a run file from a newer AIBT without touching it", async () => {
    const { file } = await recorded();
    const SQL = await sqlite();
    const db = new SQL.Database(readFileSync(file));
    db.run("UPDATE schema_info SET version = 99");
    writeFileSync(file, db.export());
    db.close();
    await expect(RunReader.open(file)).rejects.toThrow(/schema version 99, newer than this AIBT understands \(3\)/);
  });

  it("opens a version-1 run file (from before the cassette) by migrating it in memory", async () => {
    const { file } = await recorded();
    const SQL = await sqlite();
    const db = new SQL.Database(readFileSync(file));
    db.run("DROP INDEX positions_symbol_step; DROP TABLE cassette; UPDATE schema_info SET version = 1");
    writeFileSync(file, db.export());
    db.close();
    const before = readFileSync(file);
    const reader = await RunReader.open(file);
    expect(reader.card().status).toBe("completed");
    expect(reader.cassette().size).toBe(0);
    reader.close();
    // Read-only: the file on disk is still version 1.
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("drops a torn last journal line: that step never completed", async () => {
    const ws = workspace();
    const writer = await RunWriter.start(path.join(ws, ".aibt/runs"), { modelId: "m", mode: "daily", stepsTotal: 10, snapshot: {}, data: {} });
    for (let step = 0; step < 3; step++) writer.step({ step, time: step, equity: 100 + step, cash: 100, exposure: step });
    const journal = writer.files.journal;
    // Simulate a writer that died mid-line, under a pid that no longer exists.
    const text = readFileSync(journal, "utf8").replace(`"pid":${process.pid}`, '"pid":2147483646');
    writeFileSync(journal, `${text}{"step":3,"time":3,"equi`);
    const { runs } = await new RunStore(ws).list();
    expect(runs[0]).toMatchObject({ status: "failed", stepsDone: 3 });
    const reader = await new RunStore(ws).open("m/1");
    expect(reader.equity().map((p) => p.equity)).toEqual([100, 101, 102]);
    reader.close();
  });
});
