/**
 * The MCP server: the engine's workspace tools for any AI in the editor (or outside it). Every tool
 * comes from the one catalog, with its zod input and output schemas; results carry structured content
 * plus readable text, capped. Tools that start or cancel runs are served only when writes are allowed.
 */
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { runReport } from "../report/index";
import { callTool } from "../tools/tool";
import type { Tool, ToolContext } from "../tools/tool";
import { WorkspaceToolContext } from "../tools/workspace";
import { WORKSPACE_TOOLS } from "../tools/workspace-tools";

export const SERVER_VERSION = "0.1.0";
/** The readable text of a result stops here; the structured content is the whole (already paged) result. */
const MAX_TEXT = 20_000;

export interface AibtMcpOptions {
  workspace: string;
  /** Serve run_backtest, run_replay and cancel_run. Off by default: an AI should ask before spending. */
  allowWrites?: boolean;
}

export interface AibtMcp {
  server: McpServer;
  workspace: WorkspaceToolContext;
  close(): Promise<void>;
}

export function createMcpServer(options: AibtMcpOptions): AibtMcp {
  const workspace = new WorkspaceToolContext(options.workspace);
  const server = new McpServer(
    { name: "aibt", version: SERVER_VERSION },
    {
      capabilities: { logging: {} },
      instructions:
        "AIBT's trading research workspace: models (LLM or coded), their recorded runs (backtests and intraday replays) with every fill, blocked order, position and LLM decision with its reasoning. Start with list_runs or list_models; use get_decisions with includeReasoning to see why a model traded.",
    },
  );
  for (const tool of WORKSPACE_TOOLS) {
    if (tool.writes && !options.allowWrites) continue;
    registerTool(server, tool, workspace);
  }
  registerResources(server, workspace);
  registerReportResource(server, workspace);
  registerPrompts(server);
  return {
    server,
    workspace,
    async close() {
      workspace.close();
      await server.close();
    },
  };
}

function registerTool(server: McpServer, tool: Tool, workspace: WorkspaceToolContext): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input as z.ZodObject,
      outputSchema: tool.output as z.ZodObject,
      annotations: { readOnlyHint: !tool.writes, destructiveHint: false, openWorldHint: false },
    },
    async (args: unknown, extra): Promise<CallToolResult> => {
      const token = extra._meta?.progressToken;
      const context: ToolContext = {
        workspace,
        ...(token !== undefined
          ? { progress: (done: number, total: number) => void extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: done, total } }).catch(() => {}) }
          : {}),
      };
      try {
        const result = await callTool(tool, args, context, extra.signal);
        if (!result.ok) return { isError: true, content: [{ type: "text", text: result.error }] };
        return { content: [{ type: "text", text: readable(result.output) }], structuredContent: result.output as Record<string, unknown> };
      } catch (error) {
        // callTool only throws when the request was cancelled.
        return { isError: true, content: [{ type: "text", text: extra.signal.aborted ? `${tool.name} was cancelled` : String(error) }] };
      }
    },
  );
}

function readable(output: unknown): string {
  const text = JSON.stringify(output, null, 1);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n... (cut at ${MAX_TEXT} characters; the structured result is complete)` : text;
}

function registerResources(server: McpServer, workspace: WorkspaceToolContext): void {
  server.registerResource(
    "model",
    new ResourceTemplate("aibt://models/{id}", {
      list: () => ({
        resources: workspace.models.list().models.map((m) => ({ uri: `aibt://models/${m.id}`, name: m.name, mimeType: "application/json", description: `Model definition ${m.id}` })),
      }),
    }),
    { title: "Model definition", description: "A model definition of the workspace (JSON)", mimeType: "application/json" },
    (uri, { id }) => ({ contents: [{ uri: uri.href, mimeType: "application/json", text: `${JSON.stringify(workspace.models.get(String(id)), null, 2)}\n` }] }),
  );
  server.registerResource(
    "run",
    new ResourceTemplate("aibt://runs/{model}/{run}", {
      list: async () => ({
        resources: (await workspace.runs.list()).runs.slice(0, 500).map((r) => ({ uri: `aibt://runs/${r.modelId}/${r.id}`, name: `${r.modelId}/${r.id}`, mimeType: "text/markdown", description: `${r.mode} run, ${r.status}` })),
      }),
    }),
    { title: "Run report", description: "A run's report: status, data, settings, metrics, trades (markdown)", mimeType: "text/markdown" },
    async (uri, { model, run }) => {
      const reader = await workspace.reader(`${model}/${run}`);
      const card = reader.card();
      const fills = reader.fills();
      const lines = [
        `# ${card.modelId}/${card.id} (${card.mode}, ${card.status})`,
        card.error ? `\n**Error:** ${card.error}\n` : "",
        `Data: \`${JSON.stringify(card.data)}\``,
        `\n## Settings\n\n\`\`\`json\n${JSON.stringify(reader.snapshot(), null, 2)}\n\`\`\``,
        `\n## Metrics\n\n${Object.entries(card.metrics ?? {}).map(([k, v]) => `- ${k}: ${typeof v === "number" ? +v.toFixed(6) : JSON.stringify(v)}`).join("\n")}`,
        `\n## Trades (${fills.length}${fills.length > 50 ? ", the last 50" : ""})\n`,
        ...fills.slice(-50).map((f) => `- step ${f.step}: ${f.side} ${f.quantity} ${f.symbol} at ${f.price}${f.reason ? ` (${f.reason})` : ""}`),
      ];
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: lines.join("\n") }] };
    },
  );
}

/** The run's full report (the same self-contained HTML page `aibt report` writes), for clients that show HTML. */
function registerReportResource(server: McpServer, workspace: WorkspaceToolContext): void {
  server.registerResource(
    "run-report",
    new ResourceTemplate("aibt://runs/{model}/{run}/report", { list: undefined }),
    { title: "Run report (HTML)", description: "A run's self-contained HTML report: charts, metrics, trades, settings, reasoning", mimeType: "text/html" },
    async (uri, { model, run }) => {
      const reader = await workspace.reader(`${model}/${run}`);
      return { contents: [{ uri: uri.href, mimeType: "text/html", text: await runReport(reader, { workspace: workspace.dir }) }] };
    },
  );
}

function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    "explain-run",
    { title: "Explain a run", description: "Why a run made (or lost) money, from its trades, decisions and metrics", argsSchema: { run: z.string().describe("MODEL/run-NNNN") } },
    ({ run }) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: `Explain run ${run}: use get_run and get_performance for the result, get_trades for what it did (and what the risk guard refused), and get_decisions with includeReasoning for why. Point to the decisions that mattered most, with their times, and say what the model should do differently.`,
          },
        },
      ],
    }),
  );
  server.registerPrompt(
    "compare-runs",
    { title: "Compare runs", description: "What differs between runs and why their results differ", argsSchema: { runs: z.string().describe("Two or more runs, comma-separated") } },
    ({ runs }) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "text",
            text: `Compare runs ${runs}: use compare_runs for the metrics and the settings that differ, then get_trades and get_decisions where the equity curves part (get_performance). Explain which difference in settings or decisions caused which difference in results.`,
          },
        },
      ],
    }),
  );
}
