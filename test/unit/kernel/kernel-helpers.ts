// Shared by the kernel tests: a notebook folder inside the repository (so cells resolve @types/node,
// tslab and aibt from its node_modules) and the check that no kernel process is left behind.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { repoRoot } from "../../shared-data";

export const KERNEL_TEST = { timeout: 60_000 };

export function notebookFolder(): { dir: string; cleanup(): void } {
  const parent = path.join(repoRoot, "node_modules", ".cache", "kernel-tests");
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, "nb-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The tslab kernel processes this test worker started that are still alive. */
export function kernelProcesses(): { pid: number; args: string }[] {
  let out = "";
  try {
    out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  } catch {
    return []; // ps exits 1 when there are none
  }
  return out
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && /tslab kernel/.test(match[2]!))
    .map((match) => ({ pid: Number(match[1]), args: match[2]! }));
}

export async function expectNoKernelLeft(): Promise<void> {
  for (let i = 0; i < 50 && kernelProcesses().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(kernelProcesses()).toEqual([]);
}
