/**
 * SMA crossover, the engine's reference rules (held exactly; the benchmark's reference loop and the
 * tests check them):
 * SMAs over closes. At bar t, with both SMAs defined at t-1 and t: cross up when fast[t-1] <= slow[t-1]
 * and fast[t] > slow[t]; cross down when fast[t-1] >= slow[t-1] and fast[t] < slow[t]. Cross up while flat
 * -> buy with all cash; cross down while long -> sell everything.
 *
 * Two SMAs within 1e-12 of each other (relative) count as equal: they are equal up to float noise, and
 * noise is not a signal (flat prices must not produce crosses).
 */
import { z } from "zod";
import { InputError } from "../errors";
import type { Strategy, StrategyContext } from "./strategy";

export const SmaCrossParamsSchema = z
  .object({
    fast: z.number().int().min(1).default(10),
    slow: z.number().int().min(2).default(50),
  })
  .strict();
export type SmaCrossParams = z.input<typeof SmaCrossParamsSchema>;

/** Rolling sums are re-added from scratch this often so rounding cannot drift. */
export const SMA_RESYNC_BARS = 4096;
const TIE = 1e-12;

/** -1, 0 or 1 as a < b, a == b (within float noise), a > b. */
export function compareSma(a: number, b: number): number {
  const d = a - b;
  if (Math.abs(d) <= TIE * Math.max(Math.abs(a), Math.abs(b))) return 0;
  return d < 0 ? -1 : 1;
}

export function checkSmaCrossParams(params: SmaCrossParams): { fast: number; slow: number } {
  const parsed = SmaCrossParamsSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${issue.path.join(".") || "sma-cross"}: ${issue.message}`, "Use whole numbers like --fast 10 --slow 50", { field: String(issue.path[0] ?? "") });
  }
  const { fast, slow } = parsed.data;
  if (fast >= slow) throw new InputError(`fast (${fast}) must be shorter than slow (${slow})`, "Pick --fast smaller than --slow, e.g. --fast 10 --slow 50", { field: "fast" });
  return parsed.data;
}

/**
 * Counts bars as the run's steps, so it expects a market in which its symbol has a bar at every step
 * (a backtest of one series).
 */
export function smaCross(params: SmaCrossParams = {}, symbol?: string): Strategy {
  const { fast, slow } = checkSmaCrossParams(params);
  return new SmaCross(fast, slow, symbol);
}

class SmaCross implements Strategy {
  readonly name = "sma-cross";
  private handle = 0;
  private seen = 0;
  // The running sums live in a typed array: a double held in an object field or a closure variable
  // can end up boxed, and then every update allocates (a million bars, a million allocations).
  private readonly sums = new Float64Array(2);
  /** Comparison of fast vs slow at t-1; meaningful once seen > slow. */
  private previous = 0;
  private readonly buyReason: string;
  private readonly sellReason: string;

  constructor(
    private readonly fast: number,
    private readonly slow: number,
    private readonly symbol: string | undefined,
  ) {
    this.buyReason = `SMA${fast} crossed above SMA${slow}`;
    this.sellReason = `SMA${fast} crossed below SMA${slow}`;
  }

  init(ctx: StrategyContext): void {
    this.handle = ctx.view.handle(this.symbol ?? ctx.view.symbols[0]!);
  }

  onBar(ctx: StrategyContext): void {
    const { view } = ctx;
    const { handle, fast, slow } = this;
    const close = view.close(handle);
    if (close !== close) return; // no bar for this symbol at this step
    const seen = ++this.seen;
    const sums = this.sums;
    if (seen % SMA_RESYNC_BARS === 0 && seen >= slow) {
      sums[FAST] = windowSum(ctx, handle, fast);
      sums[SLOW] = windowSum(ctx, handle, slow);
    } else {
      sums[FAST] += close;
      sums[SLOW] += close;
      if (seen > fast) sums[FAST] -= view.close(handle, fast);
      if (seen > slow) sums[SLOW] -= view.close(handle, slow);
    }
    if (seen < slow) return;
    const now = compareSma(sums[FAST]! / fast, sums[SLOW]! / slow);
    if (seen > slow) {
      const previous = this.previous;
      if (previous <= 0 && now > 0 && ctx.portfolio.position(handle) === 0) ctx.buy(handle, "all", this.buyReason);
      else if (previous >= 0 && now < 0 && ctx.portfolio.position(handle) > 0) ctx.sell(handle, "all", this.sellReason);
    }
    this.previous = now;
  }
}

const FAST = 0;
const SLOW = 1;

/** Sum of the last `n` closes, oldest first (the order a direct computation adds them in). */
function windowSum(ctx: StrategyContext, handle: number, n: number): number {
  let sum = 0;
  for (let ago = n - 1; ago >= 0; ago--) sum += ctx.view.close(handle, ago);
  return sum;
}
