// The notebook renderer in a real headless Chromium: media/out/renderer.js imported as an ES module
// (as VS Code imports it into a notebook's webview), activate() with a fake context, renderOutputItem
// with output items holding the engine's own chart specs, under a CSP without 'unsafe-eval' or
// 'unsafe-inline'.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newNonce } from "../../../extension/report/report-html";
import { candlestickChart } from "../../../src/charts/candles";
import { candlesOf, chartDataFromResult } from "../../../src/charts/chart-data";
import { VEGA_LITE_MIME } from "../../../src/charts/display";
import { equityChart, returnsChart } from "../../../src/charts/run-charts";
import type { ChartSpec } from "../../../src/charts/theme";
import { aaplDaily, spyBars, spySession } from "../charts/chart-fixtures";
import type { Served } from "./webview-fixtures";
import { builtMedia, chromiumReady, launch, requireChromium, resultsDir, serve, switchTheme, themeScript, watchProblems } from "./webview-fixtures";

interface Rendered {
  svgWidth: number;
  hostWidth: number;
  marks: number;
  background: string;
  label: string;
  error: string | null;
}

// page.evaluate callbacks run in the page: the test program has no DOM types, so the browser globals
// they use are declared here, for this file only.
declare const window: {
  __renderer: { disposeOutputItem(id?: string): void };
  __render(id: string, target: string, spec: unknown, options?: { badJson?: boolean }): Promise<void>;
};
declare const document: { getElementById(id: string): any };
declare function getComputedStyle(element: unknown): { fill: string };

function rendererPage(origin: string): string {
  const nonce = newNonce();
  // The notebook webview loads renderers from the extension's origin: scripts by origin, inline by nonce.
  const csp = `default-src 'none'; img-src ${origin} data:; style-src ${origin} 'nonce-${nonce}'; font-src ${origin}; script-src ${origin} 'nonce-${nonce}'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style nonce="${nonce}">
  body { margin: 0; padding: 12px; background: var(--vscode-editor-background); color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
  .output { margin-bottom: 16px; }
  #wide { width: 980px; }
  .narrow { width: 480px; }
</style>
</head>
<body>
<script nonce="${nonce}">${themeScript("dark")}</script>
<div class="output" id="wide"></div>
<div class="output narrow" id="candles"></div>
<div class="output narrow" id="container"></div>
<div class="output" id="returns"></div>
<div class="output" id="bad"></div>
<div class="output" id="bad-json"></div>
<div class="output" id="bad-field"></div>
<script type="module" nonce="${nonce}">
import { activate } from "${origin}/media/out/renderer.js";
window.__renderer = activate({ workspace: { isTrusted: true }, settings: {} });
window.__render = (id, target, spec, options = {}) =>
  window.__renderer.renderOutputItem(
    {
      id,
      mime: "${VEGA_LITE_MIME}",
      metadata: {},
      json() {
        if (options.badJson) throw new SyntaxError("Unexpected token < in JSON at position 0");
        return spec;
      },
      text() {
        return JSON.stringify(spec);
      },
    },
    document.getElementById(target),
    new AbortController().signal,
  );
</script>
</body>
</html>
`;
}

async function rendered(page: Page, target: string): Promise<Rendered> {
  return page.evaluate((t) => {
    const host = document.getElementById(t);
    const svg = host.querySelector("svg.marks");
    const label = svg?.querySelector(".role-axis-label text");
    return {
      svgWidth: svg ? svg.getBoundingClientRect().width : 0,
      hostWidth: host.clientWidth,
      marks: svg ? svg.querySelectorAll(".role-mark > *").length : 0,
      background: svg ? svg.style.backgroundColor : "",
      label: label ? getComputedStyle(label).fill : "",
      error: host.querySelector(".aibt-chart-error")?.textContent ?? null,
    };
  }, target);
}

