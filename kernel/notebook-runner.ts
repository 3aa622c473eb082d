/**
 * Runs a whole notebook the way `jupyter nbconvert --execute` does: one tslab kernel, every code cell in
 * order, each cell's outputs and execution count written back, stopping at the first failing cell.
 */
import { TslabKernel } from "./jupyter/index";
import type { CellOutput, ExecutionResult } from "./jupyter/index";
import type { NotebookCell, NotebookDocument } from "./notebook-format";

/** What the kernel reports for one cell. */
export type CellExecution = ExecutionResult;

export interface RunNotebookOptions {
  /** The kernel's working folder: relative paths in cells resolve against it (the notebook's folder). */
  cwd: string;
  env?: Record<string, string>;
  /** Keep running after a failing cell, like nbconvert's --allow-errors; every failure is counted. */
  allowErrors?: boolean;
  /** Called after each code cell the kernel ran (blank cells are not sent to it). */
  onCell?(index: number, result: CellExecution): void;
}

export interface CellFailure {
  /** The cell's index in `doc.cells` (0-based). */
  index: number;
  /** The first line of the error, e.g. "ReferenceError: x is not defined" or "2:7 - Cannot find name 'x'." */
  message: string;
}

export interface NotebookRun {
  /** A new document: the input is left as it was. */
  doc: NotebookDocument;
  failures: number;
  /** The failing cells, in order (at most one unless allowErrors). */
  failed: CellFailure[];
  /** The signal stopped the run; the cell it stopped keeps what it printed, later cells nothing. */
  cancelled: boolean;
  /** How many code cells the kernel ran. */
  executed: number;
}

export async function runNotebook(doc: NotebookDocument, options: RunNotebookOptions, signal?: AbortSignal): Promise<NotebookRun> {
  const result: NotebookRun = { doc: structuredClone(doc), failures: 0, failed: [], cancelled: false, executed: 0 };
  const cells = result.doc.cells;
  // Outputs from an earlier run must not survive next to the new ones: a cell not reached shows nothing.
  for (const cell of cells) if (cell.cell_type === "code") clearOutputs(cell);
  if (signal?.aborted) return { ...result, cancelled: true };

  let kernel: TslabKernel;
  try {
    kernel = await TslabKernel.start({ cwd: options.cwd, ...(options.env ? { env: options.env } : {}) }, signal);
  } catch (error) {
    if (signal?.aborted) return { ...result, cancelled: true };
    throw error;
  }

  let failed = false;
  try {
    for (const [index, cell] of cells.entries()) {
      if (cell.cell_type !== "code" || cell.source.trim() === "") continue;
      let execution: CellExecution;
      try {
        execution = await kernel.execute(cell.source, {}, signal);
      } catch (error) {
        if (signal?.aborted) {
          result.cancelled = true;
          break;
        }
        throw error;
      }
      result.executed++;
      cell.outputs = execution.outputs.map(forFile);
      cell.execution_count = execution.executionCount;
      options.onCell?.(index, execution);
      if (execution.status === "aborted" && signal?.aborted) {
        result.cancelled = true;
        break;
      }
      if (execution.status !== "ok") {
        result.failures++;
        result.failed.push({ index, message: firstErrorLine(execution) });
        if (!options.allowErrors) break;
      }
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    try {
      await kernel.shutdown();
    } catch (error) {
      // The run's own error says more than a kernel that also failed to stop.
      if (!failed) throw error;
    }
  }
  return result;
}

function clearOutputs(cell: NotebookCell): void {
  cell.outputs = [];
  cell.execution_count = null;
}

/** nbformat forbids `transient` (live display ids) in files. */
function forFile(output: CellOutput): CellOutput {
  if (!("transient" in output)) return output;
  const { transient: _transient, ...rest } = output;
  return rest;
}

/** The error's first line: the error output when the kernel sent one, else what the cell wrote to stderr. */
export function firstErrorLine(execution: Pick<CellExecution, "status" | "outputs">): string {
  const errors = execution.outputs.filter((output) => output.output_type === "error");
  const error = errors[errors.length - 1];
  if (error) {
    const line = firstLine(error.evalue);
    return line ? (error.ename ? `${error.ename}: ${line}` : line) : error.ename || "an error without a message";
  }
  const stderr = execution.outputs
    .filter((output) => output.output_type === "stream" && output.name === "stderr")
    .map((output) => (output as { text: string }).text)
    .join("");
  const line = firstLine(stderr);
  if (line) return line;
  return execution.status === "aborted" ? "the kernel aborted the cell" : "the cell failed without an error message";
}

function firstLine(text: string): string {
  // Tracebacks may carry terminal colors.
  const plain = text.replace(/\u001b\[[0-9;]*m/g, "");
  return (plain.split("\n").find((line) => line.trim() !== "") ?? "").trim();
}
