#!/usr/bin/env node
// The `vscodeExecutablePath` given to @vscode/test-electron's runTests: VS Code cannot be downloaded
// here, so this stands in for its executable. It takes the same command line (extension development
// and tests paths, user data and extensions folders, the folder to open), starts code-server with it,
// opens the workbench in headless Chromium with those settings in the URL's payload (the web
// workbench's form of the flags), prints what the tests log, and exits with their exit code.
// Environment: AIBT_CODE_SERVER, AIBT_CODE_SERVER_NODE (from test/setup/ensure-code-server.sh),
// AIBT_CHROMIUM (default /usr/bin/chromium), AIBT_EH_SCREENSHOT (where to save the page on failure),
// AIBT_EH_TIMEOUT_MS (default 10 minutes), AIBT_WORKSPACE_TRUST=1 (leave Workspace Trust on).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { startCodeServer, workbenchUrl } from "./code-server.mjs";

const argv = process.argv.slice(2);
const flag = (name) => argv.filter((arg) => arg.startsWith(`--${name}=`)).map((arg) => arg.slice(name.length + 3));
const folders = argv.filter((arg) => !arg.startsWith("--"));
const extensionDevelopmentPaths = flag("extensionDevelopmentPath");
const [extensionTestsPath] = flag("extensionTestsPath");
const temp = mkdtempSync(path.join(tmpdir(), "aibt-launcher-"));
const [userDataDir = path.join(temp, "user-data")] = flag("user-data-dir");
const [extensionsDir = path.join(temp, "extensions")] = flag("extensions-dir");
const workspace = folders[0] ?? path.join(temp, "workspace");
const timeoutMs = Number(process.env.AIBT_EH_TIMEOUT_MS ?? 10 * 60_000);

if (!process.env.AIBT_CODE_SERVER || !process.env.AIBT_CODE_SERVER_NODE) {
  console.error("launcher: set AIBT_CODE_SERVER and AIBT_CODE_SERVER_NODE (run test/setup/ensure-code-server.sh)");
  process.exit(2);
}

let server;
let browser;
let code = 1;
try {
  server = await startCodeServer({
    codeServer: process.env.AIBT_CODE_SERVER,
    nodeBin: process.env.AIBT_CODE_SERVER_NODE,
    temp,
    workspace,
    userDataDir,
    extensionsDir,
    trust: process.env.AIBT_WORKSPACE_TRUST === "1",
  });
  browser = await chromium.launch({ executablePath: process.env.AIBT_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let finish;
  const exit = new Promise((resolve) => (finish = resolve));
  // The workbench calls these when it runs extension tests: their log lines and the exit code.
  await page.exposeFunction("codeAutomationLog", (type, args) => console.log(...(Array.isArray(args) ? args : [args])));
  await page.exposeFunction("codeAutomationExit", (exitCode) => finish(exitCode));
  page.on("pageerror", (error) => console.error(`workbench page error: ${error.message}`));
  await page.goto(workbenchUrl(server.base, server.port, workspace, { extensionDevelopmentPaths, extensionTestsPath }));
  const timer = new Promise((resolve) => setTimeout(() => resolve("timeout"), timeoutMs));
  const result = await Promise.race([exit, timer]);
  if (result === "timeout") {
    console.error(`launcher: the extension tests did not finish within ${timeoutMs / 1000} s`);
    code = 1;
  } else {
    code = Number(result);
  }
  if (code !== 0 && process.env.AIBT_EH_SCREENSHOT) await page.screenshot({ path: process.env.AIBT_EH_SCREENSHOT }).catch(() => undefined);
} catch (error) {
  console.error(`launcher: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  await browser?.close().catch(() => undefined);
  const left = (await server?.stop()) ?? [];
  if (left.length > 0) {
    console.error(`launcher: code-server processes still running: ${left.join(", ")}`);
    code = code || 1;
  }
  rmSync(temp, { recursive: true, force: true });
}
process.exit(code);
