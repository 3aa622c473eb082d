// Runs the tool catalog inside a real run: a scripted strategy calls tools through callTool at chosen steps.
import type { BrokerConfig } from "../../../src/broker/broker";
import type { BarSeries } from "../../../src/data/series";
import { marketOf } from "../../../src/market/market";
import type { BlockedOrder } from "../../../src/model/order";
import type { RiskLimits } from "../../../src/risk/guard";
import { runLoop } from "../../../src/run/loop";
import type { RunOutcome } from "../../../src/run/loop";
import type { StrategyContext } from "../../../src/strategy/strategy";
import { TRADING_TOOLS, callTool, findTool } from "../../../src/tools";
import type { ToolContext, ToolResult, TradingToolContext } from "../../../src/tools";

export interface ToolSession {
  readonly ctx: StrategyContext;
  readonly context: ToolContext;
  /** Calls a catalog tool by name with raw arguments, as the agent will. */
  call(name: string, args: unknown): Promise<ToolResult>;
}

export interface ToolRunOptions {
  cash?: number;
  broker?: Partial<BrokerConfig>;
  risk?: RiskLimits;
  fillNote?: string;
  trading?: Partial<Omit<TradingToolContext, "ctx" | "recordBlocked">>;
}

export interface ToolRun {
  outcome: RunOutcome;
  /** Refusals the tools made before submitting, as handed to `recordBlocked`. */
  preTradeBlocked: BlockedOrder[];
}

export const NEXT_OPEN = "at the next bar's open";

export async function runWithTools(series: BarSeries[], script: Record<number, (session: ToolSession) => Promise<void>>, options: ToolRunOptions = {}): Promise<ToolRun> {
  const preTradeBlocked: BlockedOrder[] = [];
  const outcome = await runLoop({
    market: marketOf(series),
    initialCash: options.cash ?? 10_000,
    broker: options.broker ?? {},
    ...(options.risk ? { risk: options.risk } : {}),
    strategy: {
      name: "tool-script",
      onBar(ctx) {
        const action = script[ctx.view.step];
        if (!action) return undefined;
        const context: ToolContext = {
          trading: { ctx, fillNote: options.fillNote ?? NEXT_OPEN, ...options.trading, recordBlocked: (blocked) => preTradeBlocked.push(blocked) },
        };
        const call = (name: string, args: unknown) => {
          const tool = findTool(TRADING_TOOLS, name);
          if (!tool) throw new Error(`no tool ${name}`);
          return callTool(tool, args, context);
        };
        return action({ ctx, context, call });
      },
    },
  });
  return { outcome, preTradeBlocked };
}

/** The output of a successful result, or a test failure that shows the error. */
export function outputOf<T = Record<string, unknown>>(result: ToolResult): T {
  if (!result.ok) throw new Error(`expected ok, got error: ${result.error}`);
  return result.output as T;
}

/** The error of a failed result, or a test failure that shows the output. */
export function errorOf(result: ToolResult): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.output)}`);
  return result.error;
}
