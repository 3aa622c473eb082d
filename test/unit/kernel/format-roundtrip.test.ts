// The .aibtnb format on representative notebooks: Jupyter's own bytes survive a read and a write, and
// whatever AIBT does not know (top-level, metadata, cell and output fields) is kept.
import { describe, expect, it } from "vitest";
import { newNotebook, parseNotebook, serializeNotebook, splitLines } from "../../../kernel/notebook-format";
import type { CellOutput, NotebookDocument } from "../../../kernel/notebook-format";

/**
 * A notebook exactly as nbformat writes it (json.dumps(nb, sort_keys=True, indent=1, separators=(",", ": "),
 * ensure_ascii=False) plus "\n", the bytes Jupyter saves): a markdown cell with an attachment, code cells
 * with every output kind, multi-line MIME data as arrays of lines, unknown fields everywhere, non-ASCII text.
 */
const JUPYTER = String.raw`
{
 "aibt_extra": {
  "createdBy": "a test",
  "tags": []
 },
 "cells": [
  {
   "attachments": {
    "equity.png": {
     "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    }
   },
   "cell_type": "markdown",
   "id": "8f3a2c1d",
   "metadata": {},
   "source": [
    "# SMA cross on SPY\n",
    "\n",
    "Résumé: 10/50 — ✓ 📈\n",
    "![equity](attachment:equity.png)"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "b7e4d019",
   "metadata": {
    "scrolled": true,
    "tags": [
     "parameters"
    ],
    "x-reviewed": null
   },
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "0.88\n"
     ]
    },
    {
     "name": "stderr",
     "output_type": "stream",
     "text": [
      "3 bars skipped\n",
      "tab\there, quote \" and backslash \\ end"
     ]
    },
    {
     "data": {
      "application/vnd.vegalite.v5+json": {
       "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
       "data": {
        "values": [
         {
          "equity": 100000,
          "t": "2020-01-02"
         },
         {
          "equity": 100250.5,
          "t": "2020-01-03"
         }
        ]
       },
       "encoding": {
        "x": {
         "field": "t",
         "type": "temporal"
        },
        "y": {
         "field": "equity",
         "type": "quantitative"
        }
       },
       "mark": "line"
      },
      "image/svg+xml": [
       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\n",
       "<rect width=\"10\" height=\"10\"/>\n",
       "</svg>"
      ],
      "text/markdown": "Backtest **completed**",
      "text/plain": [
       "Backtest completed:\n",
       "sma-cross on SPY"
      ]
     },
     "metadata": {
      "image/svg+xml": {
       "isolated": true
      }
     },
     "output_type": "display_data",
     "x-origin": "aibt"
    },
    {
     "data": {
      "text/plain": [
       "\u001b[33m0.88\u001b[39m"
      ]
     },
     "execution_count": 1,
     "metadata": {},
     "output_type": "execute_result"
    }
   ],
   "source": [
    "import { backtest, showChart } from \"aibt/notebook\";\n",
    "const r = await backtest({ symbol: \"SPY\", fast: 10, slow: 50 });\n",
    "console.log(r.sharpe);\n",
    "console.error(\"3 bars skipped\");\n",
    "r.sharpe"
   ],
   "x-cell-note": {
    "reviewedBy": "qa"
   }
  },
  {
   "cell_type": "code",
   "execution_count": 2,
   "id": "c0ffee00",
   "metadata": {},
   "outputs": [
    {
     "ename": "ReferenceError",
     "evalue": "x is not defined",
     "output_type": "error",
     "traceback": [
      "\u001b[0;31mReferenceError\u001b[0m: x is not defined",
      "    at <anonymous>:1:1"
     ]
    }
   ],
   "source": [
    "x + 1"
   ]
  },
  {
   "cell_type": "raw",
   "id": "raw-cell_1",
   "metadata": {
    "format": "text/plain"
   },
   "source": []
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "d00d0001",
   "metadata": {},
   "outputs": [],
   "source": []
  }
 ],
 "metadata": {
  "aibt": {
   "models": [
    "sma-cross",
    "momentum"
   ],
   "workspace": "."
  },
  "kernelspec": {
   "display_name": "TypeScript",
   "language": "typescript",
   "name": "tslab"
  },
  "language_info": {
   "codemirror_mode": {
    "mode": "typescript",
    "name": "javascript",
    "typescript": true
   },
   "file_extension": ".ts",
   "mimetype": "text/typescript",
   "name": "typescript",
   "version": "3.7.2"
  },
  "widgets": {
   "application/vnd.jupyter.widget-state+json": {
    "state": {},
    "version_major": 2,
    "version_minor": 0
   }
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`.slice(1);

