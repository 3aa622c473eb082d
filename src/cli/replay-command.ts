/** `aibt replay`: one session of one day, minute by minute (or 5, 15 ...), through the same engine. */
import { SESSION_NAMES } from "../data/sessions";
import { InputError } from "../errors";
import { replay } from "../run/replay";
import type { ReplayOptions } from "../run/replay";
import { choiceFlag, numberFlag, parseFlags, stringFlag } from "./args";
import { dropUndefined, printResult, RUN_FLAGS, RUN_FLAGS_HELP, runOptionsFrom } from "./run-flags";

export const REPLAY_HELP = `Usage: aibt replay --data FILE --symbol S --date YYYY-MM-DD [options]

Replays one trading day's session from minute bars (normalized CSV), bar by bar, in New York time.
Positions are closed at the session's last bar unless --no-flatten.

Trades instead of bars:
  --ticks FILE           raw trades (symbol,timestamp,price,size,exchange,sale_condition,suspicious),
                         aggregated into bars of --bar width (see also \`aibt bars\`)
  --exclude-suspicious   leave out trades flagged suspicious
  --exclude-conditions L leave out trades with these sale conditions, e.g. 4000000,1000000

Session:
  --date YYYY-MM-DD      the trading day (required)
  --session NAME         ${SESSION_NAMES.join(" | ")} (default regular: 09:30-16:00; pre 04:00-09:30, after 16:00-20:00)
  --bar 1m|5m|15m|30m    bar width (minute bars are combined; default 1m)
  --no-flatten           keep positions open at the session's end
  --every N              LLM models: decide every N bars (default: every bar)
  --on-move F            LLM models: also decide when the price moved F (0.005 = 0.5%) since the last decision
  --on-fill              LLM models: also decide right after an order filled

${RUN_FLAGS_HELP}`;

export async function replayCommand(argv: string[], out: (text: string) => void, signal?: AbortSignal): Promise<void> {
  const flags = parseFlags("replay", argv, {
    ...RUN_FLAGS,
    date: { type: "string" },
    session: { type: "string" },
    bar: { type: "string" },
    "no-flatten": { type: "boolean" },
    every: { type: "string" },
    "on-move": { type: "string" },
    "on-fill": { type: "boolean" },
    ticks: { type: "string" },
    "exclude-suspicious": { type: "boolean" },
    "exclude-conditions": { type: "string" },
  });
  if (flags.help) return out(REPLAY_HELP);
  const date = stringFlag(flags, "date");
  if (date === undefined) throw new InputError("--date is required", "Name the trading day, e.g. --date 2013-10-07");
  const bar = choiceFlag(flags, "bar", ["1m", "5m", "15m", "30m", "60m"] as const);
  const cadence = dropUndefined({
    everyBars: numberFlag(flags, "every", { integer: true, min: 1, example: 15 }),
    onMove: numberFlag(flags, "on-move", { exclusiveMin: 0, max: 1, example: 0.005 }),
    onFill: flags["on-fill"] === true ? true : undefined,
  });
  const options: ReplayOptions = {
    ...runOptionsFrom(flags),
    date,
    ...(flags.session !== undefined ? { session: choiceFlag(flags, "session", SESSION_NAMES) } : {}),
    ...(bar ? { bar: Number.parseInt(bar, 10) } : {}),
    flatten: flags["no-flatten"] !== true,
    ...(flags.ticks !== undefined ? { ticks: stringFlag(flags, "ticks") } : {}),
    ...(flags["exclude-suspicious"] === true ? { excludeSuspicious: true } : {}),
    ...(flags["exclude-conditions"] !== undefined ? { excludeConditions: String(flags["exclude-conditions"]).split(",").map((c) => c.trim()).filter(Boolean) } : {}),
    ...(Object.keys(cadence).length ? { cadence } : {}),
  };
  const result = await replay(options, signal);
  printResult(out, flags.json === true, result, options, { date: result.date, session: result.session, barMinutes: result.barMinutes, trades: result.trades });
}
