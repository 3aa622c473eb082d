// The engine runs the same in VS Code, tslab, the CLI and the MCP server only if src/ never imports vscode.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../shared-data";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : /\.(ts|js|mjs|cjs)$/.test(name) ? [full] : [];
  });
}

describe("layering", () => {
  it("src/ never imports vscode", () => {
    const files = sources(path.join(repoRoot, "src"));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((file) => /(from\s+["']vscode["'])|(require\(\s*["']vscode["']\s*\))|(import\(\s*["']vscode["']\s*\))/.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("src/ never imports from kernel/ or extension/ (dependencies point one way)", () => {
    const offenders = sources(path.join(repoRoot, "src")).filter((file) => /from\s+["'](\.\.\/)+(kernel|extension)\//.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("kernel/ never imports vscode or extension/: extension -> kernel -> src", () => {
    const files = sources(path.join(repoRoot, "kernel"));
    const offenders = files.filter((file) => /(from\s+["']vscode["'])|(from\s+["'](\.\.\/)+extension\/)/.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the browser code in media/ imports nothing from the Node side (types only)", () => {
    const files = sources(path.join(repoRoot, "media")).filter((file) => !file.includes(`${path.sep}out${path.sep}`) && !file.endsWith(".mjs"));
    expect(files.length).toBeGreaterThan(2);
    const offenders = files.filter((file) => /^import (?!type )[^;]*from\s+["']((\.\.\/)+(src|kernel|extension)\/|vscode["']|node:)/m.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the engine is deterministic: no wall clock or Math.random inside a run", () => {
    const runCode = ["run", "broker", "risk", "market", "strategy", "metrics"].flatMap((dir) => sources(path.join(repoRoot, "src", dir)));
    const offenders = runCode.filter((file) => /Date\.now\(|Math\.random\(|new Date\(\)/.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });
});
