// Run reports from real recorded runs: self-contained HTML with inline SVG charts, nothing fetched,
// everything a strategy or a model wrote escaped, and notes where a chart cannot be drawn.
import { copyFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VEGA_LITE_SCHEMA } from "../../../src/charts/theme";
import { runReport } from "../../../src/report/report";
import { truncate, selectDecisions } from "../../../src/report/reasoning";
import { backtest } from "../../../src/run/backtest";
import { replay } from "../../../src/run/replay";
import type { Strategy } from "../../../src/strategy/strategy";
import { ModelStore } from "../../../src/store/models";
import { RunStore } from "../../../src/store/runs";
import { startScriptedServer } from "../../llm/scripted-server";
import type { ScriptedReply, ScriptedServer } from "../../llm/scripted-server";
import { flatBars } from "../fixtures";
import { NDX_DAILY, RTH, tempWorkspace } from "../charts/chart-fixtures";

const SCRIPT = `<script>alert("x")</script>`;
const IMG = `<img src=x onerror=alert(1)>`;

async function reportOf(workspace: string, ref: string): Promise<string> {
  const reader = await new RunStore(workspace).open(ref);
  try {
    return await runReport(reader, { workspace, cwd: workspace });
  } finally {
    reader.close();
  }
}

/** Every http(s) URL in the text, except the Vega-Lite schema's. */
function urls(html: string): string[] {
  return (html.match(/https?:\/\/[^\s"'<>)&]+/gi) ?? []).filter((url) => url !== VEGA_LITE_SCHEMA);
}

/**
 * No element that runs code or loads anything: text cannot hold a "<" (it is escaped), so every "<"
 * opens a real tag, and no tag may be a script or an embed, carry an event handler, a source or a URL.
 */
function expectInert(html: string, textUrls: string[] = []): void {
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  expect(tags.length).toBeGreaterThan(100);
  const names = new Set(tags.map((tag) => /^<([a-z0-9]+)/i.exec(tag)![1]!.toLowerCase()));
  for (const banned of ["script", "img", "iframe", "object", "embed", "link", "base", "form", "input", "video", "audio", "source", "image", "use", "foreignobject"]) expect(names).not.toContain(banned);
  const attributes = tags.flatMap((tag) => [...tag.matchAll(/\s([a-z:-]+)\s*=/gi)].map((m) => m[1]!.toLowerCase()));
  expect(attributes.filter((name) => /^(on|src|href|srcset|action|xlink:href|style)/.test(name) && name !== "stroke")).toEqual([]);
  expect(tags.filter((tag) => /https?:|url\(/i.test(tag))).toEqual([]);
  expect(html).not.toMatch(/url\(|@import/i);
  expect(urls(html)).toEqual(textUrls);
}

describe("the report of a recorded intraday replay (opening-range, SPY 2013-10-10)", () => {
  let html: string;
  let workspace: string;
  beforeAll(async () => {
    workspace = tempWorkspace();
    await replay({ data: RTH(), symbol: "SPY", date: "2013-10-10", strategy: "opening-range", workspace });
    html = await reportOf(workspace, "opening-range/run-0001");
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it("is one self-contained HTML page: inline CSS and inline SVG charts, no scripts, no URLs", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/<style>[^<]+<\/style>/);
    expectInert(html);
    for (const id of ["equity", "drawdown", "candles", "exposure", "returns"]) expect(html).toMatch(new RegExp(`<figure id="chart-${id}"><div class="chart"><svg `));
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html.match(/<\/svg>/g)).toHaveLength(5);
    expect(html).not.toContain('class="warning"');
  });

  it("holds the summary, the trades, the blocked orders and the snapshot", () => {
    expect(html).toContain("<h1>opening-range on SPY</h1>");
    expect(html).toContain("2013-10-10, regular session, 1-minute bars from intraday_1min_lean_algoseek_rth.csv");
    expect(html).toMatch(/<span class="label">Total return<\/span><span class="value gain">\+0\.\d\d%<\/span>/);
    expect(html).toContain('<table class="aibt-metrics">');
    expect(html).toMatch(/<td>2013-10-10 \d\d:\d\d<\/td><td>target<\/td><td>SPY<\/td>/);
    expect(html).toContain("<td>bracket target</td>");
    expect(html).toContain("No order was refused.");
    expect(html).toContain("&quot;strategy&quot;: &quot;opening-range&quot;,\n  &quot;rangeBars&quot;: 15");
    expect(html).not.toContain('id="reasoning"'); // a coded strategy records no reasoning
  });

  it("draws the benchmark and the candles from the run's data file, and is the same every time", async () => {
    const chart = (id: string) => html.slice(html.indexOf(`<figure id="chart-${id}">`), html.indexOf("</figure>", html.indexOf(`<figure id="chart-${id}">`)));
    expect(chart("equity")).toContain("SPY buy-and-hold");
    expect(chart("candles")).toContain("Volume");
    expect(chart("candles")).toMatch(/>10:00</);
    expect(await reportOf(workspace, "opening-range/1")).toBe(html);
  });
});

describe("escaping what strategies and models wrote", () => {
  it("a reason, a blocked order's reason and a decision holding <script> stay text", async () => {
    const workspace = tempWorkspace();
    const probe: Strategy = {
      name: "probe",
      onBar(ctx) {
        const step = ctx.view.step;
        if (step === 20) {
          ctx.buy("SPY", 10, SCRIPT);
          ctx.recordDecision({
            decision: { final: `Buying ten. ${SCRIPT}`, rounds: 2, trades: [{ status: "accepted" }], refused: [] },
            reasoning: [
              { role: "system", content: "the system prompt" },
              { role: "user", content: "Decide now." },
              { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "buy", arguments: JSON.stringify({ symbol: "SPY", quantity: 10, reason: SCRIPT }) } }] },
              { role: "tool", tool_call_id: "c1", content: JSON.stringify({ status: "accepted", note: IMG }) },
              { role: "assistant", content: `Buying ten. ${SCRIPT}` },
            ],
          });
        }
        if (step === 40) ctx.refuse("SPY", "buy", 5, "max-position", `too big ${SCRIPT}`);
        if (step === 60) ctx.sell("SPY", "all", IMG);
      },
    };
    await backtest({ data: RTH(), symbol: "SPY", from: "2013-10-07", to: "2013-10-07", strategy: probe, workspace });
    const html = await reportOf(workspace, "probe/run-0001");
    expectInert(html);
    expect(html).toContain("<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>");
    expect(html).toContain("<td>&lt;img src=x onerror=alert(1)&gt;</td>");
    expect(html).toContain("<td><code>max-position</code></td><td>too big &lt;script&gt;");
    expect(html).toMatch(/<section id="reasoning">.*<code class="tool">buy<\/code>.*&lt;script&gt;.*<blockquote>Buying ten\. &lt;script&gt;/s);
    expect(html).not.toContain("the system prompt");
    // A daily-mode run over minute bars still finds its bars.
    expect(html).toMatch(/<figure id="chart-candles"><div class="chart"><svg /);
    rmSync(workspace, { recursive: true, force: true });
  });
});

describe("an LLM run's reasoning", () => {
  const KEY = "sk-test-not-a-real-key-000000000000";
  let server: ScriptedServer;
  beforeAll(() => {
    delete process.env.OPENAI_BASE_URL;
    delete process.env.OPENAI_API_KEY;
  });
  afterAll(() => server?.close());

  it("shows the decisions' tool calls and final messages, and the LLM cost", async () => {
    const say = (content: string): ScriptedReply => ({ kind: "message", content });
    const call = (name: string, args: Record<string, unknown>): ScriptedReply => ({ kind: "tool_calls", calls: [{ name, arguments: args }] });
    const script = [call("get_price", { symbol: "AAPL" }), call("buy", { symbol: "AAPL", quantity: 10, reason: "momentum" }), say("Bought 10 AAPL on momentum."), say("HOLD."), say("HOLD."), call("sell", { symbol: "AAPL", quantity: "all" }), say("Sold everything: the move is done.")];
    server = await startScriptedServer({ replies: (r) => script[r.index] ?? say("HOLD: nothing new."), apiKey: KEY });
    const workspace = tempWorkspace();
    new ModelStore(workspace).create({
      name: "Trader",
      allowedTickers: ["AAPL"],
      initialCash: 10_000,
      strategy: { kind: "llm", model: "scripted/trader", baseUrl: server.url, rules: ["Never hold more than 50 shares."], instructions: "Trade on momentum.", maxSteps: 4 },
    });
    const result = await backtest({ data: NDX_DAILY(), symbol: "AAPL", from: "2012-01-03", to: "2012-01-12", workspace, model: "trader", apiKey: KEY, llmPrices: { inputPerMillion: 0.15, outputPerMillion: 0.6 } });
    expect(result.fills).toBe(2);
    const html = await reportOf(workspace, "trader/run-0001");
    // The only URL is the model's endpoint, as text in the frozen snapshot.
    expectInert(html, [server.url]);
    expect(html).toContain(`&quot;baseUrl&quot;: &quot;${server.url}&quot;`);
    const reasoning = html.slice(html.indexOf('<section id="reasoning">'), html.indexOf("</section>", html.indexOf('<section id="reasoning">')));
    expect(reasoning).toContain('<code class="tool">get_price</code>');
    expect(reasoning).toContain('<code class="tool">buy</code><code>{&quot;symbol&quot;:&quot;AAPL&quot;,&quot;quantity&quot;:10,&quot;reason&quot;:&quot;momentum&quot;}</code>');
    expect(reasoning).toContain("<blockquote>Bought 10 AAPL on momentum.</blockquote>");
    expect(reasoning).toContain("<blockquote>Sold everything: the move is done.</blockquote>");
    expect(reasoning).not.toContain("Never hold more than 50 shares"); // the system prompt is left out
    expect(html).toMatch(/<span class="label">LLM cost<\/span><span class="value">\$0\.\d{4}<\/span>/);
    expect(html).toContain("scripted/trader"); // in the snapshot
    expect(html).not.toContain(KEY);
    rmSync(workspace, { recursive: true, force: true });
  });

  it("picks the eventful decisions and the first few, and cuts long text at a word", () => {
    const decisions = Array.from({ length: 100 }, (_, i) => ({ step: i, time: i, decision: { final: "HOLD.", trades: i % 25 === 7 ? [{}] : [], refused: [] }, reasoning: [] }));
    const { chosen, omitted } = selectDecisions(decisions, 6);
    expect(chosen.map((d) => d.step)).toEqual([0, 1, 2, 7, 32, 57]);
    expect(omitted).toBe(94);
    expect(truncate("word ".repeat(100), 42)).toMatch(/^(word ){7}word… \(458 more characters\)$/);
    expect(truncate("short", 42)).toBe("short");
  });
});

describe("when the bars are not available", () => {
  it("skips the candles with a note when the data file is gone, and when the bars were passed in memory", async () => {
    const workspace = tempWorkspace();
    const copy = path.join(workspace, "minutes.csv");
    copyFileSync(RTH(), copy);
    await replay({ data: copy, symbol: "SPY", date: "2013-10-07", strategy: "opening-range", workspace });
    rmSync(copy);
    const gone = await reportOf(workspace, "opening-range/run-0001");
    expect(gone).toContain(`No candlestick chart: the run&#39;s data file ${copy} is not there any more.`);
    expect(gone).toContain("No benchmark line");
    expect(gone.match(/<svg /g)).toHaveLength(4);
    expect(gone).not.toContain('class="warning"');
    await backtest({ data: [flatBars("AAPL", [100, 101, 99, 102, 104, 103])], strategy: "buy-and-hold", workspace });
    const inMemory = await reportOf(workspace, "buy-and-hold/run-0001");
    expect(inMemory).toContain("No candlestick chart: the run&#39;s bars were passed in memory, not read from a data file.");
    expectInert(inMemory);
    rmSync(workspace, { recursive: true, force: true });
  });
});
