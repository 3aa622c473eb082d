// The report webview's page in a real headless Chromium: the built media/out/report.js under the same
// CSP the panel sets (reportHtml), a fake acquireVsCodeApi recording what the page posts, and real
// payloads (runReportData, comparisonData) from runs recorded in a temporary workspace: an LLM model
// answered by the scripted server, and a coded strategy beside it.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newNonce, reportHtml } from "../../../extension/report/report-html";
import type { FromReportWebview } from "../../../extension/report/report-messages";
import { comparisonData, runReportData } from "../../../src/report/index";
import type { ComparisonData, RunReportData } from "../../../src/report/index";
import { backtest } from "../../../src/run/backtest";
import { ModelStore } from "../../../src/store/models";
import { RunStore } from "../../../src/store/runs";
import { startScriptedServer } from "../../llm/scripted-server";
import type { ScriptedReply, ScriptedServer } from "../../llm/scripted-server";
import { NDX_DAILY, tempWorkspace } from "../charts/chart-fixtures";
import type { PageProblems, Served } from "./webview-fixtures";
import { builtMedia, chromiumReady, launch, requireChromium, resultsDir, serve, switchTheme, themeScript, watchProblems } from "./webview-fixtures";

const KEY = "sk-test-not-a-real-key-000000000000";
const SCRIPT = `<script>alert("x")</script>`;

// page.evaluate callbacks run in the page: the test program has no DOM types, so the browser globals
// they use are declared here, for this file only.
declare const window: { __posted: FromReportWebview[]; postMessage(message: unknown, origin: string): void };
declare const document: { querySelector(selectors: string): any; querySelectorAll(selectors: string): { length: number } };
declare function getComputedStyle(element: unknown): { fill: string; backgroundColor: string };

/** The panel's HTML with the editor's side of a webview in front of the page script: theme and a recording acquireVsCodeApi. */
function webviewPage(origin: string, title: string): string {
  const nonce = newNonce();
  const html = reportHtml({
    cspSource: origin,
    nonce,
    scriptUri: `${origin}/media/out/report.js`,
    styleUri: `${origin}/media/out/report.css`,
    codiconUri: `${origin}/media/out/codicon.css`,
    title,
  });
  const host = `<script nonce="${nonce}">
${themeScript("dark")}
window.__posted = [];
let state;
window.acquireVsCodeApi = () => ({
  postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))),
  getState: () => state,
  setState: (value) => { state = value; },
});
</script>
`;
  const at = html.indexOf(`<script nonce="${nonce}" src=`);
  return html.slice(0, at) + host + html.slice(at);
}

async function posted(page: Page): Promise<FromReportWebview[]> {
  return page.evaluate(() => window.__posted);
}

/** Loads the page, waits for its "ready", then posts the payload as the extension does. */
async function open(page: Page, served: Served, message: { type: "report"; data: RunReportData } | { type: "comparison"; data: ComparisonData }): Promise<void> {
  await page.goto(`${served.origin}/report.html`);
  await page.waitForFunction(() => window.__posted.some((m: FromReportWebview) => m.type === "ready"));
  await page.evaluate((m) => window.postMessage(m, "*"), message);
}

/** Drawn data marks (not axes) in a chart's SVG. */
async function marksIn(page: Page, selector: string): Promise<number> {
  return page.evaluate((s) => document.querySelectorAll(`${s} svg.marks .role-mark > *`).length, selector);
}

function expectClean(problems: PageProblems): void {
  expect(problems.csp, "CSP violations").toEqual([]);
  expect(problems.pageErrors, "page errors").toEqual([]);
  expect(problems.console, "console errors").toEqual([]);
  expect(problems.failedRequests, "failed requests").toEqual([]);
}

