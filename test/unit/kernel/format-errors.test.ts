// Malformed notebook files: every one is an InputError that names what is wrong, the file, the line and
// the field. A broken file must never read as an empty notebook (saving it would wipe the user's work).
import { describe, expect, it } from "vitest";
import { parseNotebook } from "../../../kernel/notebook-format";
import { InputError } from "../../../src/errors";

const FILE = "research.aibtnb";

function caught(text: string): InputError {
  try {
    parseNotebook(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`parseNotebook accepted ${JSON.stringify(text.slice(0, 200))}`);
}

/** The 1-based line of the first (or nth) occurrence of `needle`. */
function lineOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`no ${needle} in the fixture`);
  }
  return text.slice(0, at).split("\n").length;
}

/** Checks the error's location and that its one-line message names the problem (case-insensitive keywords). */
function expectError(text: string, expected: { line?: number; field?: string; words: string[] }): InputError {
  const error = caught(text);
  expect(error.where.file).toBe(FILE);
  if (expected.line !== undefined) expect(error.where.line, error.message).toBe(expected.line);
  if (expected.field !== undefined) expect(error.where.field, error.message).toBe(expected.field);
  expect(error.message).not.toContain("\n");
  expect(error.message.startsWith(`${FILE}, `)).toBe(true);
  for (const word of expected.words) expect(error.message.toLowerCase(), error.message).toContain(word.toLowerCase());
  return error;
}

