/** `aibt backtest`: one backtest, a readable summary or one JSON object. */
import { backtest } from "../run/backtest";
import { parseFlags, stringFlag } from "./args";
import { printResult, RUN_FLAGS, RUN_FLAGS_HELP, runOptionsFrom } from "./run-flags";

export const BACKTEST_HELP = `Usage: aibt backtest [options]

Runs a daily (or any bar size) backtest and prints a summary. Without --data it runs on the shipped
sample: S&P 500 index daily bars 2000-2020.

Range:
  --from YYYY-MM-DD      first trading day (inclusive)
  --to YYYY-MM-DD        last trading day (inclusive)

${RUN_FLAGS_HELP}`;

export async function backtestCommand(argv: string[], out: (text: string) => void, signal?: AbortSignal): Promise<void> {
  const flags = parseFlags("backtest", argv, { ...RUN_FLAGS, from: { type: "string" }, to: { type: "string" } });
  if (flags.help) return out(BACKTEST_HELP);
  const options = { ...runOptionsFrom(flags), ...(flags.from !== undefined ? { from: stringFlag(flags, "from") } : {}), ...(flags.to !== undefined ? { to: stringFlag(flags, "to") } : {}) };
  printResult(out, flags.json === true, await backtest(options, signal), options);
}
