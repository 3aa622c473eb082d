/** What the extension and its run worker say to each other (plain, structured-clone-safe data). */
import type { BacktestSummary } from "../../src/run/backtest";
import type { RunCard } from "../../src/store/run-record";

export interface RunJobRequest {
  kind: "backtest" | "replay";
  /** BacktestOptions or ReplayOptions without callbacks (they cannot cross threads). */
  options: Record<string, unknown>;
  /** In memory only: never written, never logged. */
  apiKey?: string;
  /** The aibt.endpoint.baseUrl setting: the worker's OPENAI_BASE_URL, which overrides models' own. */
  baseUrl?: string;
}

export type WorkerMessage =
  | { type: "record"; modelId: string; id: string; file: string }
  | { type: "progress"; step: number; total: number; equity: number }
  | { type: "done"; summary: BacktestSummary; run?: RunCard }
  | { type: "error"; message: string; expected: boolean };
