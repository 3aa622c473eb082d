/** `aibt bars`: trade ticks into OHLCV bars, written as a normalized CSV. */
import { BarAggregator, parseBarWidth } from "../data/aggregate";
import { formatMarketTime } from "../data/calendar";
import type { BarSeries } from "../data/series";
import { readTickChunks } from "../data/ticks";
import { InputError } from "../errors";
import { writeFileAtomic } from "../files";
import { parseFlags, stringFlag } from "./args";

export const BARS_HELP = `Usage: aibt bars --ticks FILE --bar 1m|5m|15m [--symbol S] [--exclude-suspicious] [--exclude-conditions C1,C2] [--out FILE]

Aggregates trade ticks (a CSV with the header symbol,timestamp,price,size,exchange,sale_condition,suspicious)
into OHLCV bars and writes them as a normalized CSV (symbol,timestamp,open,high,low,close,volume), to
--out (written atomically) or standard output. Bars are stamped at their start in New York time; a bar
with no trade is absent, never a zero-volume bar. The file is read in blocks, so any size fits in memory.

  --ticks FILE               the trade tick CSV, sorted by time
  --bar WIDTH                bar width: 1m, 5m, 15m, 30m, 1h, ... (must divide the hour, or be whole hours)
  --symbol S                 the symbol to aggregate, when the file holds several
  --exclude-suspicious       drop trades the vendor flagged as suspicious (AlgoSeek's own minute bars
                             keep them)
  --exclude-conditions LIST  drop trades with these sale-condition codes, matched exactly as written.
                             AlgoSeek: 4000000,1000000 are the official open and close reports, which
                             repeat volume already traded; dropping them matches the vendor's minute
                             volumes in about 99.5% of minutes
  --out FILE                 write here instead of standard output
`;

function barsCsv(series: BarSeries): string {
  const symbol = series.instrument.symbol;
  const parts: string[] = ["symbol,timestamp,open,high,low,close,volume\n"];
  for (let i = 0; i < series.length; i++) {
    parts.push(`${symbol},${formatMarketTime(series.time[i]!)},${series.open[i]},${series.high[i]},${series.low[i]},${series.close[i]},${series.volume[i]}\n`);
  }
  return parts.join("");
}

function conditionList(flags: Record<string, unknown>): string[] {
  const raw = stringFlag(flags, "exclude-conditions");
  if (raw === undefined) return [];
  const codes = raw.split(",").map((code) => code.trim()).filter((code) => code !== "");
  if (codes.length === 0) throw new InputError("--exclude-conditions lists no codes", "List sale-condition codes separated by commas, e.g. --exclude-conditions 4000000,1000000");
  return codes;
}

export function barsCommand(argv: string[], out: (text: string) => void): void {
  const flags = parseFlags("bars", argv, {
    ticks: { type: "string" },
    bar: { type: "string" },
    symbol: { type: "string" },
    "exclude-suspicious": { type: "boolean" },
    "exclude-conditions": { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) return out(BARS_HELP);
  const file = stringFlag(flags, "ticks");
  if (file === undefined) throw new InputError("--ticks is required", "Give the trade tick CSV, e.g. aibt bars --ticks ticks.csv --bar 1m");
  const width = stringFlag(flags, "bar");
  if (width === undefined) throw new InputError("--bar is required", "Give the bar width, e.g. --bar 1m, --bar 5m or --bar 15m");
  let barMinutes: number;
  try {
    barMinutes = parseBarWidth(width);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`--bar: ${error.problem}`, error.fix);
    throw error;
  }
  const symbol = stringFlag(flags, "symbol");
  const excludeConditions = conditionList(flags);
  const options = { barMinutes, excludeSuspicious: flags["exclude-suspicious"] === true, excludeConditions, source: file };

  let aggregator: BarAggregator | undefined;
  for (const chunk of readTickChunks(file, symbol === undefined ? {} : { symbol })) {
    aggregator ??= new BarAggregator(chunk.symbol, options);
    aggregator.addTicks(chunk);
  }
  // readTickChunks throws on a file without trades, so there was at least one chunk.
  const series = aggregator!.finish();
  const { ticks, excluded, zeroSize } = aggregator!.stats;
  if (series.length === 0) {
    throw new InputError(
      `no bars: every trade of ${aggregator!.symbol} was dropped (${excluded} by the filters, ${zeroSize} of size 0)`,
      "Drop fewer sale conditions or leave out --exclude-suspicious",
      { file },
    );
  }
  const text = barsCsv(series);
  const target = stringFlag(flags, "out");
  if (target === undefined) return out(text);
  writeFileAtomic(target, text);
  const first = formatMarketTime(series.time[0]!).slice(0, 10);
  const last = formatMarketTime(series.time[series.length - 1]!).slice(0, 10);
  const dropped = excluded > 0 ? `, ${excluded.toLocaleString("en-US")} dropped by the filters` : "";
  out(
    `wrote ${series.length.toLocaleString("en-US")} ${barMinutes}-minute bars of ${series.instrument.symbol} (${first} to ${last}) from ${ticks.toLocaleString("en-US")} trades${dropped} to ${target}\n`,
  );
}
