/** `aibt generate`: SYNTHETIC bars from the seeded generator, as a normalized CSV. */
import { formatMarketTime } from "../data/calendar";
import { syntheticSeries } from "../data/synthetic";
import { InputError } from "../errors";
import { writeFileAtomic } from "../files";
import { choiceFlag, numberFlag, parseFlags, stringFlag } from "./args";

export const GENERATE_HELP = `Usage: aibt generate [--symbols A,B,C] [--bars N] [--interval daily|1|5|15|30] [--start YYYY-MM-DD] [--seed N] [--out FILE]

Writes SYNTHETIC market data (a seeded random walk with volatility clustering, correlated symbols and
U-shaped intraday volume) as a normalized CSV, to --out or standard output. The same seed gives the
same file. Synthetic symbols default to SYNA,SYNB,SYNC so nobody mistakes them for real tickers.
`;

export function generateCommand(argv: string[], out: (text: string) => void): void {
  const flags = parseFlags("generate", argv, {
    symbols: { type: "string" },
    bars: { type: "string" },
    interval: { type: "string" },
    start: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) return out(GENERATE_HELP);
  const symbols = (stringFlag(flags, "symbols") ?? "SYNA,SYNB,SYNC").split(",").map((s) => s.trim()).filter(Boolean);
  if (symbols.length === 0) throw new InputError("--symbols is empty", "List symbols separated by commas, e.g. --symbols SYNA,SYNB", { field: "symbols" });
  const interval = choiceFlag(flags, "interval", ["daily", "1", "5", "15", "30"] as const) ?? "daily";
  const series = syntheticSeries({
    symbols,
    bars: numberFlag(flags, "bars", { integer: true, min: 1, max: 5_000_000, example: 390 }) ?? (interval === "daily" ? 1260 : 390),
    interval: interval === "daily" ? "daily" : Number(interval),
    start: stringFlag(flags, "start") ?? "2020-01-02",
    seed: numberFlag(flags, "seed", { integer: true, min: 0, example: 1 }) ?? 1,
  });
  const lines = ["symbol,timestamp,open,high,low,close,volume"];
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      lines.push(`${s.instrument.symbol},${formatMarketTime(s.time[i]!)},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`);
    }
  }
  const text = `${lines.join("\n")}\n`;
  const target = stringFlag(flags, "out");
  if (target) {
    writeFileAtomic(target, text);
    out(`wrote ${series.length} synthetic series x ${series[0]!.length} bars to ${target}\n`);
  } else {
    out(text);
  }
}
