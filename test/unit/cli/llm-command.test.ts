// `aibt backtest --strategy llm`: the real CLI in a child process, the scripted LLM over real HTTP.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer } from "../../llm/scripted-server";
import type { ScriptedServer } from "../../llm/scripted-server";
import { cliPath } from "./cli-helpers";

const KEY = "sk-cli-test-key-0000000000000000000";

/** Runs the CLI asynchronously (the scripted server lives in this process and must keep serving). */
function cli(args: string[], cwd: string, env: Record<string, string | undefined>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, ...env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: childEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("aibt backtest --strategy llm", () => {
  let llm: ScriptedServer;
  let ws: string;
  beforeAll(async () => {
    llm = await startScriptedServer({
      apiKey: KEY,
      replies: (request) =>
        request.body.messages.some((m: { role: string }) => m.role === "tool")
          ? { kind: "message", content: "Done for today." }
          : request.index === 0
            ? { kind: "tool_calls", calls: [{ name: "buy", arguments: { symbol: "SPX", quantity: 10 } }] }
            : { kind: "message", content: "HOLD." },
    });
    ws = mkdtempSync(path.join(os.tmpdir(), "aibt-llm-cli-"));
    const created = await cli(["models", "create", "--name", "Scripted", "--llm", "scripted/model", "--base-url", llm.url, "--rule", "Buy once."], ws, {});
    expect(created.status).toBe(0);
  });
  afterAll(() => llm.close());

  it("runs the model with the key from the environment, and shows LLM usage next to Sharpe", async () => {
    const run = await cli(["backtest", "--strategy", "llm", "--model", "scripted", "--from", "2020-01-02", "--to", "2020-01-31", "--price-in", "1", "--price-out", "2"], ws, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: undefined });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Sharpe \/ Sortino .*\n\s+LLM\s+\d+ calls, 0 from the cassette, [\d,]+ tokens in \/ [\d,]+ out, cost \$0\.\d{4}/);
    expect(run.stdout).toMatch(/Trades\s+1 fills/);
    expect(run.stdout).toMatch(/Recorded as scripted\/run-0001/);
  });

  it("replays the recorded run with no key and no request", async () => {
    const before = llm.requests.length;
    const replay = await cli(["backtest", "--model", "scripted", "--from", "2020-01-02", "--to", "2020-01-31", "--cassette", "scripted/run-0001", "--json"], ws, { OPENAI_API_KEY: undefined });
    expect(replay.stderr).toBe("");
    const json = JSON.parse(replay.stdout);
    expect(json).toMatchObject({ llmCalls: 0, fills: 1, run: "scripted/run-0002" });
    expect(json.llmReplayed).toBeGreaterThan(15);
    expect(llm.requests.length).toBe(before);
  });

  it("says clearly what is missing, without a stack", async () => {
    const noKey = await cli(["backtest", "--model", "scripted"], ws, { OPENAI_API_KEY: undefined });
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toMatch(/^aibt: no API key for http:\/\/127\.0\.0\.1:\d+\/v1\. Set OPENAI_API_KEY/);
    const badKey = await cli(["backtest", "--model", "scripted", "--to", "2000-01-10"], ws, { OPENAI_API_KEY: "sk-wrong-key-000000000000000000000" });
    expect(badKey.status).toBe(1);
    expect(badKey.stderr).toMatch(/^aibt: the model endpoint .* refused the API key \(401\)/);
    expect(badKey.stderr).not.toMatch(/\n\s+at /);
    const noModel = await cli(["backtest", "--strategy", "llm"], ws, {});
    expect(noModel.stderr).toMatch(/--strategy llm needs --model ID/);
    const onePrice = await cli(["backtest", "--model", "scripted", "--price-in", "1"], ws, { OPENAI_API_KEY: KEY });
    expect(onePrice.stderr).toMatch(/give both --price-in and --price-out/);
    const codedCassette = await cli(["backtest", "--cassette", "scripted/run-0001"], ws, {});
    expect(codedCassette.stderr).toMatch(/a cassette is for LLM models/);
  });
});
