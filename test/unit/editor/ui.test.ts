// The extension as a person uses it, in a real VS Code (code-server) in headless Chromium: the packaged
// .vsix installed offline, a sample notebook run with Run All (chart drawn by our renderer, metrics
// table), the run appearing in the AIBT tree, a backtest started from the palette and cancelled from
// its notification, a run report opened from the tree, and `@aibt` asked in the Chat view (with the
// test-only scripted language model picked). Screenshots land in test-results/ui/.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type FrameLocator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { canInstall, ensureEditor, repoRoot, type EditorInstall, type RunningCodeServer, startCodeServer } from "../../editor/code-server.mjs";
import { RunStore } from "../../../src/store/runs";
import { type ScriptedServer, startScriptedServer } from "../../llm/scripted-server";

const SETUP_TIMEOUT = 15 * 60_000;
const STEP_TIMEOUT = 240_000;
const shots = path.join(repoRoot, "test-results", "ui");

describe("the extension as a person uses it (UI tests in code-server)", () => {
  let install: EditorInstall;
  let temp = "";
  let workspace = "";
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let llm: ScriptedServer | undefined;
  let ready = false;

  const shot = async (name: string) => {
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, `${name}.png`) });
  };
  const palette = async (command: string) => {
    const input = page.locator(".quick-input-widget input");
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press("Escape");
      await page.keyboard.press("F1");
      const opened = await input.fill(`>${command}`, { timeout: 5_000 }).then(() => true, (error: unknown) => (attempt < 3 ? false : Promise.reject(error)));
      if (opened) break;
      // A webview (a report) holding the focus may keep the key: give the focus back to the workbench.
      await page.locator(".part.sidebar .composite.title").first().click();
    }
    await page.locator(".quick-input-list .monaco-list-row", { hasText: command }).first().waitFor();
    await input.press("Enter");
  };
  const pick = async (text: string) => {
    const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: text }).first();
    await row.waitFor({ state: "visible", timeout: 30_000 });
    await row.click();
  };
  /** The frame of a webview (notebook outputs or a panel) whose content has `selector`. */
  const webviewWith = async (selector: string, timeout = STEP_TIMEOUT, scroll?: () => Promise<void>): Promise<FrameLocator> => {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      const count = await page.locator("iframe.webview").count();
      for (let i = 0; i < count; i++) {
        const frame = page.frameLocator("iframe.webview").nth(i).frameLocator("iframe#active-frame");
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      }
      await scroll?.();
      await page.waitForTimeout(250);
    }
    throw new Error(`no webview shows ${selector} within ${timeout / 1000} s`);
  };

  beforeAll(async () => {
    install = ensureEditor();
    if (!install.ok) return;
    temp = mkdtempSync(path.join(tmpdir(), "aibt-ui-"));
    workspace = path.join(temp, "workspace");
    mkdirSync(workspace, { recursive: true });
    // The product a person installs: `npm run package`'s .vsix, installed offline into a fresh profile.
    const vsix = path.join(temp, "aibt.vsix");
    execFileSync(process.execPath, [path.join(repoRoot, "node_modules/@vscode/vsce/vsce"), "package", "--allow-missing-repository", "--skip-license", "--out", vsix], { cwd: repoRoot, stdio: "pipe" });
    const extensions = path.join(temp, "extensions");
    // The language model a person would pick in the Chat view: the test-only scripted one (no Copilot
    // here). Copied in before the install, which lists the folder's extensions in extensions.json.
    cpSync(path.join(repoRoot, "test/extension-host/fake-lm"), path.join(extensions, "aibt-test.aibt-fake-lm-0.0.1"), { recursive: true });
    const installed = spawnSync(install.codeServer, ["--config", "/dev/null", "--extensions-dir", extensions, "--install-extension", vsix], {
      encoding: "utf8",
      env: { ...process.env, HOME: path.join(temp, "home"), PATH: `${install.nodeBin}:${process.env.PATH}` },
    });
    if (installed.status !== 0) throw new Error(`installing the .vsix failed:\n${installed.stderr}${installed.stdout}`);
    expect(readdirSync(extensions).some((name) => name.startsWith("aibt.aibt-"))).toBe(true);
    expect(readFileSync(path.join(extensions, "extensions.json"), "utf8")).toContain("aibt-test.aibt-fake-lm");

    // An LLM model slow enough to cancel: its endpoint is the scripted OpenAI-compatible server.
    llm = await startScriptedServer({ replies: () => ({ kind: "message", content: "Hold." }), latencyMs: 100, apiKey: "sk-ui-test-0123456789" });
    mkdirSync(path.join(workspace, ".aibt", "models"), { recursive: true });
    server = await startCodeServer({ codeServer: install.codeServer, nodeBin: install.nodeBin, temp, workspace, userDataDir: path.join(temp, "user-data"), extensionsDir: extensions });
    browser = await chromium.launch({ executablePath: install.chromium, args: ["--no-sandbox", "--disable-gpu"] });
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(`${server.base}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 120_000 });
    await page.locator(".activitybar a.action-label[aria-label='AIBT']").waitFor({ timeout: 120_000 });
    ready = true;
    // The LLM model, written as the CLI or a notebook would: the tree must pick it up by itself.
    writeFileSync(path.join(temp, "model.json"), JSON.stringify({ name: "UI LLM", strategy: { kind: "llm", model: "scripted/holder", baseUrl: llm.url } }));
    execFileSync(process.execPath, [path.join(repoRoot, "dist/cli.js"), "models", "create", "--workspace", workspace, "--file", path.join(temp, "model.json")], { stdio: "pipe" });
  }, SETUP_TIMEOUT);

  afterEach(async (context) => {
    // What the screen showed when a step failed: the first thing to look at.
    if (page && context.task.result?.state === "fail") await shot(`failed-${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-")}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    const left = (await server?.stop()) ?? [];
    await llm?.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
    expect(left, "code-server processes left running").toEqual([]);
  }, 60_000);

  const skipUnlessReady = (context: { skip(): void }) => {
    if (!install.ok) {
      if (process.env.CI || canInstall()) throw new Error(`the editor could not be set up:\n${install.why}`);
      context.skip();
    }
    expect(ready, "the workbench did not load").toBe(true);
  };

  it("opens the sample notebook, runs it with Run All, and shows the chart (our renderer) and the metrics table", async (context) => {
    skipUnlessReady(context);
    await palette("AIBT: Open Sample Notebook");
    await pick("Getting started");
    await page.locator(".notebook-editor").first().waitFor({ timeout: 60_000 });
    // The notebook toolbar's Run All, as a person clicks it.
    await page.locator(".notebook-editor").getByText("Run All", { exact: true }).first().click();
    // The first run may ask which kernel: ours is the one for .aibtnb.
    const kernelPick = page.locator(".quick-input-widget .monaco-list-row", { hasText: "AIBT" }).first();
    if (await kernelPick.isVisible({ timeout: 3_000 }).catch(() => false)) await kernelPick.click();
    // A notebook draws the outputs of the cells in view: scroll down through it as a reader would.
    const notebookArea = page.locator(".notebook-editor .monaco-list").first();
    const outputs = await webviewWith(".vega-embed svg, .vega-embed canvas", STEP_TIMEOUT, async () => {
      await notebookArea.hover();
      await page.mouse.wheel(0, 400);
    });
    await expect.poll(() => outputs.locator(".vega-embed").count(), { timeout: STEP_TIMEOUT }).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await outputs.locator("table").allInnerTexts()).join("\n"), { timeout: STEP_TIMEOUT }).toMatch(/Sharpe/);
    await outputs.locator(".vega-embed").first().scrollIntoViewIfNeeded();
    await shot("notebook");
  }, STEP_TIMEOUT * 2);

  it("shows the notebook's run in the AIBT tree", async (context) => {
    skipUnlessReady(context);
    await page.locator(".activitybar a.action-label[aria-label='AIBT']").click();
    const run = page.locator(".monaco-list-row", { hasText: "run-0001" }).first();
    await run.waitFor({ timeout: 60_000 });
    await expect.poll(() => run.innerText()).toMatch(/Sharpe/);
    await page.locator(".monaco-list-row", { hasText: "UI LLM" }).first().waitFor({ timeout: 30_000 });
    await shot("tree");
  }, STEP_TIMEOUT);

  it("sets the API key, starts a backtest from the palette and cancels it from its notification", async (context) => {
    skipUnlessReady(context);
    await palette("AIBT: Set API Key");
    const key = page.locator(".quick-input-widget input[type='password']");
    await key.waitFor();
    await key.fill("sk-ui-test-0123456789");
    // Enter counts once the input has been validated (no message under it).
    await page.waitForTimeout(500);
    await key.press("Enter");
    await page.locator(".notifications-toasts .notification-toast", { hasText: "API key saved" }).first().waitFor({ timeout: 30_000 });
    await palette("AIBT: Run Backtest");
    await pick("UI LLM");
    await pick("Shipped sample");
    const progress = page.locator(".notifications-toasts .notification-toast", { hasText: "backtesting ui-llm" }).first();
    await progress.waitFor({ timeout: 60_000 });
    await expect.poll(() => llm!.requests.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    await expect(page.locator(".statusbar-item", { hasText: "AIBT" }).first().isVisible()).resolves.toBe(true);
    await shot("running");
    await progress.hover();
    await progress.getByRole("button", { name: "Cancel" }).click();
    await page.locator(".notifications-toasts .notification-toast", { hasText: "cancelled" }).first().waitFor({ timeout: 60_000 });
    const cancelled = page.locator(".monaco-list-row", { hasText: /run-0001.*cancelled/ }).first();
    await cancelled.waitFor({ timeout: 60_000 });
    await shot("cancelled");
  }, STEP_TIMEOUT);

  it("opens a run report from the tree: metrics, charts and trades in a webview", async (context) => {
    skipUnlessReady(context);
    const row = page.locator(".monaco-list-row", { hasText: "run-0001" }).filter({ hasText: "Sharpe" }).first();
    await row.click();
    const report = await webviewWith("vscode-table, table");
    await expect.poll(async () => (await report.locator("body").innerText()).includes("Sharpe"), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => report.locator(".vega-embed svg, .vega-embed canvas").count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await shot("report");
  }, STEP_TIMEOUT);

  it("answers a free question and `@aibt /performance` in the Chat view from the run's file, with a reference and buttons", async (context) => {
    skipUnlessReady(context);
    const { runs } = await new RunStore(workspace).list();
    const done = runs.find((run) => run.status === "completed");
    expect(done, "the notebook's completed run").toBeDefined();
    const ref = `${done!.modelId}/${done!.id}`;
    const sharpe = String(done!.metrics?.sharpe);
    await palette("View: Close All Editors");
    await palette("Chat: Open Chat");
    // The model picker offers the scripted model (the only one here): pick it as a person would.
    const picker = page.locator(".interactive-input-part [aria-label*='Pick Model']").first();
    await picker.waitFor({ timeout: 60_000 });
    await picker.click();
    await page.locator(".action-widget .monaco-list-row.focused", { hasText: "Scripted analyst" }).first().waitFor();
    // The menu's rows sit under a pointer block in headless Chromium: choose with the keyboard.
    await page.keyboard.press("Enter");
    await expect.poll(() => picker.getAttribute("aria-label"), { timeout: 30_000 }).toMatch(/Scripted analyst/);
    const ask = async (question: string) => {
      await page.locator(".interactive-input-part .monaco-editor").first().click();
      // After an answer the input keeps "@aibt " for the next question: start from an empty input.
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Backspace");
      // Pasted in one go: typed key by key, "@a" opens the participant suggestions, and on a busy
      // machine the Enter can land on one of them (@agent) instead of sending.
      await page.keyboard.insertText(question);
      const typed = page.locator(".interactive-input-part .view-lines").first();
      const squeezed = (text: string) => text.replace(/\s+/g, ""); // the input wraps long lines
      await expect.poll(() => typed.innerText().then(squeezed), { timeout: 10_000 }).toBe(squeezed(question));
      if (await page.locator(".interactive-input-part .suggest-widget.visible").count()) await page.keyboard.press("Escape");
      await page.keyboard.press("Enter");
    };
    const answerFrom = (tool: string) => page.locator(".interactive-response", { hasText: `From ${tool}:` }).last();

    // A free question, no run named: the model lists the runs and answers from what it read.
    await ask("@aibt Which of my runs did best?");
    const free = answerFrom("list_runs");
    await free.waitFor({ timeout: STEP_TIMEOUT });
    await expect.poll(() => free.innerText(), { timeout: 60_000 }).toMatch(/Answered with Scripted analyst \(aibt-test, picked in the chat\)/);
    // The list's first run (models by name) is the notebook's: its Sharpe, as recorded.
    expect(await free.innerText()).toContain(`${ref}: its Sharpe ratio is ${sharpe}.`);

    // /performance in the same conversation: the figure is the run's own Sharpe, read from its file.
    await ask(`@aibt /performance How did ${ref} do?`);
    const performance = answerFrom("get_performance");
    await performance.waitFor({ timeout: STEP_TIMEOUT });
    await expect.poll(() => performance.innerText(), { timeout: 60_000 }).toMatch(/Answered with Scripted analyst/);
    expect(await performance.innerText()).toContain(`${ref}: its Sharpe ratio is ${sharpe}.`);
    // The run file it used, cited: the collapsed "Used 1 reference" opens onto the file.
    await performance.getByRole("button", { name: /Used 1 reference/ }).click();
    await expect.poll(() => performance.innerText()).toContain(`${done!.id}.sqlite`);
    await expect(performance.getByRole("button", { name: "Run Again" }).isVisible()).resolves.toBe(true);
    await shot("chat");

    // The answer's button opens the run's report.
    await performance.getByRole("button", { name: `Open Report of ${ref}` }).click();
    await page.locator(".tabs-container .tab", { hasText: `Report: ${done!.modelId}` }).first().waitFor({ timeout: 60_000 });
    const report = await webviewWith("vscode-table, table");
    await expect.poll(async () => (await report.locator("body").innerText()).includes("Sharpe"), { timeout: 60_000 }).toBe(true);
  }, STEP_TIMEOUT * 2);
});
