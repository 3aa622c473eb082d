// Runs the extension-host suites (test/extension-host/*.test.ts, mocha) in a real VS Code through
// @vscode/test-electron's runTests, whose `vscodeExecutablePath` is ./launcher.mjs (code-server in
// Chromium). Shared by the vitest side (test/unit/editor) and `npm run bench:editor`.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { runTests } from "@vscode/test-electron";
import { build } from "esbuild";
import { repoRoot } from "./code-server.mjs";

/** Bundles the suites inside the repository, so `mocha` resolves from its node_modules in the extension host. */
export async function buildExtensionTests(out = path.join(repoRoot, "test-results", "extension-host")) {
  rmSync(out, { recursive: true, force: true });
  const dir = path.join(repoRoot, "test/extension-host");
  const entries = readdirSync(dir).filter((name) => name.endsWith(".test.ts") || name === "index.ts");
  await build({
    entryPoints: entries.map((name) => path.join(dir, name)),
    outdir: out,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: "inline",
    external: ["vscode", "mocha", "zeromq", "tslab", "tslab/*"],
    alias: { "vega-canvas": path.join(repoRoot, "node_modules/vega-canvas/build/vega-canvas.browser.js") },
    logLevel: "warning",
  });
  return path.join(out, "index.js");
}

/**
 * One launch of the editor over a fresh folder and profile under `temp`. Returns every test's result
 * (from the suites' own report) and the launch's error, if any.
 */
export async function runExtensionTests({ install, temp, index, grep, trust = false, env = {} }) {
  const workspace = path.join(temp, "workspace");
  mkdirSync(workspace, { recursive: true });
  const results = path.join(temp, "results.json");
  // A test-only extension that provides a scripted language model for the chat tests, installed into
  // the profile (the web workbench takes one extension development path).
  const extensions = path.join(temp, "extensions");
  cpSync(path.join(repoRoot, "test/extension-host/fake-lm"), path.join(extensions, "aibt-test.aibt-fake-lm-0.0.1"), { recursive: true });
  let failure;
  try {
    await runTests({
      vscodeExecutablePath: path.join(repoRoot, "test/editor/launcher.mjs"),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: index,
      launchArgs: [workspace, `--user-data-dir=${path.join(temp, "user-data")}`, `--extensions-dir=${extensions}`],
      extensionTestsEnv: {
        AIBT_CODE_SERVER: install.codeServer,
        AIBT_CODE_SERVER_NODE: install.nodeBin,
        AIBT_CHROMIUM: install.chromium,
        AIBT_EH_RESULTS: results,
        AIBT_EH_SCREENSHOT: path.join(repoRoot, "test-results", `extension-host-failure-${path.basename(temp)}.png`),
        AIBT_REPO: repoRoot,
        ...(trust ? { AIBT_WORKSPACE_TRUST: "1" } : {}),
        ...(grep ? { AIBT_EH_GREP: grep } : {}),
        ...env,
      },
    });
  } catch (error) {
    failure = error;
  }
  return { results: existsSync(results) ? JSON.parse(readFileSync(results, "utf8")) : [], failure, workspace };
}
