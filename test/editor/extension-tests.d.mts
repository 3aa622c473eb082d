import type { EditorInstall } from "./code-server.mjs";

export interface ExtensionTestResult {
  title: string;
  state: "passed" | "failed";
  durationMs?: number;
  error?: string;
}
export function buildExtensionTests(out?: string): Promise<string>;
export function runExtensionTests(options: {
  install: EditorInstall;
  temp: string;
  index: string;
  grep?: string;
  trust?: boolean;
  env?: Record<string, string>;
}): Promise<{ results: ExtensionTestResult[]; failure: unknown; workspace: string }>;
