/**
 * Workspace Trust: notebook cells and strategies are code from the folder, so in Restricted Mode AIBT
 * runs neither, and says so instead of failing silently.
 */
import * as vscode from "vscode";

export const RESTRICTED_MESSAGE = "This folder is in Restricted Mode: AIBT runs no notebook cell and starts no run in a folder you have not trusted.";

/** True when running is allowed; otherwise tells the person why not and how to trust the folder. */
export function trustedOrExplain(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`${action}: ${RESTRICTED_MESSAGE}`, "Manage Workspace Trust").then((choice) => {
    if (choice) void vscode.commands.executeCommand("workbench.trust.manage");
  });
  return false;
}
