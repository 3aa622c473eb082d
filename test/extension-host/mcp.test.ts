import * as assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { suite, test } from "mocha";
import * as vscode from "vscode";
import { aibt, until, workspaceFolder } from "./helpers";

/** Starts the server a definition describes, as VS Code would, and lists its tools. */
async function toolsOf(server: vscode.McpStdioServerDefinition): Promise<string[]> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...server.env })) if (value !== undefined && value !== null) env[key] = String(value);
  const transport = new StdioClientTransport({ command: server.command, args: server.args, env, ...(server.cwd ? { cwd: server.cwd.fsPath } : {}) });
  const client = new Client({ name: "aibt-extension-test", version: "1.0.0" });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((tool) => tool.name).sort();
  } finally {
    await client.close();
  }
}

suite("MCP server registered with the editor", () => {
  test("the provider's definition starts the bundled server for this workspace, and it answers tools/list", async () => {
    const api = await aibt();
    const contributed = vscode.extensions.getExtension("aibt.aibt")!.packageJSON.contributes.mcpServerDefinitionProviders as { id: string }[];
    assert.deepEqual(contributed.map((p) => p.id), ["aibt.mcp"]);
    const [server] = api.mcp.provideMcpServerDefinitions();
    assert.ok(server, "one server for the open folder");
    assert.deepEqual(server.args.slice(-3), ["mcp", "--workspace", workspaceFolder()]);
    const tools = await toolsOf(server);
    for (const name of ["list_models", "list_runs", "get_run", "get_positions", "get_trades", "get_decisions", "get_performance", "compare_runs"]) assert.ok(tools.includes(name), `${name} in ${tools.join(", ")}`);
    assert.ok(!tools.includes("run_backtest"), "no write tools unless the setting allows them");
  });

  test("aibt.mcp.writeTools adds the write tools, and VS Code is told the definition changed", async () => {
    const api = await aibt();
    let changed = 0;
    const listening = api.mcp.onDidChangeMcpServerDefinitions(() => changed++);
    const config = vscode.workspace.getConfiguration("aibt");
    await config.update("mcp.writeTools", true, vscode.ConfigurationTarget.Workspace);
    try {
      await until("the change event", () => changed > 0);
      const [server] = api.mcp.provideMcpServerDefinitions();
      assert.ok(server!.args.includes("--allow-writes"));
      const tools = await toolsOf(server!);
      for (const name of ["run_backtest", "run_replay", "cancel_run"]) assert.ok(tools.includes(name), `${name} in ${tools.join(", ")}`);
    } finally {
      await config.update("mcp.writeTools", undefined, vscode.ConfigurationTarget.Workspace);
      listening.dispose();
    }
  });
});
