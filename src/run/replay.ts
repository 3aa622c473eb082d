/**
 * `replay(options)`: one trading day's session, bar by bar, through the same run loop as backtests.
 * The data is minute bars (normalized CSV) re-aggregated to the bar width asked for; positions are
 * flattened at the session's end unless asked otherwise; an LLM decides on its cadence.
 */
import { z } from "zod";
import { formatDay, parseDay } from "../data/calendar";
import { aggregateTicks } from "../data/aggregate";
import type { DataSet } from "../data/series";
import { resampleBars, SESSION_NAMES, sessionBars } from "../data/sessions";
import { readTickChunks } from "../data/ticks";
import type { SessionName } from "../data/sessions";
import { InputError } from "../errors";
import { BacktestOptionsSchema, execute, loadInput, parseOptions, pickSeries, withModel } from "./backtest";
import type { BacktestResult } from "./backtest";
import type { DecisionCadence } from "./loop";

export const ReplayOptionsSchema = BacktestOptionsSchema.omit({ from: true, to: true })
  .extend({
    /** The trading day, YYYY-MM-DD. */
    date: z.string(),
    session: z.enum(SESSION_NAMES as [SessionName, ...SessionName[]]).default("regular"),
    /** Bar width in minutes (the data's minute bars are combined, or the trades aggregated). */
    bar: z.number().int().positive().default(1),
    /** Raw trades (normalized tick CSV) to aggregate into bars, instead of minute bars in `data`. */
    ticks: z.string().min(1).optional(),
    /** With ticks: leave out trades flagged suspicious, or with these sale conditions (exactly as written). */
    excludeSuspicious: z.boolean().default(false),
    excludeConditions: z.array(z.string().min(1)).optional(),
    /** Close every position at the session's last bar. */
    flatten: z.boolean().default(true),
    /** When an LLM decides: every N bars, on a price move (fraction), after a fill. Coded strategies decide every bar. */
    cadence: z
      .object({ everyBars: z.number().int().positive().optional(), onMove: z.number().positive().max(1).optional(), onFill: z.boolean().optional() })
      .strict()
      .optional(),
  })
  .strict();

export type ReplayOptions = z.input<typeof ReplayOptionsSchema>;

export interface ReplayResult extends BacktestResult {
  date: string;
  session: SessionName;
  barMinutes: number;
  /** Closed round trips in the session. */
  trades: number;
}

export async function replay(options: ReplayOptions, signal?: AbortSignal): Promise<ReplayResult> {
  const parsed = ReplayOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "options";
    throw new InputError(`${field}: ${issue.message}`, `Fix the "${field}" option`, { field });
  }
  const { date, session, bar, flatten, cadence, ticks, excludeSuspicious, excludeConditions, ...rest } = parsed.data;
  if (ticks !== undefined && rest.data !== undefined) throw new InputError("give either --data (bars) or --ticks (trades), not both", "Drop one of them", { field: "ticks" });
  const day = parseDay(date);
  if (day === undefined) throw new InputError(`--date "${date}" is not a date`, "Use YYYY-MM-DD, e.g. --date 2013-10-07", { field: "date" });
  const { opts, definition } = withModel(parseOptions(rest as Parameters<typeof parseOptions>[0]));
  if (cadence && definition?.strategy.kind !== "llm") {
    throw new InputError("a decision cadence applies to LLM models", "Coded strategies decide every bar: drop the cadence, or run an LLM model (--model ID)", { field: "cadence" });
  }
  // Trades become bars of the asked width first (stamped at their start); minute bars are combined after.
  const dataSet: DataSet = ticks
    ? {
        source: ticks,
        series: [aggregateTicks(readTickChunks(ticks, opts.symbol ? { symbol: opts.symbol } : {}), { barMinutes: bar, excludeSuspicious, ...(excludeConditions ? { excludeConditions } : {}), source: ticks })],
        masked: [],
      }
    : loadInput(opts);
  const picked = sessionBars(pickSeries(dataSet, opts.symbol, opts), day, session);
  const series = ticks ? picked : resampleBars(picked, bar);
  const result = await execute(
    {
      opts,
      definition,
      dataSet,
      series,
      mode: "intraday",
      data: { date: formatDay(day), session, barMinutes: bar, ...(ticks ? { from: "ticks" } : {}) },
      flattenAtSessionEnd: flatten,
      ...(cadence ? { cadence: cadence as DecisionCadence } : {}),
    },
    signal,
  );
  return { ...result, date: formatDay(day), session, barMinutes: bar, trades: result.roundTrips };
}
