import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectInputError, runCli } from "./cli-helpers";

describe("aibt runs", () => {
  let ws: string;
  beforeAll(() => {
    ws = mkdtempSync(path.join(os.tmpdir(), "aibt-runs-cli-"));
    for (const args of [["--fast", "10", "--slow", "50"], ["--fast", "20", "--slow", "100"], ["--strategy", "buy-and-hold"]]) {
      const result = runCli(["backtest", ...args, "--workspace", ws, "--json"]);
      expect(result.status).toBe(0);
    }
  });

  it("backtest says where it recorded the run, and --no-record writes nothing", () => {
    const text = runCli(["backtest", "--to", "2001-01-01", "--workspace", ws]);
    expect(text.stdout).toMatch(/Recorded as sma-cross\/run-0003 \(see `aibt runs show sma-cross\/run-0003`\)/);
    const empty = mkdtempSync(path.join(os.tmpdir(), "aibt-norecord-"));
    expect(runCli(["backtest", "--no-record"], { cwd: empty }).status).toBe(0);
    expect(readdirSync(empty)).toEqual([]);
  });

  it("lists runs as a table and as JSON", () => {
    const table = runCli(["runs", "list", "--workspace", ws]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^RUN\s+STATUS\s+MODE\s+DATA\s+STEPS\s+RETURN\s+SHARPE/);
    expect(table.stdout).toMatch(/buy-and-hold\/run-0001\s+completed\s+daily\s+SPX 2000-01-03\.\.2020-04-17\s+5105\/5105\s+96\.52%/);
    const json = JSON.parse(runCli(["runs", "list", "--workspace", ws, "--model", "sma-cross", "--json"]).stdout);
    expect(json.runs.map((r: { id: string }) => r.id)).toEqual(["run-0003", "run-0002", "run-0001"]);
    expect(json.problems).toEqual([]);
  });

  it("shows one run with its snapshot and fills", () => {
    const shown = runCli(["runs", "show", "sma-cross/1", "--workspace", ws]);
    expect(shown.stdout).toMatch(/sma-cross\/run-0001\s+completed/);
    expect(shown.stdout).toMatch(/"fast":10,"slow":50/);
    expect(shown.stdout).toMatch(/fills\s+138, last: sell/);
    const json = JSON.parse(runCli(["runs", "show", "sma-cross/run-0001", "--workspace", ws, "--json"]).stdout);
    expect(json.fills).toHaveLength(138);
    expect(json.metrics.fills).toBe(138);
  });

  it("compares runs: metrics side by side and the settings that differ", () => {
    const compared = runCli(["runs", "compare", "sma-cross/1", "sma-cross/2", "--workspace", ws]);
    expect(compared.stdout).toMatch(/sharpe\s+0\.1903\s+/);
    expect(compared.stdout).toMatch(/settings that differ:[\s\S]*fast\s+10\s+20[\s\S]*slow\s+50\s+100/);
  });

  it("exports a run file and deletes a run", () => {
    const target = path.join(ws, "exported.sqlite");
    expect(runCli(["runs", "export", "buy-and-hold/1", "--out", target, "--workspace", ws]).stdout).toMatch(/exported to/);
    expect(runCli(["runs", "show", target, "--workspace", ws]).stdout).toMatch(/buy-and-hold\/run-0001/);
    expect(runCli(["runs", "delete", "buy-and-hold/1", "--workspace", ws]).stdout).toBe("deleted buy-and-hold/run-0001\n");
    expect(existsSync(path.join(ws, ".aibt/runs/buy-and-hold/run-0001.sqlite"))).toBe(false);
  });

  it("refuses bad references and actions clearly", () => {
    expectInputError(runCli(["runs", "show", "sma-cross/99", "--workspace", ws]), ["no run sma-cross/99", "run-0001"]);
    expectInputError(runCli(["runs", "show", "--workspace", ws]), ["show takes one run, got 0"]);
    expectInputError(runCli(["runs", "compare", "sma-cross/1", "--workspace", ws]), ["at least two"]);
    expectInputError(runCli(["runs", "export", "sma-cross/1", "--workspace", ws]), ["--out"]);
    expectInputError(runCli(["runs", "frobnicate", "--workspace", ws]), ['unknown runs action "frobnicate"']);
    expectInputError(runCli(["runs", "show", path.join(ws, "missing.sqlite"), "--workspace", ws]), ["run file not found"]);
  });
});
