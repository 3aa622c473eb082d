import type { Strategy, StrategyContext } from "./strategy";

/** Buys with all cash on the first bar and holds: the benchmark every model is measured against. */
export function buyAndHold(symbol?: string): Strategy {
  let bought = false;
  return {
    name: "buy-and-hold",
    onBar(ctx: StrategyContext) {
      if (bought) return;
      bought = true;
      ctx.buy(symbol ?? ctx.view.symbols[0]!, "all", "buy and hold");
    },
  };
}
