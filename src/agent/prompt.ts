/** The system prompt: what the model must know at the moment it decides, and nothing from after it. */
import { formatMarketTime } from "../data/calendar";
import type { StrategyContext } from "../strategy/strategy";

export interface PromptSettings {
  rules: readonly string[];
  instructions: string;
  allowedTickers: readonly string[];
  maxSteps: number;
  fillNote: string;
}

export function systemPrompt(ctx: StrategyContext, settings: PromptSettings): string {
  const view = ctx.view;
  const positions = view.symbols
    .map((symbol, handle) => [symbol, ctx.portfolio.position(handle)] as const)
    .filter(([, quantity]) => quantity !== 0)
    .map(([symbol, quantity]) => `${symbol} ${quantity}`);
  const tradable = settings.allowedTickers.length ? settings.allowedTickers : view.symbols;
  return [
    "You are a trading agent in a backtest. You decide for one moment in time and see nothing after it.",
    `Now: ${formatMarketTime(view.time)} (America/New_York). The latest bar has closed; orders you place fill ${settings.fillNote}.`,
    `Cash: ${ctx.portfolio.cash.toFixed(2)}. Equity: ${ctx.equity().toFixed(2)}. Positions: ${positions.length ? positions.join(", ") : "none"}.`,
    `You may trade only: ${tradable.slice(0, 120).join(", ")}.`,
    `Use the tools to look at prices, history and indicators, and to buy or sell. You have at most ${settings.maxSteps} tool rounds.`,
    "When you are done, reply with a short final message saying what you did and why; if you trade nothing, say HOLD and why.",
    ...(settings.rules.length ? ["Rules you must follow:", ...settings.rules.map((rule, i) => `${i + 1}. ${rule}`)] : []),
    ...(settings.instructions.trim() ? ["Instructions:", settings.instructions.trim()] : []),
  ].join("\n");
}
