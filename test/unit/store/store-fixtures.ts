// Workspaces, generated data files and child processes for the store tests.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatMarketTime } from "../../../src/data/calendar";
import { afterAll } from "vitest";
import { syntheticSeries } from "../../../src/data/synthetic";
import { repoRoot } from "../../shared-data";

export const cliPath = path.join(repoRoot, "dist/cli.js");

/** Workspaces made by this test file, removed when it ends (the hook belongs to the importing file). */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function workspace(): string {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build first with \`node esbuild.mjs\``);
  const dir = mkdtempSync(path.join(os.tmpdir(), "aibt-store-"));
  made.push(dir);
  return dir;
}

/** A normalized CSV of generated minute bars (written once per size and seed). */
export function minuteFile(dir: string, bars: number, seed = 1): string {
  const file = path.join(dir, `syn-${bars}-${seed}.csv`);
  if (existsSync(file)) return file;
  const [s] = syntheticSeries({ symbols: ["SYNA"], start: "2020-01-02", bars, interval: 1, seed });
  const lines = ["symbol,timestamp,open,high,low,close,volume"];
  for (let i = 0; i < s!.length; i++) lines.push(`SYNA,${formatMarketTime(s!.time[i]!)},${s!.open[i]},${s!.high[i]},${s!.low[i]},${s!.close[i]},${s!.volume[i]}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** Starts `aibt` in another process. */
export function startCli(args: string[], cwd: string): ChildProcess & { done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return Object.assign(child, { done });
}

export async function waitFor(condition: () => boolean, timeoutMs = 30_000, what = "condition"): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