/** Written by hand or by an older tool: source and stream text as strings, keys in no order, no ids, no cell metadata. */
const HAND_WRITTEN = JSON.stringify({
  nbformat_minor: 2,
  cells: [
    { source: "## Notes\nPlain text, one string.", cell_type: "markdown" },
    {
      cell_type: "code",
      source: 'console.log("a");\nconsole.log("b");\n',
      outputs: [
        { text: "a\nb\n", output_type: "stream", name: "stdout" },
        { output_type: "display_data", data: { "text/plain": "one line", "text/html": "<b>bold</b>\n<i>it</i>" }, metadata: {} },
        { output_type: "execute_result", execution_count: 7, data: { "application/json": { rows: [1, 2, [3, "x"]] } }, metadata: { "x-meta": true } },
      ],
      execution_count: 7,
      metadata: { collapsed: true },
      "x-unknown-cell-field": [1, { deep: "value" }],
    },
    { cell_type: "raw", source: ["line 1\n", "line 2"], metadata: {} },
  ],
  metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
  nbformat: 4,
  "x-top": { kept: true },
});

const deepCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("a notebook written by Jupyter", () => {
  it("is written back byte for byte", () => {
    expect(serializeNotebook(parseNotebook(JUPYTER))).toBe(JUPYTER);
  });

  it("reads source and stream text as one string each", () => {
    const doc = parseNotebook(JUPYTER, "spy.ipynb");
    expect(doc.cells.map((cell) => cell.cell_type)).toEqual(["markdown", "code", "code", "raw", "code"]);
    expect(doc.cells[0]!.source).toBe("# SMA cross on SPY\n\nRésumé: 10/50 — ✓ 📈\n![equity](attachment:equity.png)");
    expect(doc.cells[1]!.source).toBe('import { backtest, showChart } from "aibt/notebook";\nconst r = await backtest({ symbol: "SPY", fast: 10, slow: 50 });\nconsole.log(r.sharpe);\nconsole.error("3 bars skipped");\nr.sharpe');
    expect(doc.cells[3]!.source).toBe("");
    const [stdout, stderr, display, result] = doc.cells[1]!.outputs!;
    expect(stdout).toEqual({ name: "stdout", output_type: "stream", text: "0.88\n" });
    expect(stderr).toMatchObject({ name: "stderr", text: '3 bars skipped\ntab\there, quote " and backslash \\ end' });
    expect(result).toEqual({ data: { "text/plain": ["\u001b[33m0.88\u001b[39m"] }, execution_count: 1, metadata: {}, output_type: "execute_result" });
    // MIME data keeps the form the file has: arrays of lines stay arrays, strings stay strings.
    const data = (display as Extract<CellOutput, { output_type: "display_data" }>).data;
    expect(data["text/plain"]).toEqual(["Backtest completed:\n", "sma-cross on SPY"]);
    expect(data["text/markdown"]).toBe("Backtest **completed**");
    expect(data["image/svg+xml"]).toHaveLength(3);
    expect(data["application/vnd.vegalite.v5+json"]).toMatchObject({ mark: "line", data: { values: [{ equity: 100000 }, { equity: 100250.5 }] } });
    expect(doc.cells[2]!.outputs).toEqual([
      { ename: "ReferenceError", evalue: "x is not defined", output_type: "error", traceback: ["\u001b[0;31mReferenceError\u001b[0m: x is not defined", "    at <anonymous>:1:1"] },
    ]);
    expect(doc.cells[4]).toMatchObject({ execution_count: null, outputs: [], source: "" });
  });

  it("keeps attachments and every unknown field", () => {
    const doc = parseNotebook(JUPYTER);
    expect(doc.aibt_extra).toEqual({ createdBy: "a test", tags: [] });
    expect(doc.metadata.aibt).toEqual({ workspace: ".", models: ["sma-cross", "momentum"] });
    expect(doc.metadata.widgets).toBeDefined();
    expect(doc.cells[0]!.attachments).toEqual({ "equity.png": { "image/png": expect.stringMatching(/^iVBORw0KGgo/) } });
    expect(doc.cells[1]!["x-cell-note"]).toEqual({ reviewedBy: "qa" });
    expect(doc.cells[1]!.metadata).toEqual({ scrolled: true, tags: ["parameters"], "x-reviewed": null });
    expect(doc.cells[1]!.outputs![2]).toMatchObject({ "x-origin": "aibt" });
    expect(doc.cells[3]!.metadata).toEqual({ format: "text/plain" });
  });

  it("parse -> serialize -> parse gives the same document", () => {
    const doc = parseNotebook(JUPYTER);
    expect(parseNotebook(serializeNotebook(doc))).toEqual(doc);
  });

  it("a byte-order mark is accepted", () => {
    expect(parseNotebook(`\uFEFF${JUPYTER}`)).toEqual(parseNotebook(JUPYTER));
  });
});

