/**
 * The engine's MCP server, offered to the editor's AI (Copilot's agent mode and any other MCP client
 * VS Code runs) without any configuration: `aibt mcp` from this extension's own bundle over stdio, for
 * the workspace's store. The write tools (start and cancel runs) are served only when the setting
 * allows them and the folder is trusted.
 */
import path from "node:path";
import * as vscode from "vscode";
import { readSettings } from "../settings";

export const MCP_PROVIDER_ID = "aibt.mcp";

export class AibtMcpServers implements vscode.McpServerDefinitionProvider<vscode.McpStdioServerDefinition>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeMcpServerDefinitions = this.changed.event;

  constructor(
    private readonly extensionPath: string,
    private readonly version: string,
  ) {}

  /** The store folder, the write-tools setting or trust changed: VS Code asks again. */
  refresh(): void {
    this.changed.fire();
  }

  provideMcpServerDefinitions(): vscode.McpStdioServerDefinition[] {
    const settings = readSettings();
    if (!settings.storeFolder) return [];
    const writes = settings.mcpWriteTools && vscode.workspace.isTrusted;
    const args = [path.join(this.extensionPath, "dist", "cli.js"), "mcp", "--workspace", settings.storeFolder, ...(writes ? ["--allow-writes"] : [])];
    // The extension host's own executable: Node in a remote or web host, Electron on the desktop,
    // which runs a script as Node only when asked.
    const env: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: "1" } : {};
    const server = new vscode.McpStdioServerDefinition(`AIBT (${path.basename(settings.storeFolder)})`, process.execPath, args, env, this.version);
    server.cwd = vscode.Uri.file(settings.storeFolder);
    return [server];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
