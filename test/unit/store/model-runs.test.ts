// Runs of model definitions, and what happens to a running run when its model is deleted.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { backtest } from "../../../src/run/backtest";
import { ModelStore } from "../../../src/store/models";
import { RunStore } from "../../../src/store/runs";
import { minuteFile, startCli, waitFor, workspace } from "./store-fixtures";

describe("runs of model definitions", () => {
  it("run with the model's strategy, cash and limits, recorded under the model with its definition frozen", async () => {
    const ws = workspace();
    const models = new ModelStore(ws);
    models.create({ name: "Fast Cross", strategy: { kind: "coded", name: "sma-cross", parameters: { fast: 5, slow: 20 } }, initialCash: 50_000, risk: { maxTradesPerDay: 1 } });
    const result = await backtest({ data: minuteFile(ws, 3_000), workspace: ws, model: "fast-cross" });
    expect(result.run).toMatchObject({ modelId: "fast-cross", id: "run-0001", status: "completed" });
    expect(result.initialCash).toBe(50_000);
    // One order a day at most: every later cross on the same day is blocked and recorded.
    expect(result.blockedOrders).toBeGreaterThan(0);
    const reader = await new RunStore(ws).open("fast-cross/1");
    expect(reader.snapshot()).toMatchObject({ model: { id: "fast-cross", version: 1, strategy: { parameters: { fast: 5, slow: 20 } } } });
    expect(reader.blocked()[0]).toMatchObject({ rule: "max-trades-per-day" });
    reader.close();
  });

  it("refuse LLM models for now, unknown models, and a model without a workspace", async () => {
    const ws = workspace();
    new ModelStore(ws).create({ name: "Thinker", strategy: { kind: "llm", model: "openai/gpt-4o-mini" } });
    await expect(backtest({ workspace: ws, model: "thinker" })).rejects.toThrow(/is an LLM model .* cannot run LLM models yet/);
    await expect(backtest({ workspace: ws, model: "nope" })).rejects.toThrow(/nope/);
    await expect(backtest({ model: "thinker" })).rejects.toThrow(/needs a workspace/);
    expect(existsSync(path.join(ws, ".aibt/runs"))).toBe(false);
  });

  it("deleting a model while its run writes: the run finishes intact with its snapshot, and the caller is told", async () => {
    const ws = workspace();
    const data = minuteFile(ws, 300_000, 6);
    new ModelStore(ws).create({ name: "Doomed", strategy: { kind: "coded", name: "sma-cross", parameters: { fast: 5, slow: 20 } } });
    const child = startCli(["backtest", "--data", data, "--model", "doomed", "--json"], ws);
    const journal = path.join(ws, ".aibt/runs/doomed/run-0001.journal");
    await waitFor(() => existsSync(journal), 60_000, "the run to start");
    const deleted = startCli(["models", "delete", "doomed"], ws);
    const said = await deleted.done;
    expect(said.code).toBe(0);
    expect(said.stdout).toMatch(/Deleted model "doomed".*doomed\/run-0001 is still running and will finish with its own snapshot/);
    const exit = await child.done;
    expect([exit.code, exit.stderr]).toEqual([0, ""]);
    expect(new ModelStore(ws).list().models).toEqual([]);
    const reader = await new RunStore(ws).open("doomed/1");
    expect(reader.card()).toMatchObject({ status: "completed", stepsDone: 300_000 });
    expect(reader.snapshot()).toMatchObject({ model: { id: "doomed", name: "Doomed" } });
    reader.close();
  }, 120_000);
});