describe("a notebook written by hand", () => {
  it("parse -> serialize -> parse gives the same document, and the second write is identical", () => {
    const doc = parseNotebook(HAND_WRITTEN);
    const written = serializeNotebook(doc);
    expect(parseNotebook(written)).toEqual(doc);
    expect(serializeNotebook(parseNotebook(written))).toBe(written);
  });

  it("fills in what nbformat requires, and writes source and stream text as lines", () => {
    const doc = parseNotebook(HAND_WRITTEN);
    expect(doc.nbformat_minor).toBe(2);
    expect(doc.cells[0]!.metadata).toEqual({});
    expect(doc.cells[0]!.id).toBeUndefined(); // ids are the file's to have (nbformat 4.5+), not invented on read
    expect(doc.cells[2]!.source).toBe("line 1\nline 2");
    const file = JSON.parse(serializeNotebook(doc)) as { cells: Record<string, unknown>[] };
    expect(file.cells[0]!.source).toEqual(["## Notes\n", "Plain text, one string."]);
    expect(file.cells[1]!.source).toEqual(['console.log("a");\n', 'console.log("b");\n']);
    expect((file.cells[1]!.outputs as Record<string, unknown>[])[0]!.text).toEqual(["a\n", "b\n"]);
    // MIME strings stay strings (nbformat accepts both forms).
    expect((file.cells[1]!.outputs as Record<string, unknown>[])[1]!.data).toEqual({ "text/plain": "one line", "text/html": "<b>bold</b>\n<i>it</i>" });
    expect(file.cells[1]!["x-unknown-cell-field"]).toEqual([1, { deep: "value" }]);
    expect((JSON.parse(serializeNotebook(doc)) as Record<string, unknown>)["x-top"]).toEqual({ kept: true });
  });

  it("keeps the keys in the order they were in", () => {
    const written = serializeNotebook(parseNotebook(HAND_WRITTEN));
    expect(Object.keys(JSON.parse(written) as object)).toEqual(["nbformat_minor", "cells", "metadata", "nbformat", "x-top"]);
    const cell = (JSON.parse(written) as { cells: object[] }).cells[1]!;
    expect(Object.keys(cell)).toEqual(["cell_type", "source", "outputs", "execution_count", "metadata", "x-unknown-cell-field"]);
    expect(Object.keys((cell as { outputs: object[] }).outputs[0]!)).toEqual(["text", "output_type", "name"]);
  });

  it("a code cell without outputs or execution_count reads as not run", () => {
    const doc = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: "1 + 1" }] }));
    expect(doc.cells[0]).toEqual({ cell_type: "code", source: "1 + 1", metadata: {}, outputs: [], execution_count: null });
  });
});

