import type { ChildProcess } from "node:child_process";

export const CODE_SERVER_VERSION: string;
export const repoRoot: string;
export function sleep(ms: number): Promise<void>;
export interface EditorInstall {
  ok: boolean;
  why: string;
  nodeBin: string;
  codeServer: string;
  chromium: string;
}
export function ensureEditor(): EditorInstall;
export function canInstall(): boolean;
export function freePort(): Promise<number>;
export function processesOf(pgid: number, marker: string): number[];
export function isolatedHome(temp: string): Record<string, string>;
export interface RunningCodeServer {
  port: number;
  base: string;
  child: ChildProcess;
  stop(): Promise<number[]>;
  output(): string;
}
export function startCodeServer(options: {
  codeServer: string;
  nodeBin: string;
  temp: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  env?: Record<string, string>;
  trust?: boolean;
}): Promise<RunningCodeServer>;
export function workbenchUrl(base: string, port: number, workspace: string, options?: { extensionDevelopmentPaths?: string[]; extensionTestsPath?: string }): string;
