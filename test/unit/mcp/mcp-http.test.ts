// The MCP server over Streamable HTTP: real process, real socket on 127.0.0.1, the SDK's own client;
// unauthorized, forged-Host, forged-Origin and oversized requests refused.
import http from "node:http";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspace } from "../store/store-fixtures";
import { httpClient, startHttpServer } from "./mcp-fixtures";
import type { HttpChild } from "./mcp-fixtures";
import { backtest } from "../../../src/run/backtest";

let server: HttpChild;
let client: Client;
beforeAll(async () => {
  const ws = workspace();
  await backtest({ workspace: ws, strategy: "buy-and-hold" });
  server = await startHttpServer(ws);
  client = await httpClient(server.url, server.token);
}, 60_000);
afterAll(async () => {
  await client?.close();
  await server?.stop();
});

/** A raw request, to send what a well-behaved client never would. */
function raw(options: { host?: string; origin?: string; token?: string | null; body?: string; path?: string }): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  const body = options.body ?? JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: url.port,
        path: options.path ?? "/mcp",
        method: "POST",
        headers: {
          host: options.host ?? url.host,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...(options.origin ? { origin: options.origin } : {}),
          ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? server.token}` }),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("the MCP server over HTTP", () => {
  it("listens on 127.0.0.1 only, and serves the tools with a bearer token", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.token.length).toBeGreaterThanOrEqual(24);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("get_positions");
    const runs = (await client.callTool({ name: "list_runs", arguments: {} })) as any;
    expect(runs.structuredContent.runs[0]).toMatchObject({ run: "buy-and-hold/run-0001", status: "completed" });
  });

  it("refuses requests without the token, with a wrong token, from a forged Host or Origin, and oversized", async () => {
    expect((await raw({ token: null })).status).toBe(401);
    expect((await raw({ token: "not-the-token-at-all-xxxxxxxx" })).status).toBe(401);
    const forgedHost = await raw({ host: "evil.example.com" });
    expect(forgedHost.status).toBe(403);
    expect(forgedHost.body).toMatch(/forbidden Host/);
    expect((await raw({ host: "evil.example.com:80" })).status).toBe(403);
    const forgedOrigin = await raw({ origin: "http://evil.example.com" });
    expect(forgedOrigin.status).toBe(403);
    expect(forgedOrigin.body).toMatch(/forbidden Origin/);
    expect((await raw({ body: "x".repeat(2_000_000) })).status).toBe(413);
    expect((await raw({ body: "{ not json" })).status).toBe(400);
    expect((await raw({ path: "/other" })).status).toBe(404);
    // ... and it still serves the real client.
    const still = (await client.callTool({ name: "list_models", arguments: {} })) as any;
    expect(still.isError).toBeFalsy();
  });

  it("refuses a request that joins no session", async () => {
    const stray = await raw({ body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} }) });
    expect(stray.status).toBe(400);
    expect(stray.body).toMatch(/initialize/);
  });
});