describe("the report webview in headless Chromium", () => {
  let chromium = { ok: false, why: "not looked for yet", executable: "" };
  let workspace: string;
  let server: ScriptedServer | undefined;
  let served: Served | undefined;
  let media = "";
  let browser: Browser | undefined;
  let report: RunReportData;
  let comparison: ComparisonData;

  beforeAll(async () => {
    chromium = chromiumReady();
    media = await builtMedia();
    mkdirSync(resultsDir, { recursive: true });
    workspace = tempWorkspace("aibt-webview-");
    delete process.env.OPENAI_BASE_URL;
    delete process.env.OPENAI_API_KEY;
    const say = (content: string): ScriptedReply => ({ kind: "message", content });
    const call = (name: string, args: Record<string, unknown>): ScriptedReply => ({ kind: "tool_calls", calls: [{ name, arguments: args }] });
    const script = [
      call("get_indicator", { symbol: "AAPL", indicator: "sma", period: 5 }),
      call("buy", { symbol: "AAPL", quantity: 20, reason: `momentum ${SCRIPT}` }),
      say(`Bought 20 AAPL: the 5-day average turned up. ${SCRIPT}`),
      say("HOLD: the trend is intact."),
      call("buy", { symbol: "AAPL", quantity: 5000, reason: "double down" }),
      say("The order for 5000 was refused: more than the cash; holding 20."),
    ];
    server = await startScriptedServer({
      replies: (request) => script[request.index] ?? (request.index === 40 ? call("sell", { symbol: "AAPL", quantity: "all" }) : request.index === 41 ? say("Sold everything: the move is done.") : say("HOLD: nothing new.")),
      apiKey: KEY,
    });
    new ModelStore(workspace).create({
      name: "Trader",
      allowedTickers: ["AAPL"],
      initialCash: 10_000,
      strategy: { kind: "llm", model: "scripted/trader", baseUrl: server.url, rules: ["Never hold more than 50 shares."], instructions: "Trade on momentum.", maxSteps: 4 },
    });
    await backtest({ data: NDX_DAILY(), symbol: "AAPL", from: "2012-01-03", to: "2012-04-30", workspace, model: "trader", apiKey: KEY, llmPrices: { inputPerMillion: 0.15, outputPerMillion: 0.6 } });
    await backtest({ data: NDX_DAILY(), symbol: "AAPL", from: "2012-01-03", to: "2012-04-30", strategy: "sma-cross", fast: 3, slow: 10, workspace });
    const store = new RunStore(workspace);
    const reader = await store.open("trader/run-0001");
    try {
      report = await runReportData(reader, { workspace, cwd: workspace, maxMessage: 4_000, maxToolText: 1_000 });
    } finally {
      reader.close();
    }
    comparison = await comparisonData(store, ["trader/1", "sma-cross/1"]);
    served = await serve(() => ({ "/report.html": webviewPage(served!.origin, "Report: trader run-0001") }), media);
    if (chromium.ok) browser = await launch(chromium.executable);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (media) rmSync(media, { recursive: true, force: true });
    await server?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it("shows a real run's report: metrics, every chart drawn, trades, decisions with their reasoning; no console error or CSP violation", async (context) => {
    requireChromium(chromium, context);
    expect(report.decisions.total).toBeGreaterThan(30);
    expect(report.blocked.total).toBeGreaterThan(0);
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = await watchProblems(page);
    await open(page, served!, { type: "report", data: report });

    // Header and headline numbers.
    await page.locator("h1", { hasText: report.title }).waitFor();
    expect(report.title).toMatch(/ on AAPL$/);
    await expect.poll(() => page.title()).toBe("Report: trader/run-0001");
    expect(await page.locator(".kpi .label").allTextContents()).toContain("LLM cost");

    // Metrics: one table row per recorded metric, label and value as the payload has them.
    const metricRows = page.locator("#metrics vscode-table-row");
    await expect.poll(() => metricRows.count()).toBe(report.metrics!.length);
    const firstRow = await metricRows.first().locator("vscode-table-cell").allTextContents();
    expect(firstRow).toEqual([report.metrics![0]!.label, report.metrics![0]!.value]);

    // Every chart with a spec is drawn as an SVG holding data marks.
    const drawn = report.charts.filter((chart) => chart.spec).map((chart) => chart.id);
    expect(drawn).toEqual(["equity", "drawdown", "candles", "exposure", "returns"]);
    await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`#chart-${id} svg.marks .role-mark > *`)), drawn, { timeout: 30_000 });
    for (const id of drawn) expect(await marksIn(page, `#chart-${id}`), id).toBeGreaterThan(0);
    // Fitted to the page: no chart is wider than its figure.
    for (const id of drawn) {
      const [figure, svg] = await page.evaluate((i) => [document.querySelector(`#chart-${i}`).clientWidth as number, document.querySelector(`#chart-${i} svg.marks`).getBoundingClientRect().width as number], id);
      expect(svg, id).toBeLessThanOrEqual(figure + 1);
      expect(svg, id).toBeGreaterThan(figure * 0.8);
    }
    // Drawn in the dark theme: the axis labels are the theme's muted foreground, not the spec's light-theme ink.
    const label = await page.evaluate(() => getComputedStyle(document.querySelector("#chart-equity svg.marks .role-axis-label text")).fill);
    expect(label).toBe("rgb(157, 157, 157)");

    await page.screenshot({ path: path.join(resultsDir, "webview-report-dark.png"), fullPage: true });

    // Trades and blocked orders, as text (a reason holding <script> is text, not markup).
    await page.locator("vscode-tab-header", { hasText: "Trades" }).click();
    const tradeRows = page.locator("#trades-table vscode-table-row");
    await expect.poll(() => tradeRows.count()).toBe(report.trades.rows.length);
    expect(await page.locator("#trades-table").textContent()).toContain(SCRIPT);
    await expect.poll(() => page.locator("#blocked-table vscode-table-row").count()).toBe(report.blocked.rows.length);
    expect(await page.locator("#blocked-table").isVisible()).toBe(true);

    // Decisions: one collapsible each, the eventful ones open with their reasoning showing.
    await page.locator("vscode-tab-header", { hasText: "Decisions" }).click();
    const decisions = page.locator("vscode-collapsible.decision");
    expect(await decisions.count()).toBe(report.decisions.excerpts.length);
    const bought = report.decisions.excerpts.find((e) => e.final?.startsWith("Bought 20 AAPL"))!;
    const boughtItem = page.locator(`vscode-collapsible.decision[data-step="${bought.step}"]`);
    expect(await boughtItem.getAttribute("open")).not.toBeNull();
    expect(await boughtItem.locator("blockquote.final").isVisible()).toBe(true);
    expect(await boughtItem.locator("blockquote.final").textContent()).toBe(bought.final);
    expect(await boughtItem.locator("code.tool").allTextContents()).toEqual(bought.calls.map((c) => c.name));
    // A quiet one is closed until clicked.
    const quiet = report.decisions.excerpts.find((e, i) => i > 0 && !e.eventful)!;
    const quietItem = page.locator(`vscode-collapsible.decision[data-step="${quiet.step}"]`);
    expect(await quietItem.locator("blockquote.final").isVisible()).toBe(false);
    await quietItem.locator(".collapsible-header").click();
    await expect.poll(() => quietItem.locator("blockquote.final").isVisible()).toBe(true);
    expect(await quietItem.locator("blockquote.final").textContent()).toBe(quiet.final);
    await page.screenshot({ path: path.join(resultsDir, "webview-report-decisions-dark.png") });

    // The snapshot.
    await page.locator("vscode-tab-header", { hasText: "Snapshot" }).click();
    expect(JSON.parse((await page.locator("#snapshot-settings pre.json").textContent())!)).toEqual(report.snapshot);

    // Buttons post messages for the extension to act on.
    await page.locator('vscode-button[data-action="compareWith"]').click();
    await page.locator('vscode-button[data-action="openSnapshot"]').click();
    await page.locator('vscode-button[data-action="revealRunFile"]').click();
    expect((await posted(page)).filter((m) => m.type !== "ready")).toEqual([
      { type: "compareWith", ref: "trader/run-0001" },
      { type: "openSnapshot", ref: "trader/run-0001" },
      { type: "revealRunFile", ref: "trader/run-0001" },
    ]);

    expectClean(problems);
    await page.close();
  }, 120_000);

  it("exports a chart as SVG and PNG through the extension", async (context) => {
    requireChromium(chromium, context);
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const problems = await watchProblems(page);
    await open(page, served!, { type: "report", data: report });
    await page.waitForSelector("#chart-equity svg.marks .role-mark > *", { state: "attached" });
    // Hovering a point shows its tooltip, styled like the editor's hovers.
    await page.locator("#chart-equity svg.marks g.mark-symbol.role-mark path").nth(40).hover({ force: true });
    await page.waitForSelector("#vg-tooltip-element.visible");
    const tooltip = await page.evaluate(() => {
      const element = document.querySelector("#vg-tooltip-element");
      return { text: element.textContent as string, background: getComputedStyle(element).backgroundColor as string };
    });
    expect(tooltip.text).toContain("Time (New York)");
    expect(tooltip.text).toContain("AAPL buy-and-hold");
    expect(tooltip.background).toBe("rgb(32, 32, 32)");
    await page.locator("#chart-equity").hover();
    await page.locator('#chart-equity .aibt-chart-action[data-format="svg"]').click();
    await page.locator('#chart-equity .aibt-chart-action[data-format="png"]').click();
    await expect.poll(async () => (await posted(page)).filter((m) => m.type === "saveImage").length).toBe(2);
    const [svg, png] = (await posted(page)).filter((m): m is Extract<FromReportWebview, { type: "saveImage" }> => m.type === "saveImage");
    expect(svg).toMatchObject({ format: "svg", fileName: "equity.svg" });
    expect(svg!.data).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(png).toMatchObject({ format: "png", fileName: "equity.png" });
    expect(png!.data).toMatch(/^data:image\/png;base64,iVBOR/);
    expectClean(problems);
    await page.close();
  }, 60_000);

  it("re-themes its charts when the editor switches to a light theme", async (context) => {
    requireChromium(chromium, context);
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const problems = await watchProblems(page);
    await open(page, served!, { type: "report", data: report });
    await page.waitForSelector("#chart-drawdown svg.marks .role-mark > *", { state: "attached" });
    const colours = () => page.evaluate(() => {
      const svg = document.querySelector("#chart-drawdown svg.marks");
      return { background: svg.style.backgroundColor, label: getComputedStyle(svg.querySelector(".role-axis-label text")).fill };
    });
    const dark = await colours();
    await switchTheme(page, "light");
    await expect.poll(async () => (await colours()).background, { timeout: 10_000 }).not.toBe(dark.background);
    const light = await colours();
    expect(dark.background).toBe("rgb(31, 31, 31)");
    expect(light.background).toBe("rgb(255, 255, 255)");
    expect(light.label).toBe("rgb(59, 59, 59)");
    expectClean(problems);
    await page.close();
  }, 60_000);

  it("shows two runs side by side: metrics with the difference, the settings that differ, equity on one chart", async (context) => {
    requireChromium(chromium, context);
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = await watchProblems(page);
    await open(page, served!, { type: "comparison", data: comparison });
    await page.locator("h1", { hasText: "trader/run-0001 vs sma-cross/run-0001" }).waitFor();
    const rows = page.locator("#comparison-metrics-table vscode-table-row");
    await expect.poll(() => rows.count()).toBe(comparison.metrics.length);
    const total = comparison.metrics.find((m) => m.key === "totalReturn")!;
    const totalRow = rows.filter({ hasText: "Total return" }).first();
    expect(await totalRow.locator("vscode-table-cell").allTextContents()).toEqual([total.label, ...total.values, total.difference]);
    expect(comparison.snapshotDifferences.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator("#snapshot-differences-table vscode-table-row").count()).toBe(comparison.snapshotDifferences.length);
    const first = comparison.snapshotDifferences[0]!;
    expect(await page.locator("#snapshot-differences-table vscode-table-row").first().locator("vscode-table-cell").allTextContents()).toEqual([first.path, ...first.values]);
    await page.waitForSelector("#chart-comparison svg.marks .role-mark > *", { state: "attached", timeout: 30_000 });
    expect(await marksIn(page, "#chart-comparison")).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(resultsDir, "webview-comparison-dark.png"), fullPage: true });
    await page.locator('vscode-button[data-action="openRun"]').first().click();
    expect((await posted(page)).filter((m) => m.type !== "ready")).toEqual([{ type: "openRun", ref: "trader/run-0001" }]);
    expectClean(problems);
    await page.close();
  }, 60_000);

  it("shows the extension's error (run not found) with the fix and a way to try again", async (context) => {
    requireChromium(chromium, context);
    const page = await browser!.newPage({ viewport: { width: 1000, height: 600 } });
    const problems = await watchProblems(page);
    await page.goto(`${served!.origin}/report.html`);
    await page.waitForFunction(() => window.__posted.some((m: FromReportWebview) => m.type === "ready"));
    await page.evaluate(() => window.postMessage({ type: "error", title: "Cannot open the report of trader/9", message: "No run trader/9.", hint: "Runs of trader: run-0001." }, "*"));
    const alert = page.locator(".error-view");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("No run trader/9.");
    expect(await alert.textContent()).toContain("Runs of trader: run-0001.");
    await page.locator('.error-view vscode-button[data-action="refresh"]').click();
    expect((await posted(page)).map((m) => m.type)).toEqual(["ready", "refresh"]);
    expectClean(problems);
    await page.close();
  }, 60_000);
});