/** A notebook in Jupyter's layout (one-space indent), so that lines mean something. */
function notebook(cells: unknown[], top: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5, ...top }, null, 1)}\n`;
}

const GOOD_CODE = { cell_type: "code", execution_count: null, id: "c1", metadata: {}, outputs: [], source: ["1 + 1"] };
const GOOD_MARKDOWN = { cell_type: "markdown", id: "m1", metadata: {}, source: "# Title" };

function withOutput(output: unknown): string {
  return notebook([GOOD_MARKDOWN, { ...GOOD_CODE, execution_count: 1, outputs: [{ output_type: "stream", name: "stdout", text: ["ok\n"] }, output] }]);
}

describe("files that are not JSON", () => {
  it("a missing comma: the line, the column and what was expected", () => {
    const text = '{\n "cells": [],\n "metadata": {}\n "nbformat": 4\n}\n';
    const error = expectError(text, { line: 4, words: ["not valid JSON", "column 2", 'expected "," or "}"'] });
    expect(error.where.field).toBeUndefined();
  });

  it("a trailing comma", () => {
    expectError('{\n "cells": [\n  1,\n ],\n "nbformat": 4\n}', { line: 4, words: ["not valid JSON", "column 2", "trailing comma"] });
    expectError('{\n "nbformat": 4,\n}', { line: 3, words: ["trailing comma"] });
  });

  it("a string never closed, a raw line break in a string, a bad escape", () => {
    expectError('{\n "nbformat": 4,\n "cells": ["abc\n', { line: 3, words: ["line break inside a string"] });
    expectError('{\n "nbformat": 4,\n "cells": ["abc', { line: 3, words: ["never closed", "column 12"] });
    expectError('{\n "a": "\\x"\n}', { line: 2, words: ["invalid escape \\x"] });
  });

  it("an empty file, a truncated file, text after the notebook", () => {
    expectError("", { line: 1, words: ["not valid JSON", "empty"] });
    expectError("   \n\n", { words: ["empty"] });
    const full = notebook([GOOD_CODE]);
    const truncated = full.split("\n").slice(0, 6).join("\n"); // cut between two fields
    expectError(truncated, { line: truncated.split("\n").length, words: ["not valid JSON", "end of the file"] });
    expectError(`${full}{}\n`, { line: full.split("\n").length, words: ["after the end of the JSON value"] });
  });

  it("not JSON at all (a Python notebook script, unquoted keys, single quotes)", () => {
    expectError("# %%\nprint('hi')\n", { line: 1, words: ["expected a value", "column 1"] });
    expectError("{\n  nbformat: 4\n}", { line: 2, words: ["property name in double quotes"] });
    expectError("{\n \"cells\": ['a']\n}", { line: 2, words: ["expected a value, found ''a''"] });
  });
});

describe("JSON that is not an nbformat 4 notebook", () => {
  it("not an object", () => {
    expectError("[]\n", { line: 1, words: ["holds an array, not a notebook object"] });
    expectError("null", { words: ["holds null"] });
    expectError('"notebook"', { words: ['the string "notebook"'] });
    expectError("42", { words: ["number 42"] });
  });

  it("no nbformat, or not 4", () => {
    expectError('{\n "cells": []\n}', { line: 1, words: ['no "nbformat" field'] });
    const v3 = JSON.stringify({ metadata: {}, nbformat: 3, nbformat_minor: 0, worksheets: [{ cells: [] }] }, null, 1);
    expectError(v3, { line: lineOf(v3, '"nbformat"'), field: "nbformat", words: ["nbformat is number 3", "nbformat 4", "nbconvert"] });
    expectError('{"nbformat": "4", "cells": []}', { field: "nbformat", words: ['the string "4"'] });
  });

  it("nbformat_minor not a whole number", () => {
    const text = notebook([], { nbformat_minor: 4.5 });
    expectError(text, { line: lineOf(text, '"nbformat_minor"'), field: "nbformat_minor", words: ["nbformat_minor is number 4.5"] });
    expectError(notebook([], { nbformat_minor: "5" }), { field: "nbformat_minor", words: ["not a whole number"] });
  });

  it("metadata not an object", () => {
    const text = notebook([], { metadata: [] });
    expectError(text, { line: lineOf(text, '"metadata"'), field: "metadata", words: ["the notebook's metadata is an array, not an object"] });
  });

  it("cells missing or not an array: never an empty notebook", () => {
    const missing = JSON.stringify({ metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
    expectError(missing, { line: 1, words: ['no "cells" array'] });
    const object = notebook([], { cells: { 0: GOOD_CODE } });
    expectError(object, { line: lineOf(object, '"cells"'), field: "cells", words: ['"cells" is an object, not an array'] });
    expectError(notebook([], { cells: null }), { field: "cells", words: ["null, not an array"] });
  });
});

describe("malformed cells", () => {
  it("a cell that is not an object", () => {
    const text = notebook([GOOD_MARKDOWN, "print(1)"]);
    expectError(text, { line: lineOf(text, '"print(1)"'), field: "cells[1]", words: ["cell 2 is the string", "not a cell object"] });
  });

  it("no cell_type, or an unknown one", () => {
    const none = notebook([GOOD_MARKDOWN, { id: "x", metadata: {}, source: "1" }]);
    expectError(none, { line: lineOf(none, '"id": "x"') - 1, field: "cells[1].cell_type", words: ["cell 2 has no cell_type", '"code", "markdown" or "raw"'] });
    const heading = notebook([GOOD_MARKDOWN, { cell_type: "heading", level: 1, metadata: {}, source: "Title" }]);
    expectError(heading, { line: lineOf(heading, '"heading"'), field: "cells[1].cell_type", words: ['cell 2\'s cell_type is the string "heading"'] });
  });

  it("no source, or a source that is neither a string nor an array of strings", () => {
    const none = notebook([GOOD_MARKDOWN, { cell_type: "code", metadata: {}, outputs: [] }]);
    expectError(none, { field: "cells[1].source", words: ["cell 2 has no source"] });
    expect(caught(none).where.line).toBe(lineOf(none, '"cell_type": "code"') - 1); // the cell itself: its source is nowhere
    const number = notebook([{ ...GOOD_CODE, source: 42 }]);
    expectError(number, { line: lineOf(number, '"source"'), field: "cells[0].source", words: ["cell 1's source is number 42", "array of strings"] });
    const mixed = notebook([GOOD_MARKDOWN, { ...GOOD_CODE, source: ["a\n", "b\n", null] }]);
    expectError(mixed, { line: lineOf(mixed, "    null"), field: "cells[1].source[2]", words: ["cell 2's source has null in line 3"] });
  });

  it("metadata, attachments and id of the wrong shape", () => {
    const metadata = notebook([{ ...GOOD_CODE, metadata: "none" }]);
    expectError(metadata, { line: lineOf(metadata, '"metadata": "none"'), field: "cells[0].metadata", words: ["cell 1's metadata is the string"] });
    const attachments = notebook([{ ...GOOD_MARKDOWN, attachments: ["img.png"] }]);
    expectError(attachments, { line: lineOf(attachments, '"attachments"'), field: "cells[0].attachments", words: ["attachments are an array, not an object"] });
    const id = notebook([{ ...GOOD_CODE, id: 7 }]);
    expectError(id, { line: lineOf(id, '"id"'), field: "cells[0].id", words: ["cell 1's id is number 7"] });
    const empty = notebook([{ ...GOOD_CODE, id: "" }]);
    expectError(empty, { field: "cells[0].id", words: ["not a non-empty string"] });
  });

  it("two cells with the same id", () => {
    const text = notebook([GOOD_CODE, GOOD_MARKDOWN, { ...GOOD_CODE }]);
    expectError(text, { line: lineOf(text, '"id": "c1"', 1), field: "cells[2].id", words: ['cell 3\'s id "c1" is also cell 1\'s', "unique"] });
  });

  it("outputs not an array, a bad execution_count", () => {
    const outputs = notebook([GOOD_MARKDOWN, { ...GOOD_CODE, outputs: { output_type: "stream" } }]);
    expectError(outputs, { line: lineOf(outputs, '"outputs"'), field: "cells[1].outputs", words: ["cell 2's outputs are an object, not an array"] });
    expectError(notebook([{ ...GOOD_CODE, outputs: "none" }]), { field: "cells[0].outputs", words: ["not an array"] });
    const count = notebook([{ ...GOOD_CODE, execution_count: -1 }]);
    expectError(count, { line: lineOf(count, '"execution_count"'), field: "cells[0].execution_count", words: ["execution_count is number -1"] });
    expectError(notebook([{ ...GOOD_CODE, execution_count: "1" }]), { field: "cells[0].execution_count", words: ['the string "1"'] });
  });
});

describe("malformed outputs", () => {
  it("an output that is not an object, or of no known output_type", () => {
    const text = withOutput("ok");
    expectError(text, { line: lineOf(text, '"ok"'), field: "cells[1].outputs[1]", words: ["cell 2's output 2 is the string", "not an output object"] });
    const none = withOutput({ name: "stdout", text: "x" });
    expectError(none, { field: "cells[1].outputs[1].output_type", words: ["output 2 has no output_type", '"stream", "display_data", "execute_result", "error"'] });
    const pyout = withOutput({ output_type: "pyout", data: {} });
    expectError(pyout, { line: lineOf(pyout, '"pyout"'), field: "cells[1].outputs[1].output_type", words: ['output_type the string "pyout"'] });
  });

  it("a stream without a name or a text, or with text of the wrong type", () => {
    expectError(withOutput({ output_type: "stream", text: "x" }), { field: "cells[1].outputs[1].name", words: ["(a stream) has no name", "stdout"] });
    expectError(withOutput({ output_type: "stream", name: "stdout" }), { field: "cells[1].outputs[1].text", words: ["(a stream) has no text"] });
    const text = withOutput({ output_type: "stream", name: "stderr", text: 3 });
    expectError(text, { line: lineOf(text, '"text": 3'), field: "cells[1].outputs[1].text", words: ["cell 2's output 2's text is number 3"] });
    const lines = withOutput({ output_type: "stream", name: "stderr", text: ["a\n", {}] });
    expectError(lines, { field: "cells[1].outputs[1].text[1]", words: ["has an object in line 2"] });
  });

  it("display_data and execute_result without a MIME bundle, or with a bad count or metadata", () => {
    expectError(withOutput({ output_type: "display_data", metadata: {} }), { field: "cells[1].outputs[1].data", words: ["output 2 has no data"] });
    const data = withOutput({ output_type: "execute_result", execution_count: 1, data: "42", metadata: {} });
    expectError(data, { line: lineOf(data, '"data": "42"'), field: "cells[1].outputs[1].data", words: ['data the string "42", not a MIME bundle object'] });
    expectError(withOutput({ output_type: "execute_result", data: {}, metadata: {} }), { field: "cells[1].outputs[1].execution_count", words: ["(an execute_result) has no execution_count"] });
    expectError(withOutput({ output_type: "execute_result", execution_count: 1.5, data: {}, metadata: {} }), { words: ["execution_count number 1.5"] });
    expectError(withOutput({ output_type: "display_data", data: {}, metadata: 1 }), { field: "cells[1].outputs[1].metadata", words: ["output 2's metadata is number 1, not an object"] });
  });

  it("an error output without ename, evalue or a traceback of strings", () => {
    expectError(withOutput({ output_type: "error", evalue: "x", traceback: [] }), { field: "cells[1].outputs[1].ename", words: ["(an error) has no ename"] });
    expectError(withOutput({ output_type: "error", ename: "E", evalue: 1, traceback: [] }), { field: "cells[1].outputs[1].evalue", words: ["evalue number 1, not a string"] });
    const traceback = withOutput({ output_type: "error", ename: "E", evalue: "x", traceback: "E: x" });
    expectError(traceback, { line: lineOf(traceback, '"traceback"'), field: "cells[1].outputs[1].traceback", words: ["traceback the string", "not an array of strings"] });
    expectError(withOutput({ output_type: "error", ename: "E", evalue: "x", traceback: [1] }), { words: ["not an array of strings"] });
  });

  it("the message reads as one line: file, line, field, problem, fix", () => {
    const text = notebook([GOOD_MARKDOWN, { ...GOOD_CODE, source: 42 }]);
    expect(caught(text).message).toBe(
      `${FILE}, line ${lineOf(text, '"source": 42')}, field "cells[1].source": cell 2's source is number 42. Write it as a string or as an array of strings (nbformat's lines, each ending in "\\n")`,
    );
  });

  it("without a file name the message starts at the line", () => {
    let message = "";
    try {
      parseNotebook("[]");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^line 1: the file holds an array/);
  });
});
