/**
 * Charts across runs: several runs' equity on one scale (each divided by its first value), and what
 * each LLM run cost against what it returned.
 */
import { InputError } from "../errors";
import type { RunCard } from "../store/run-record";
import { downsampleIndices } from "./downsample";
import { hoverLayer } from "./run-charts";
import { PALETTE, specBase, tickFormat } from "./theme";
import type { ChartOptions, ChartSpec } from "./theme";
import { chartTime, isIntraday, timeAxis, tooltipTime } from "./time";

/** One run on a comparison chart (a RunChartData with a name fits). */
export interface ComparedRun {
  name: string;
  times: ArrayLike<number>;
  equity: ArrayLike<number>;
}

export interface ComparisonChartOptions extends ChartOptions {
  /** Points per run at most, shared out (default 4,000 in all). */
  maxPoints?: number;
  tooltips?: boolean;
  /**
   * "time" (default) puts each run at its dates; "bars" lines the runs up from their first bar, to
   * compare runs over different periods (two sessions, say) side by side.
   */
  x?: "time" | "bars";
}

/** Several runs' equity, each normalized to start at 1, on one chart. */
export function comparisonChart(runs: readonly ComparedRun[], options: ComparisonChartOptions = {}): ChartSpec {
  if (runs.length === 0) throw new InputError("a comparison needs at least one run", "Pass the runs to compare");
  const names = runs.map((run) => run.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new InputError(`two runs are both named "${duplicate}"`, "Give every run a distinct name");
  const perRun = Math.max(8, Math.floor((options.maxPoints ?? 4_000) / runs.length));
  const values: Record<string, unknown>[] = [];
  let low = Infinity;
  let high = -Infinity;
  let first = Infinity;
  let last = -Infinity;
  for (const run of runs) {
    const start = run.equity[0]!;
    const normalized = Float64Array.from(run.equity, (v) => v / start);
    const intraday = isIntraday(run.times);
    for (const i of downsampleIndices([normalized], perRun)) {
      values.push({ t: chartTime(run.times[i]!), bar: i, time: tooltipTime(run.times[i]!, intraday), run: run.name, growth: round(normalized[i]!, 8) });
      if (normalized[i]! < low) low = normalized[i]!;
      if (normalized[i]! > high) high = normalized[i]!;
    }
    if (run.times.length) {
      first = Math.min(first, run.times[0]!);
      last = Math.max(last, run.times[run.times.length - 1]!);
    }
  }
  const span = Number.isFinite(first) ? [first, last] : [];
  const x = options.x === "bars" ? { field: "bar", type: "quantitative", title: "Bars since the start", axis: { format: ",d", tickCount: 8 } } : timeAxis("t", span);
  const tooltip = [
    { field: "run", type: "nominal", title: "Run" },
    { field: "time", type: "nominal", title: "Time (New York)" },
    { field: "bar", type: "quantitative", title: "Bar" },
    { field: "growth", type: "quantitative", title: "Growth of 1", format: ".4f" },
  ];
  const layers: unknown[] = [
    { data: { values: [{ one: 1 }] }, mark: { type: "rule", strokeDash: [2, 2], opacity: 0.5 }, encoding: { y: { field: "one", type: "quantitative" } } },
    {
      mark: { type: "line", strokeWidth: 1.6 },
      encoding: {
        x,
        y: { field: "growth", type: "quantitative", title: "Growth of 1", scale: { zero: false }, axis: { format: tickFormat(low, high, "number"), tickCount: 6 } },
        color: { field: "run", type: "nominal", title: null, scale: { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]) } },
      },
    },
  ];
  if (options.tooltips !== false) {
    const hover = hoverLayer(values, tooltip, 300 * runs.length) as { encoding: Record<string, unknown> };
    layers.push({ ...hover, encoding: { x, y: { field: "growth", type: "quantitative" }, ...hover.encoding } });
  }
  return {
    ...specBase(options, { title: "Runs compared", subtitle: "equity divided by its first value", height: 260 }),
    description: "Equity of several runs, each normalized to start at 1 (New York time).",
    data: { values },
    layer: layers,
  };
}