describe("the notebook renderer in headless Chromium", () => {
  let chromium = { ok: false, why: "not looked for yet", executable: "" };
  let served: Served | undefined;
  let media = "";
  let browser: Browser | undefined;
  let equity: ChartSpec;
  let candles: ChartSpec;
  let returns: ChartSpec;

  beforeAll(async () => {
    chromium = chromiumReady();
    media = await builtMedia();
    mkdirSync(resultsDir, { recursive: true });
    const result = await aaplDaily();
    equity = equityChart(chartDataFromResult(result));
    returns = returnsChart(chartDataFromResult(result));
    const session = await spySession("2013-10-10");
    candles = candlestickChart(candlesOf(spyBars(20131010)), session.fillLog);
    served = await serve(() => ({ "/renderer.html": rendererPage(served!.origin) }), media);
    if (chromium.ok) browser = await launch(chromium.executable);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (media) rmSync(media, { recursive: true, force: true });
  });

  it("draws the engine's charts in the dark theme, fitted to the output, re-themes them in light, and says why a bad spec cannot be drawn", async (context) => {
    requireChromium(chromium, context);
    const page = await browser!.newPage({ viewport: { width: 1024, height: 1400 } });
    const problems = await watchProblems(page);
    await page.goto(`${served!.origin}/renderer.html`);
    await page.waitForFunction(() => typeof window.__render === "function");

    // The equity chart (720 plot pixels) in a 980-pixel output: drawn as it is, with its marks.
    await page.evaluate((spec) => window.__render("equity", "wide", spec), equity);
    const wide = await rendered(page, "wide");
    expect(wide.marks).toBeGreaterThan(0);
    expect(wide.error).toBeNull();
    expect(wide.svgWidth).toBeLessThanOrEqual(wide.hostWidth);
    expect(wide.background).toBe("rgb(31, 31, 31)");
    expect(wide.label).toBe("rgb(157, 157, 157)");

    // Candles over volume (a vertical concatenation 720 wide) in a 480-pixel output: fitted.
    await page.evaluate((spec) => window.__render("candles", "candles", spec), candles);
    const narrow = await rendered(page, "candles");
    expect(narrow.marks).toBeGreaterThan(100);
    expect(narrow.hostWidth).toBe(480);
    expect(narrow.svgWidth).toBeLessThanOrEqual(480);
    expect(narrow.svgWidth).toBeGreaterThan(400);

    // width "container": exactly the output's width.
    await page.evaluate((spec) => window.__render("container", "container", { ...spec, width: "container" }), equity);
    const container = await rendered(page, "container");
    expect(container.marks).toBeGreaterThan(0);
    expect(Math.abs(container.svgWidth - 480)).toBeLessThanOrEqual(4);

    await page.evaluate((spec) => window.__render("returns", "returns", spec), returns);
    expect((await rendered(page, "returns")).marks).toBeGreaterThan(10);
    // Tooltips: hovering a histogram bar shows its bin.
    await page.locator("#returns svg.marks g.mark-rect.role-mark path").nth(20).hover({ force: true });
    await page.waitForSelector("#vg-tooltip-element.visible");
    expect(await page.locator("#vg-tooltip-element").textContent()).toMatch(/From.*To.*Bars/);
    await page.mouse.move(0, 0);

    // Bad specs: a clear message in the output, not a blank.
    await page.evaluate(() => window.__render("bad", "bad", { data: { values: [{ a: 1 }] }, mark: "nope", encoding: { x: { field: "a", type: "quantitative" } } }));
    expect((await rendered(page, "bad")).error).toBe(
      'This chart cannot be drawn: unknown mark type "nope" (Vega-Lite has arc, area, bar, boxplot, circle, errorband, errorbar, geoshape, image, line, point, rect, rule, square, text, tick, trail)',
    );
    await page.evaluate(() => window.__render("bad-json", "bad-json", null, { badJson: true }));
    expect((await rendered(page, "bad-json")).error).toBe("This chart cannot be drawn: its output is not valid JSON (Unexpected token < in JSON at position 0).");
    await page.evaluate(() => window.__render("bad-field", "bad-field", { data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a", type: "bogus" } } }));
    expect((await rendered(page, "bad-field")).error).toMatch(/^This chart cannot be drawn: .*type/);
    await page.screenshot({ path: path.join(resultsDir, "webview-renderer-dark.png"), fullPage: true });

    // The editor switches to a light theme: every chart is drawn again in it.
    await switchTheme(page, "light");
    await expect.poll(async () => (await rendered(page, "wide")).background, { timeout: 10_000 }).toBe("rgb(255, 255, 255)");
    const light = await rendered(page, "wide");
    expect(light.label).toBe("rgb(59, 59, 59)");
    expect(light.marks).toBe(wide.marks);
    await expect.poll(async () => (await rendered(page, "candles")).background).toBe("rgb(255, 255, 255)");
    await page.screenshot({ path: path.join(resultsDir, "webview-renderer-light.png"), clip: { x: 0, y: 0, width: 1024, height: 420 } });

    // Disposing an output finalizes its chart; rendering it again works.
    await page.evaluate(() => window.__renderer.disposeOutputItem("equity"));
    await page.evaluate((spec) => window.__render("equity", "wide", spec), equity);
    expect((await rendered(page, "wide")).marks).toBe(wide.marks);
    await page.evaluate(() => window.__renderer.disposeOutputItem());

    expect(problems.csp, "CSP violations").toEqual([]);
    expect(problems.pageErrors, "page errors").toEqual([]);
    expect(problems.console, "console errors").toEqual([]);
    expect(problems.failedRequests, "failed requests").toEqual([]);
    await page.close();
  }, 120_000);

  it("saves a chart as SVG or PNG through a download link (VS Code's notebook webview turns it into a save dialog)", async (context) => {
    requireChromium(chromium, context);
    const page = await browser!.newPage({ viewport: { width: 1024, height: 700 }, acceptDownloads: true });
    const problems = await watchProblems(page);
    await page.goto(`${served!.origin}/renderer.html`);
    await page.waitForFunction(() => typeof window.__render === "function");
    await page.evaluate((spec) => window.__render("equity", "wide", spec), equity);
    await page.locator("#wide").hover();
    const [svg] = await Promise.all([page.waitForEvent("download"), page.locator('#wide .aibt-chart-action[data-format="svg"]').click()]);
    expect(svg.suggestedFilename()).toBe("equity-sma-cross-on-aapl.svg");
    expect(svg.url()).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    const [png] = await Promise.all([page.waitForEvent("download"), page.locator('#wide .aibt-chart-action[data-format="png"]').click()]);
    expect(png.suggestedFilename()).toBe("equity-sma-cross-on-aapl.png");
    expect(png.url()).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(problems.csp).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.console).toEqual([]);
    await page.close();
  }, 60_000);
});
