/**
 * The LLM endpoint's API key: kept in the editor's SecretStorage (the OS keychain on desktop), or taken
 * from OPENAI_API_KEY. It is handed to runs in memory only; nothing AIBT writes ever contains it.
 */
import * as vscode from "vscode";

const KEY = "aibt.apiKey";

export class ApiKeys implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key === KEY) this.changed.fire();
    });
  }

  /** The stored key, else the environment's; with where it came from (for messages, never the key). */
  async get(): Promise<{ key: string; source: "secret storage" | "OPENAI_API_KEY" } | undefined> {
    const stored = await this.secrets.get(KEY);
    if (stored) return { key: stored, source: "secret storage" };
    const env = process.env.OPENAI_API_KEY?.trim();
    return env ? { key: env, source: "OPENAI_API_KEY" } : undefined;
  }

  async set(key: string): Promise<void> {
    const problem = apiKeyProblem(key);
    if (problem) throw new Error(problem);
    await this.secrets.store(KEY, key.trim());
  }

  async clear(): Promise<void> {
    await this.secrets.delete(KEY);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Why a pasted key cannot be right, or undefined. The key itself never appears in the message. */
export function apiKeyProblem(value: string): string | undefined {
  const key = value.trim();
  if (key === "") return "The key is empty: paste the key from your provider (e.g. OpenRouter: Settings > Keys)";
  if (/\s/.test(key)) return "The key contains spaces or line breaks: paste only the key itself";
  if (key.length < 8) return "The key is too short to be an API key: paste the whole key";
  return undefined;
}
