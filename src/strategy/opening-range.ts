/**
 * Opening-range breakout, a day trader's classic and the built-in that exercises brackets: the first
 * `rangeBars` bars of each day set a range; the first close above it buys with all cash, protected by
 * a stop at the range's low and a target `rewardRisk` times the risk above the entry. One trade a day.
 */
import { z } from "zod";
import { InputError } from "../errors";
import type { Strategy, StrategyContext } from "./strategy";

export const OpeningRangeParamsSchema = z
  .object({
    rangeBars: z.number().int().min(1).max(240).default(15),
    rewardRisk: z.number().positive().max(20).default(2),
  })
  .strict();
export type OpeningRangeParams = z.input<typeof OpeningRangeParamsSchema>;

export function openingRange(params: OpeningRangeParams = {}, symbol?: string): Strategy {
  const parsed = OpeningRangeParamsSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${issue.path.join(".") || "opening-range"}: ${issue.message}`, "e.g. --range-bars 15 --reward-risk 2", { field: String(issue.path[0] ?? "") });
  }
  const { rangeBars, rewardRisk } = parsed.data;
  let handle = 0;
  let day = -1;
  let barsToday = 0;
  let high = -Infinity;
  let low = Infinity;
  let tradedToday = false;
  return {
    name: "opening-range",
    init(ctx: StrategyContext) {
      handle = ctx.view.handle(symbol ?? ctx.view.symbols[0]!);
    },
    onBar(ctx: StrategyContext) {
      const view = ctx.view;
      const close = view.close(handle);
      if (close !== close) return;
      if (view.day !== day) {
        day = view.day;
        barsToday = 0;
        high = -Infinity;
        low = Infinity;
        tradedToday = false;
      }
      barsToday++;
      if (barsToday <= rangeBars) {
        high = Math.max(high, view.high(handle));
        low = Math.min(low, view.low(handle));
        return;
      }
      if (tradedToday || ctx.portfolio.position(handle) !== 0 || close <= high || close <= low) return;
      tradedToday = true;
      ctx.submit({
        symbol: view.symbols[handle]!,
        side: "buy",
        quantity: "all",
        stopLoss: low,
        takeProfit: close + rewardRisk * (close - low),
        reason: `close ${close} broke the ${rangeBars}-bar opening range (${low}-${high})`,
      });
    },
  };
}
