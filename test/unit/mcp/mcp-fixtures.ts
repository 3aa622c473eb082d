// A workspace with real runs (daily, intraday, LLM), and the `aibt mcp` server in a child process.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { backtest } from "../../../src/run/backtest";
import { replay } from "../../../src/run/replay";
import { ModelStore } from "../../../src/store/models";
import { startScriptedServer } from "../../llm/scripted-server";
import { sharedData } from "../../shared-data";
import { cliPath, workspace } from "../store/store-fixtures";

export const RTH = () => sharedData("normalized/intraday_1min_lean_algoseek_rth.csv");

/** Three runs: a daily sma-cross on AAPL, an intraday opening-range replay, and a scripted LLM run with decisions. */
export async function workspaceWithRuns(): Promise<string> {
  const ws = workspace();
  await backtest({ data: sharedData("normalized/daily_ndx_yahoo_kcjpop_2012-01-03_2022-01-28.csv"), symbol: "AAPL", workspace: ws, fast: 10, slow: 50, commission: 0.001 });
  await replay({ data: RTH(), symbol: "SPY", date: "2013-10-07", strategy: "opening-range", workspace: ws });
  const key = "sk-mcp-fixture-000000000000000000000";
  const llm = await startScriptedServer({
    apiKey: key,
    replies: (r) =>
      r.body.messages.at(-1).role === "tool"
        ? { kind: "message", content: "Bought AAPL on momentum." }
        : r.index === 0
          ? { kind: "tool_calls", calls: [{ name: "buy", arguments: { symbol: "AAPL", quantity: 5, reason: "momentum" } }] }
          : { kind: "message", content: "HOLD: nothing new." },
  });
  new ModelStore(ws).create({ name: "Momentum", allowedTickers: ["AAPL"], strategy: { kind: "llm", model: "scripted/momentum", baseUrl: llm.url, rules: ["Buy strength."], maxSteps: 3 } });
  delete process.env.OPENAI_BASE_URL;
  await backtest({ data: sharedData("normalized/daily_ndx_yahoo_kcjpop_2012-01-03_2022-01-28.csv"), symbol: "AAPL", from: "2021-01-04", to: "2021-01-29", workspace: ws, model: "momentum", apiKey: key });
  await llm.close();
  return ws;
}

export async function stdioClient(ws: string, extra: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, "mcp", "--workspace", ws, ...extra], stderr: "pipe" });
  const client = new Client({ name: "aibt-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

export interface HttpChild {
  child: ChildProcess;
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** Starts `aibt mcp --http` and reads its address and token from what it prints once. */
export function startHttpServer(ws: string, extra: string[] = []): Promise<HttpChild & { startedAt: number }> {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [cliPath, "mcp", "--http", "--workspace", ws, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${stderr}`)), 20_000);
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      const url = /AIBT MCP server: (\S+)/.exec(stderr)?.[1];
      const token = /token: (\S+)/.exec(stderr)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({
          child,
          url,
          token,
          startedAt,
          stop: () =>
            new Promise<void>((done) => {
              child.once("exit", () => done());
              child.kill("SIGINT");
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });
}

export async function httpClient(url: string, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  const client = new Client({ name: "aibt-test-http", version: "1.0.0" });
  await client.connect(transport);
  return client;
}
