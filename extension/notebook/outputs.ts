/**
 * nbformat outputs (what the kernel sends and the file keeps) to VS Code's cell outputs and back. The
 * round trip is lossless for what AIBT writes: mime bundles, streams, errors, output metadata.
 */
import * as vscode from "vscode";
import { type CellOutput, splitLines } from "../../kernel/notebook-format";

/** Richest first: VS Code shows the first item it has a renderer for (our Vega-Lite renderer first). */
const MIME_ORDER = ["application/vnd.vegalite.v5+json", "application/vnd.vega.v5+json", "text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown", "text/plain"];
const STDOUT = "application/vnd.code.notebook.stdout";
const STDERR = "application/vnd.code.notebook.stderr";
const ERROR = "application/vnd.code.notebook.error";

const isJsonMime = (mime: string) => mime === "application/json" || mime.endsWith("+json");
const isBinaryMime = (mime: string) => mime.startsWith("image/") && mime !== "image/svg+xml";
const text = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value ?? ""));

export function toCellOutput(output: CellOutput): vscode.NotebookCellOutput {
  switch (output.output_type) {
    case "stream":
      return new vscode.NotebookCellOutput([output.name === "stderr" ? vscode.NotebookCellOutputItem.stderr(output.text) : vscode.NotebookCellOutputItem.stdout(output.text)], { outputType: "stream" });
    case "error": {
      const error = { name: output.ename, message: output.evalue, stack: output.traceback.join("\n") };
      return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)], { outputType: "error", originalError: output });
    }
    case "display_data":
    case "execute_result": {
      const metadata: Record<string, unknown> = { outputType: output.output_type, metadata: output.metadata };
      if (output.output_type === "execute_result") metadata.executionCount = output.execution_count;
      const displayId = output.output_type === "display_data" ? output.transient?.display_id : undefined;
      if (displayId) metadata.displayId = displayId;
      return new vscode.NotebookCellOutput(bundleItems(output.data), metadata);
    }
  }
}

export function bundleItems(data: Record<string, unknown>): vscode.NotebookCellOutputItem[] {
  const rank = (mime: string) => {
    const index = MIME_ORDER.indexOf(mime);
    return index === -1 ? MIME_ORDER.length - 1 : index;
  };
  return Object.keys(data)
    .sort((a, b) => rank(a) - rank(b))
    .map((mime) => {
      const value = data[mime];
      // Compact, not NotebookCellOutputItem.json's tab-indented text: a chart's spec is half as big again
      // indented, and every byte crosses to the editor and into the output webview when a notebook opens.
      if (isJsonMime(mime)) return vscode.NotebookCellOutputItem.text(JSON.stringify(value), mime);
      if (isBinaryMime(mime)) return new vscode.NotebookCellOutputItem(Buffer.from(text(value), "base64"), mime);
      return vscode.NotebookCellOutputItem.text(text(value), mime);
    });
}

export function fromCellOutput(output: vscode.NotebookCellOutput): CellOutput {
  const meta = (output.metadata ?? {}) as Record<string, unknown>;
  const decoder = new TextDecoder();
  const first = output.items[0];
  if (first && (first.mime === STDOUT || first.mime === STDERR)) {
    return { output_type: "stream", name: first.mime === STDERR ? "stderr" : "stdout", text: output.items.map((item) => decoder.decode(item.data)).join("") };
  }
  if (first?.mime === ERROR) {
    const original = meta.originalError as CellOutput | undefined;
    if (original?.output_type === "error") return original;
    const error = JSON.parse(decoder.decode(first.data)) as { name?: string; message?: string; stack?: string };
    return { output_type: "error", ename: error.name ?? "Error", evalue: error.message ?? "", traceback: (error.stack ?? "").split("\n") };
  }
  const data: Record<string, unknown> = {};
  for (const item of output.items) {
    const raw = decoder.decode(item.data);
    // Text as nbformat's list of lines, the way Jupyter writes it.
    data[item.mime] = isJsonMime(item.mime) ? JSON.parse(raw) : isBinaryMime(item.mime) ? Buffer.from(item.data).toString("base64") : splitLines(raw);
  }
  const metadata = (meta.metadata as Record<string, unknown> | undefined) ?? {};
  if (meta.outputType === "execute_result") return { output_type: "execute_result", execution_count: Number(meta.executionCount ?? 0), data, metadata };
  return { output_type: "display_data", data, metadata };
}
