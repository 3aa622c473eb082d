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

  it("refuse an LLM model without a key, an unknown model, and a model without a workspace, writing nothing", async () => {
    const ws = workspace();
    new ModelStore(ws).create({ name: "Thinker", strategy: { kind: "llm", model: "openai/gpt-4o-mini" } });
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    try {
      await expect(backtest({ workspace: ws, model: "thinker" })).rejects.toThrow(/no API key for https:\/\/openrouter\.ai\/api\/v1\. Set OPENAI_API_KEY/);
    } finally {
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key;
      if (saved.url !== undefined) process.env.OPENAI_BASE_URL = saved.url;
    }
    await expect(backtest({ workspace: ws, model: "nope" })).rejects.toThrow(/nope/);
    await expect(backtest({ model: "thinker" })).rejects.toThrow(/needs a workspace/);
    await expect(backtest({ workspace: ws, model: "thinker", cassette: "thinker/run-0009" })).rejects.toThrow(/no run thinker\/run-0009/);
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