describe("serializeNotebook", () => {
  it("writes one-space indented JSON with a final newline", () => {
    const text = serializeNotebook(newNotebook([{ cell_type: "code", source: "1" }]));
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toMatch(/^ "cells": \[$/);
  });

  it("splits source into lines that keep their newline; an empty source is no lines", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("a")).toEqual(["a"]);
    expect(splitLines("a\n")).toEqual(["a\n"]);
    expect(splitLines("a\n\nb")).toEqual(["a\n", "\n", "b"]);
    expect(splitLines("a\r\nb\r\n")).toEqual(["a\r\n", "b\r\n"]);
  });

  it("never writes transient (display ids), and does not change the document it is given", () => {
    const doc = newNotebook([{ cell_type: "code", source: "show()" }]);
    const outputs: CellOutput[] = [
      { output_type: "display_data", data: { "text/plain": "50%" }, metadata: {}, transient: { display_id: "aibt-progress-1" } },
      { output_type: "stream", name: "stdout", text: "done\nall\n" },
    ];
    doc.cells[0]!.outputs = outputs;
    doc.cells[0]!.execution_count = 3;
    const before = deepCopy(doc);
    const text = serializeNotebook(doc);
    expect(text).not.toContain("transient");
    expect(text).not.toContain("aibt-progress-1");
    expect(doc).toEqual(before);
    const back = parseNotebook(text);
    expect(back.cells[0]!.outputs).toEqual([
      { output_type: "display_data", data: { "text/plain": "50%" }, metadata: {} },
      { output_type: "stream", name: "stdout", text: "done\nall\n" },
    ]);
  });

  it("a transient field in a file is dropped on read", () => {
    const text = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: "code", id: "a", metadata: {}, source: "", execution_count: 1, outputs: [{ output_type: "display_data", data: {}, metadata: {}, transient: { display_id: "x" } }] }],
    });
    expect(parseNotebook(text).cells[0]!.outputs).toEqual([{ output_type: "display_data", data: {}, metadata: {} }]);
  });

  it("a code cell built in code without outputs still gets what nbformat requires", () => {
    const doc: NotebookDocument = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: "1", metadata: {} }] };
    const cell = (JSON.parse(serializeNotebook(doc)) as { cells: Record<string, unknown>[] }).cells[0]!;
    expect(cell).toEqual({ cell_type: "code", source: ["1"], metadata: {}, outputs: [], execution_count: null });
  });
});

describe("newNotebook", () => {
  it("is an empty nbformat 4.5 notebook for the tslab TypeScript kernel", () => {
    const doc = newNotebook();
    expect(doc).toMatchObject({ nbformat: 4, nbformat_minor: 5, cells: [] });
    expect(doc.metadata.kernelspec).toEqual({ name: "tslab", display_name: "TypeScript", language: "typescript" });
    expect(doc.metadata.language_info).toMatchObject({ name: "typescript", file_extension: ".ts", mimetype: "text/typescript" });
    const text = serializeNotebook(doc);
    expect(parseNotebook(text)).toEqual(doc);
    // Keys sorted as Jupyter writes them, so Jupyter saving the file changes nothing.
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["cells", "metadata", "nbformat", "nbformat_minor"]);
  });

  it("gives cells unique Jupyter-style ids; code cells start not run", () => {
    const doc = newNotebook([
      { cell_type: "markdown", source: "# Title" },
      { cell_type: "code", source: "const x = 1;", metadata: { tags: ["setup"] } },
      { cell_type: "raw", source: "" },
    ]);
    const ids = doc.cells.map((cell) => cell.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(new Set(ids).size).toBe(3);
    expect(doc.cells[0]).toEqual({ cell_type: "markdown", id: ids[0], metadata: {}, source: "# Title" });
    expect(doc.cells[1]).toEqual({ cell_type: "code", execution_count: null, id: ids[1], metadata: { tags: ["setup"] }, outputs: [], source: "const x = 1;" });
    expect(parseNotebook(serializeNotebook(doc))).toEqual(doc);
  });
});

describe("odd but valid JSON", () => {
  it("a __proto__ key stays a plain field through a read and a write", () => {
    const text = '{"cells": [{"cell_type": "raw", "source": "", "metadata": {}, "__proto__": {"polluted": true}}], "metadata": {"__proto__": {"polluted": true}}, "nbformat": 4, "nbformat_minor": 5}';
    const doc = parseNotebook(text);
    expect(Object.keys(doc.metadata)).toEqual(["__proto__"]);
    const written = serializeNotebook(doc);
    expect(written.match(/"__proto__": \{/g)).toHaveLength(2);
    expect(Object.keys(doc.cells[0]!)).toContain("__proto__");
    expect(parseNotebook(written)).toEqual(doc);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
