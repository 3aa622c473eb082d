/** What a run file holds, as plain types shared by the writer, the journal and the readers. */
import type { StepRecord } from "../run/step-record";

export type { StepRecord };

export type RunMode = "daily" | "intraday";
export type RecordedStatus = "running" | "completed" | "failed" | "cancelled";

/** Everything known about a run before its first step. */
export interface RunHeader {
  id: string;
  modelId: string;
  number: number;
  mode: RunMode;
  startedAt: string;
  stepsTotal: number;
  /** The frozen model definition or settings that produced the run. */
  snapshot: unknown;
  /** Where the bars came from: source, symbols, range, session. */
  data: unknown;
  /** The process writing the run, so a reader can tell a live run from an abandoned one. */
  writer: { pid: number; host: string };
}

/** The run row, as listing and the tree show it. */
export interface RunCard {
  id: string;
  modelId: string;
  number: number;
  mode: RunMode;
  status: RecordedStatus;
  error: string | null;
  startedAt: string;
  endedAt: string | null;
  stepsDone: number;
  stepsTotal: number;
  data: unknown;
  metrics: Record<string, unknown> | null;
}
