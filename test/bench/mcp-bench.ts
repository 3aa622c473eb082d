/**
 * The MCP server's speed: 1,000 get_positions calls over stdio on a 10,000-step run (target < 2 s), and
 * the first HTTP response after the server process starts (target < 200 ms). Prints figures only.
 */
import { rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { syntheticSeries } from "../../src/data/synthetic";
import { formatMarketTime } from "../../src/data/calendar";
import { backtest } from "../../src/run/backtest";
import { httpClient, startHttpServer, stdioClient } from "../unit/mcp/mcp-fixtures";
import { workspace } from "../unit/store/store-fixtures";

async function main(): Promise<void> {
  const ws = workspace();
  try {
    const [series] = syntheticSeries({ symbols: ["SYNA"], start: "2024-01-02", bars: 10_000, interval: 1, seed: 8 });
    const result = await backtest({ data: [series!], workspace: ws, fast: 5, slow: 20 });
    const times = Array.from({ length: 1_000 }, (_, i) => formatMarketTime(series!.time[(i * 9) % 10_000]!));

    const client = await stdioClient(ws);
    await client.callTool({ name: "get_positions", arguments: { run: `sma-cross/${result.run!.id}`, at: times[0] } });
    let started = performance.now();
    for (const at of times) await client.callTool({ name: "get_positions", arguments: { run: `sma-cross/${result.run!.id}`, at } });
    const stdioMs = performance.now() - started;
    await client.close();

    started = performance.now();
    const server = await startHttpServer(ws);
    const listening = performance.now() - started;
    // The first answer, asked the moment the address is printed: a raw initialize request, so the
    // figure is the server's, not a client library's own start-up.
    const asked = performance.now();
    const answer = await fetch(server.url, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "bench", version: "1" } } }),
    });
    await answer.text();
    const firstResponse = performance.now() - asked;
    const http = await httpClient(server.url, server.token);
    await http.listTools();
    await http.close();
    await server.stop();

    const report = { stdioCalls: 1_000, stdioMs: Math.round(stdioMs), steps: 10_000, httpListeningMs: Math.round(listening), httpFirstResponseMs: Math.round(firstResponse) };
    if (process.argv.includes("--json")) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(`MCP over stdio: 1,000 get_positions calls on a 10,000-step run in ${report.stdioMs} ms (target < 2000)`);
      console.log(`MCP over HTTP: first response ${report.httpFirstResponseMs} ms after the server started listening (target < 200); the process took ${report.httpListeningMs} ms to start`);
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

void main();
