/** AIBT: Set API Key / Clear API Key: the key goes to SecretStorage only. */
import * as vscode from "vscode";
import { type ApiKeys, apiKeyProblem } from "../secrets";

export async function setApiKey(keys: ApiKeys, value?: string): Promise<boolean> {
  const key =
    value ??
    (await vscode.window.showInputBox({
      title: "AIBT: API key for your OpenAI-compatible endpoint",
      prompt: "Kept in the editor's secret storage, never in settings or files",
      password: true,
      ignoreFocusOut: true,
      validateInput: apiKeyProblem,
    }));
  if (key === undefined) return false;
  await keys.set(key);
  void vscode.window.showInformationMessage("AIBT: API key saved in the editor's secret storage.");
  return true;
}

export async function clearApiKey(keys: ApiKeys): Promise<void> {
  await keys.clear();
  const env = process.env.OPENAI_API_KEY ? " OPENAI_API_KEY is still set in the environment and will be used." : "";
  void vscode.window.showInformationMessage(`AIBT: API key removed from secret storage.${env}`);
}
