/** `aibt mcp`: the engine's tools over MCP, on stdio (for editors that spawn it) or Streamable HTTP. */
import path from "node:path";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { InputError } from "../errors";
import { serveHttp } from "../mcp/http";
import { createMcpServer } from "../mcp/server";
import { numberFlag, parseFlags, stringFlag } from "./args";

export const MCP_HELP = `Usage: aibt mcp [--workspace DIR] [--allow-writes] [--http [--port N] [--token T]]

Serves the workspace's models and runs to any MCP client: list_models, get_model, list_runs, get_run,
get_positions, get_trades, get_decisions, get_performance, compare_runs, get_prices; with
--allow-writes also run_backtest, run_replay and cancel_run. Resources: aibt://models/{id},
aibt://runs/{model}/{run}. Prompts: explain-run, compare-runs.

  --workspace DIR   the workspace (default: the current folder)
  --allow-writes    serve the tools that start and cancel runs (off by default)
  --http            Streamable HTTP on 127.0.0.1 instead of stdio
  --port N          HTTP port (default 0: a free one; the address is printed)
  --token T         the bearer token clients must send (default: a new random one, printed once)

Add it to an MCP client with one line, e.g.
  { "aibt": { "command": "npx", "args": ["aibt", "mcp", "--workspace", "/path/to/workspace"] } }
`;

export async function mcpCommand(argv: string[], out: (text: string) => void, signal?: AbortSignal): Promise<void> {
  const flags = parseFlags("mcp", argv, {
    workspace: { type: "string" },
    "allow-writes": { type: "boolean" },
    http: { type: "boolean" },
    port: { type: "string" },
    token: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) return out(MCP_HELP);
  const workspace = path.resolve(stringFlag(flags, "workspace") ?? ".");
  const allowWrites = flags["allow-writes"] === true;
  if (!flags.http && (flags.port !== undefined || flags.token !== undefined)) throw new InputError("--port and --token are for --http", "Add --http, or drop them for stdio");
  if (flags.http) {
    const token = stringFlag(flags, "token");
    if (token !== undefined && token.length < 16) throw new InputError("--token is too short to protect anything", "Use at least 16 characters, or leave it out for a random one");
    const server = await serveHttp({ workspace, allowWrites, port: numberFlag(flags, "port", { integer: true, min: 0, max: 65535, example: 8765 }) ?? 0, ...(token ? { token } : {}) });
    // On stderr, once: stdout stays clean for tools that read it.
    process.stderr.write(`AIBT MCP server: ${server.url}\n${token ? "" : `token: ${server.token}\n`}`);
    await waitForStop(signal);
    await server.close();
    return;
  }
  const mcp = createMcpServer({ workspace, allowWrites });
  const transport = new StdioServerTransport();
  await mcp.server.connect(transport);
  await new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once("end", resolve);
    signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  await mcp.close();
}

function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    signal?.addEventListener("abort", () => resolve(), { once: true });
    process.once("SIGTERM", () => resolve());
  });
}
