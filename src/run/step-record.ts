/** What the run loop hands a recorder after each step. */
import type { Exchange } from "../agent/cassette";
import type { BlockedOrder, Fill, Order } from "../model/order";

/** One step: its close, and whatever happened in it. */
export interface StepRecord {
  step: number;
  time: number;
  equity: number;
  cash: number;
  exposure: number;
  orders?: Order[];
  fills?: Fill[];
  blocked?: BlockedOrder[];
  /** Positions after the step, when they changed in it: [symbol, signed quantity]. */
  positions?: [string, number][];
  decision?: unknown;
  reasoning?: unknown;
  /** LLM exchanges made for this step (the cassette). */
  exchanges?: Exchange[];
}

/** Receives every completed step of a run (the workspace store journals and saves them). */
export interface StepRecorder {
  step(record: StepRecord): void;
}

/** What a strategy may attach to the step it decides on: its decision, its reasoning, its LLM exchanges. */
export interface DecisionRecord {
  decision: unknown;
  reasoning?: unknown;
  exchanges?: Exchange[];
}
