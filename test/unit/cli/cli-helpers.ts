import type { BacktestSummary } from "../../../src/run/backtest";
// Runs the REAL built `aibt` command (dist/cli.js) as a child process, the way a user does.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { repoRoot } from "../../shared-data";

export const cliPath = path.join(repoRoot, "dist/cli.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Where CLI runs happen unless a test says otherwise: backtests record their runs there, not in the repo. */
const scratch = mkdtempSync(path.join(os.tmpdir(), "aibt-cli-"));

export function runCli(args: string[], options: { cwd?: string } = {}): CliResult {
  if (!existsSync(cliPath)) {
    throw new Error(`${cliPath} is missing: build it first with \`node esbuild.mjs\` in ${repoRoot} (the test runner, node test/run.mjs, does this)`);
  }
  const result = spawnSync(process.execPath, [cliPath, ...args], { encoding: "utf8", cwd: options.cwd ?? scratch, timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command that must succeed, and returns its stdout (with stderr in the failure message). */
export function runOk(args: string[]): string {
  const result = runCli(args);
  expect(result.stderr, `aibt ${args.join(" ")} wrote to stderr`).toBe("");
  expect(result.status, `aibt ${args.join(" ")} failed: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Runs `aibt backtest ... --json` and parses the single JSON object it prints. */
export function backtestJson(args: string[]): BacktestJson {
  const stdout = runOk(["backtest", ...args, "--json"]);
  return JSON.parse(stdout) as BacktestJson;
}

/** The JSON summary: the engine's summary type, with non-finite numbers printed as null. */
export type BacktestJson = Omit<BacktestSummary, "profitFactor"> & { profitFactor: number | null };

/**
 * A user mistake: exit code exactly 1, nothing on stdout, and stderr ONE line "aibt: ..." without a
 * stack trace, naming the problem (every keyword must appear, case-insensitive).
 */
export function expectInputError(result: CliResult, keywords: (string | RegExp)[]): void {
  const shown = `stderr: ${JSON.stringify(result.stderr)}`;
  expect(result.status, shown).toBe(1);
  expect(result.stdout, shown).toBe("");
  expect(result.stderr, shown).toMatch(/^aibt: [^\n]+\n$/);
  expect(result.stderr, shown).not.toContain("    at ");
  expect(result.stderr, shown).not.toMatch(/internal error|Error:/);
  const line = result.stderr.toLowerCase();
  for (const keyword of keywords) {
    if (typeof keyword === "string") expect(line, shown).toContain(keyword.toLowerCase());
    else expect(result.stderr, shown).toMatch(keyword);
  }
}

/** A fresh temp folder; remove it with the returned cleanup. */
export function tempDir(prefix: string): { dir: string; file: (name: string, text?: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `aibt-cli-${prefix}-`));
  return {
    dir,
    file: (name, text) => {
      const target = path.join(dir, name);
      if (text !== undefined) writeFileSync(target, text);
      return target;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every field `aibt backtest --json` must carry, with the type it must have. */
export function expectSaneSummary(s: BacktestJson): void {
  for (const key of ["bars", "fills", "roundTrips", "finalEquity", "totalReturn", "sharpe", "sortino", "maxDrawdown", "cagr", "winRate", "exposure"] as const) {
    expect(typeof s[key], key).toBe("number");
    expect(Number.isFinite(s[key]), `${key} = ${s[key]}`).toBe(true);
  }
  expect(s.profitFactor === null || (typeof s.profitFactor === "number" && s.profitFactor >= 0)).toBe(true);
  expect(s.status).toBe("completed");
  expect(Number.isInteger(s.bars) && s.bars > 0).toBe(true);
  expect(Number.isInteger(s.fills) && Number.isInteger(s.roundTrips)).toBe(true);
  // Long-only, all-in/all-out strategies: every round trip is two fills, plus maybe one open position.
  expect([2 * s.roundTrips, 2 * s.roundTrips + 1]).toContain(s.fills);
  expect(s.finalEquity).toBeGreaterThan(0);
  expect(s.totalReturn).toBeCloseTo(s.finalEquity / s.initialCash - 1, 10);
  expect(s.maxDrawdown).toBeGreaterThanOrEqual(0);
  expect(s.maxDrawdown).toBeLessThan(1);
  expect(s.winRate).toBeGreaterThanOrEqual(0);
  expect(s.winRate).toBeLessThanOrEqual(1);
  expect(s.exposure).toBeGreaterThanOrEqual(0);
  expect(s.exposure).toBeLessThanOrEqual(1);
  expect(s.periodsPerYear).toBeGreaterThan(0);
  expect(s.from <= s.to).toBe(true);
}
