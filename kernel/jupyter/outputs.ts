// A cell's nbformat outputs as iopub messages arrive: stream chunks merged, display updates applied.
import type { CellOutput } from "./kernel";

type DisplayOutput = Extract<CellOutput, { output_type: "display_data" }>;

export class CellOutputs {
  readonly list: CellOutput[] = [];

  constructor(private readonly listener?: (output: CellOutput, update: boolean) => void) {}

  stream(name: "stdout" | "stderr", text: string): void {
    if (text === "") return;
    this.emit({ output_type: "stream", name, text }, false);
    const last = this.list[this.list.length - 1];
    if (last?.output_type === "stream" && last.name === name) {
      this.list[this.list.length - 1] = { ...last, text: last.text + text };
    } else {
      this.list.push({ output_type: "stream", name, text });
    }
  }

  /** display_data, or update_display_data (replaces the outputs of this cell with the same display_id). */
  display(content: Record<string, unknown>, update: boolean): void {
    const output = displayOutput(content);
    this.emit(output, update);
    if (!update) {
      this.list.push(output);
      return;
    }
    const id = output.transient?.display_id;
    if (id === undefined) return;
    for (let i = 0; i < this.list.length; i++) {
      const earlier = this.list[i]!;
      if (earlier.output_type === "display_data" && earlier.transient?.display_id === id) this.list[i] = output;
    }
  }

  result(executionCount: number, data: Record<string, unknown>, metadata: Record<string, unknown> = {}): void {
    const output: CellOutput = { output_type: "execute_result", execution_count: executionCount, data, metadata };
    this.emit(output, false);
    this.list.push(output);
  }

  error(ename: string, evalue: string, traceback: string[]): void {
    const output: CellOutput = { output_type: "error", ename, evalue, traceback };
    this.emit(output, false);
    this.list.push(output);
  }

  /** Sets the execution count of execute_result outputs once the reply confirms it. */
  settleCount(executionCount: number): void {
    for (let i = 0; i < this.list.length; i++) {
      const output = this.list[i]!;
      if (output.output_type === "execute_result" && output.execution_count !== executionCount) {
        this.list[i] = { ...output, execution_count: executionCount };
      }
    }
  }

  private emit(output: CellOutput, update: boolean): void {
    try {
      this.listener?.(output, update);
    } catch {
      // A listener's bug must not break the cell's bookkeeping; the result still has every output.
    }
  }
}

function displayOutput(content: Record<string, unknown>): DisplayOutput {
  const output: DisplayOutput = {
    output_type: "display_data",
    data: record(content.data),
    metadata: record(content.metadata),
  };
  const transient = record(content.transient);
  if (typeof transient.display_id === "string") output.transient = { display_id: transient.display_id };
  return output;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
