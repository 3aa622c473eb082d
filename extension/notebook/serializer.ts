/**
 * `.aibtnb` files (nbformat 4 JSON, see kernel/notebook-format) as VS Code notebooks. Whatever VS Code
 * has no place for (cell ids, attachments, unknown fields) rides along in metadata and is written back.
 */
import * as vscode from "vscode";
import { type NotebookCell, type NotebookDocument, newCellId, newNotebook, parseNotebook, serializeNotebook } from "../../kernel/notebook-format";
import { fromCellOutput, toCellOutput } from "./outputs";

export const NOTEBOOK_TYPE = "aibt-notebook";
export const CELL_LANGUAGE = "typescript";

/** What a VS Code cell's metadata keeps of its nbformat cell, besides source, outputs and count. */
interface KeptCell {
  nbformat?: Omit<NotebookCell, "source" | "outputs" | "execution_count" | "cell_type">;
}

export class AibtNotebookSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    // VS Code asks with no bytes for a new untitled notebook (and a new empty file): an empty notebook.
    if (content.byteLength === 0) return toNotebookData(newNotebook());
    return toNotebookData(parseNotebook(new TextDecoder().decode(content)));
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return new TextEncoder().encode(serializeNotebook(fromNotebookData(data)));
  }
}

export function toNotebookData(doc: NotebookDocument): vscode.NotebookData {
  const cells = doc.cells.map((cell) => {
    const { source, outputs, execution_count, cell_type, ...rest } = cell;
    const kind = cell_type === "markdown" ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
    const language = cell_type === "markdown" ? "markdown" : cell_type === "raw" ? "raw" : CELL_LANGUAGE;
    const data = new vscode.NotebookCellData(kind, source, language);
    data.outputs = (outputs ?? []).map(toCellOutput);
    if (typeof execution_count === "number") data.executionSummary = { executionOrder: execution_count };
    data.metadata = { nbformat: rest } satisfies KeptCell;
    return data;
  });
  const { cells: _cells, ...notebook } = doc;
  const data = new vscode.NotebookData(cells);
  data.metadata = { nbformat: notebook };
  return data;
}

export function fromNotebookData(data: vscode.NotebookData): NotebookDocument {
  const kept = (data.metadata?.nbformat ?? {}) as Partial<NotebookDocument>;
  // A notebook made in the editor has nothing kept: it gets the tslab kernelspec, so Jupyter opens it.
  const doc: NotebookDocument = { ...newNotebook(), ...kept, cells: [] };
  for (const cell of data.cells) {
    const rest = ((cell.metadata as KeptCell | undefined)?.nbformat ?? {}) as Record<string, unknown>;
    const cellType = cell.kind === vscode.NotebookCellKind.Markup ? "markdown" : cell.languageId === "raw" ? "raw" : "code";
    const out: NotebookCell = { cell_type: cellType, id: typeof rest.id === "string" ? rest.id : newCellId(), metadata: {}, ...rest, source: cell.value };
    if (cellType === "code") {
      out.execution_count = cell.executionSummary?.executionOrder ?? null;
      out.outputs = (cell.outputs ?? []).map(fromCellOutput);
    }
    doc.cells.push(out);
  }
  return doc;
}
