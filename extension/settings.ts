/**
 * The `aibt.*` settings, resolved against the workspace folder. The API key is deliberately not here:
 * settings files are plain text that people commit and sync (see ./secrets).
 */
import path from "node:path";
import * as vscode from "vscode";

export interface AibtSettings {
  /** The folder holding `.aibt` (models and runs). */
  storeFolder: string | undefined;
  /** Where market data files are looked for. */
  dataFolder: string | undefined;
  baseUrl: string;
  aiModel: string;
  mcpWriteTools: boolean;
}

export function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

export function readSettings(): AibtSettings {
  const config = vscode.workspace.getConfiguration("aibt");
  const root = workspaceFolder();
  const under = (value: string) => (root === undefined ? undefined : path.resolve(root, value.trim() || "."));
  return {
    storeFolder: under(config.get<string>("storeFolder", "")),
    dataFolder: under(config.get<string>("dataFolder", "")),
    baseUrl: config.get<string>("endpoint.baseUrl", "").trim(),
    aiModel: config.get<string>("ai.model", "").trim(),
    mcpWriteTools: config.get<boolean>("mcp.writeTools", false),
  };
}

/** The store folder, or a message saying why there is none (no folder open). */
export function requireStoreFolder(): string {
  const folder = readSettings().storeFolder;
  if (folder === undefined) throw new UserFacingError("No folder is open: AIBT keeps models and runs in the open folder's .aibt", "Open a folder first (File: Open Folder)");
  return folder;
}

/** An expected failure shown to the person as one message with the way forward, never a stack. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}
