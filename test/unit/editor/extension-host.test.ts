// The extension-host integration tests (test/extension-host/, mocha inside the real extension host),
// started the way the design card asks: @vscode/test-electron's runTests, whose `vscodeExecutablePath`
// is the project's launcher (test/editor/launcher.mjs) running them in code-server with Chromium.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canInstall, ensureEditor, repoRoot, type EditorInstall } from "../../editor/code-server.mjs";
import { buildExtensionTests, type ExtensionTestResult, runExtensionTests } from "../../editor/extension-tests.mjs";

const RUN_TIMEOUT = 15 * 60_000;

function failures(results: ExtensionTestResult[]): string {
  return results
    .filter((r) => r.state === "failed")
    .map((r) => `${r.title}\n${r.error}`)
    .join("\n\n");
}

describe("the extension in a real VS Code (extension-host tests)", () => {
  let install: EditorInstall;
  let index = "";
  const temps: string[] = [];
  const temp = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "aibt-eh-"));
    temps.push(dir);
    return dir;
  };
  const skipUnlessInstalled = (context: { skip(): void }) => {
    if (install.ok) return;
    if (process.env.CI || canInstall()) throw new Error(`the editor could not be set up:\n${install.why}`);
    context.skip();
  };

  beforeAll(async () => {
    install = ensureEditor();
    index = await buildExtensionTests();
  }, RUN_TIMEOUT);

  afterAll(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it("every extension-host test passes (activation, serializer, controller, tree, commands, settings, secrets)", async (context) => {
    skipUnlessInstalled(context);
    expect(existsSync(path.join(repoRoot, "dist", "extension.js")), "build first: node esbuild.mjs").toBe(true);
    const { results, failure } = await runExtensionTests({ install, temp: temp(), index, grep: process.env.AIBT_EH_GREP });
    expect(failures(results)).toBe("");
    expect(results.filter((r) => r.state === "passed").length, `too few extension-host tests passed (${String(failure)})`).toBeGreaterThan(process.env.AIBT_EH_GREP ? 0 : 10);
    expect(failure).toBeUndefined();
  }, RUN_TIMEOUT);

  it("in Restricted Mode (Workspace Trust on, the folder not trusted) nothing runs and the UI says why", async (context) => {
    skipUnlessInstalled(context);
    const { results, failure } = await runExtensionTests({ install, temp: temp(), index, grep: "Restricted Mode", trust: true });
    expect(failures(results)).toBe("");
    expect(results.filter((r) => r.state === "passed").map((r) => r.title)).toHaveLength(2);
    expect(failure).toBeUndefined();
  }, RUN_TIMEOUT);
});