/** One LLM run on the cost/return scatter. */
export interface RunCost {
  name: string;
  /** USD spent on the model; null when the run had no prices. */
  cost: number | null;
  totalReturn: number;
  /** Which model answered (colours the points), e.g. "openai/gpt-4o-mini". */
  model?: string;
  tokens?: number;
  sharpe?: number;
}

/** A run card's cost and return (from its recorded metrics). */
export function runCostOf(card: RunCard): RunCost {
  const m = card.metrics ?? {};
  const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
  return {
    name: `${card.modelId}/${card.id}`,
    cost: num(m.llmCost) ?? null,
    totalReturn: num(m.totalReturn) ?? 0,
    ...(num(m.tokensIn) !== undefined ? { tokens: num(m.tokensIn)! + (num(m.tokensOut) ?? 0) } : {}),
    ...(num(m.sharpe) !== undefined ? { sharpe: num(m.sharpe)! } : {}),
  };
}

/** LLM cost against total return, one point per run; runs without a cost are left out (and counted). */
export function costReturnChart(runs: readonly RunCost[], options: ChartOptions = {}): ChartSpec {
  const priced = runs.filter((run) => typeof run.cost === "number" && Number.isFinite(run.cost));
  if (priced.length === 0) {
    throw new InputError("none of the runs has an LLM cost", "Run LLM models with prices (--price-in and --price-out) to compare what they cost");
  }
  const models = [...new Set(priced.map((run) => run.model ?? run.name))];
  const values = priced.map((run) => ({
    run: run.name,
    model: run.model ?? run.name,
    cost: run.cost,
    totalReturn: run.totalReturn,
    tokens: run.tokens ?? null,
    sharpe: run.sharpe ?? null,
  }));
  const left = runs.length - priced.length;
  const encoding = {
    x: { field: "cost", type: "quantitative", title: "LLM cost (USD)", scale: { domainMin: 0, nice: true }, axis: { format: "$,.4~f", tickCount: 6 } },
    y: { field: "totalReturn", type: "quantitative", title: "Total return", scale: { padding: 24 }, axis: { format: ".1%", tickCount: 6 } },
  };
  return {
    ...specBase(options, { title: "LLM cost and return", subtitle: `one point per run${left ? `; ${left} run${left === 1 ? "" : "s"} without a cost left out` : ""}`, height: 260 }),
    description: "Each LLM run's inference cost against its total return.",
    data: { values },
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: "rule", strokeDash: [2, 2], opacity: 0.5 }, encoding: { y: { field: "zero", type: "quantitative" } } },
      {
        mark: { type: "point", filled: true, size: 90, opacity: 0.9 },
        encoding: {
          ...encoding,
          color: { field: "model", type: "nominal", title: null, scale: { domain: models, range: models.map((_, i) => PALETTE[i % PALETTE.length]) } },
          tooltip: [
            { field: "run", type: "nominal", title: "Run" },
            { field: "model", type: "nominal", title: "Model" },
            { field: "cost", type: "quantitative", title: "Cost", format: "$,.4f" },
            { field: "totalReturn", type: "quantitative", title: "Return", format: ".2%" },
            { field: "tokens", type: "quantitative", title: "Tokens", format: "," },
            { field: "sharpe", type: "quantitative", title: "Sharpe", format: ".2f" },
          ],
        },
      },
      { mark: { type: "text", align: "left", dx: 8, dy: -6, fontSize: 10 }, encoding: { ...encoding, text: { field: "run", type: "nominal" } } },
    ],
  };
}

function round(value: number, digits: number): number {
  const scale = Math.pow(10, digits);
  return Math.round(value * scale) / scale;
}
