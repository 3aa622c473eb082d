/**
 * The `.aibtnb` notebook file: nbformat 4 JSON with the tslab (TypeScript) kernelspec, so a copy renamed
 * to `.ipynb` opens in Jupyter. Reading is strict (a malformed file is an InputError naming the line and
 * the field, never an empty notebook) and lossless: fields AIBT does not know are kept where they were.
 */
import { randomBytes } from "node:crypto";
import { InputError } from "../src/errors";
import type { CellOutput } from "./jupyter/kernel";

export type { CellOutput };

export type CellType = "code" | "markdown" | "raw";

/** One cell. `source` is always one string in memory; files may hold it as nbformat's array of lines. */
export interface NotebookCell {
  cell_type: CellType;
  id?: string;
  source: string;
  metadata: Record<string, unknown>;
  outputs?: CellOutput[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
  [unknown: string]: unknown;
}

export interface NotebookDocument {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
  [unknown: string]: unknown;
}

/** What `newNotebook` takes for each cell. */
export interface NewCell {
  cell_type: CellType;
  source: string;
  metadata?: Record<string, unknown>;
}

export const NOTEBOOK_EXTENSION = ".aibtnb";

/** nbformat 4.5: the first minor version with cell ids. */
const NBFORMAT_MINOR = 5;

const CELL_TYPES: readonly string[] = ["code", "markdown", "raw"];
const OUTPUT_TYPES: readonly string[] = ["stream", "display_data", "execute_result", "error"];

const KERNELSPEC = { display_name: "TypeScript", language: "typescript", name: "tslab" };
// What tslab's kernel_info reports (less its fixed, meaningless version), so Jupyter highlights cells.
const LANGUAGE_INFO = {
  codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
  file_extension: ".ts",
  mimetype: "text/typescript",
  name: "typescript",
};

/** An empty (or given) TypeScript notebook, with keys in the order Jupyter writes them. */
export function newNotebook(cells: NewCell[] = []): NotebookDocument {
  return {
    cells: cells.map(newCell),
    metadata: { kernelspec: { ...KERNELSPEC }, language_info: structuredClone(LANGUAGE_INFO) },
    nbformat: 4,
    nbformat_minor: NBFORMAT_MINOR,
  };
}

export function newCell(cell: NewCell): NotebookCell {
  const id = newCellId();
  const metadata = { ...(cell.metadata ?? {}) };
  if (cell.cell_type === "code") return { cell_type: "code", execution_count: null, id, metadata, outputs: [], source: cell.source };
  return { cell_type: cell.cell_type, id, metadata, source: cell.source };
}

/** Jupyter's own form of id: eight hex digits. */
export function newCellId(): string {
  return randomBytes(4).toString("hex");
}

/**
 * Reads a notebook file's text. Missing optional parts are filled in (metadata `{}`, a code cell's
 * `outputs: []` and `execution_count: null`); anything present with the wrong shape is an InputError.
 */
export function parseNotebook(text: string, file?: string): NotebookDocument {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    const { offset, problem } = findSyntaxError(body);
    const { line, column } = lineAndColumn(body, offset);
    throw new InputError(`not valid JSON at column ${column}: ${problem}`, "A notebook file is nbformat 4 JSON: fix the JSON there", { ...(file !== undefined ? { file } : {}), line });
  }
  return new NotebookReader(body, file).read(raw);
}

/**
 * The file's text: nbformat JSON indented by one space like Jupyter writes it, with a final newline.
 * Keys stay in the order they are in; `source` and stream `text` are written as arrays of lines;
 * `transient` (display ids, which nbformat forbids in files) is left out.
 */
export function serializeNotebook(doc: NotebookDocument): string {
  const file: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) put(file, key, key === "cells" && Array.isArray(value) ? value.map(cellForFile) : value);
  return `${JSON.stringify(file, null, 1)}\n`;
}

/** nbformat's "multiline string": lines each keeping their "\n"; an empty string is no lines. */
export function splitLines(text: string): string[] {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

function cellForFile(cell: NotebookCell): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(cell)) {
    if (key === "source") put(out, key, typeof value === "string" ? splitLines(value) : value);
    else if (key === "outputs" && Array.isArray(value)) put(out, key, value.map(outputForFile));
    else put(out, key, value);
  }
  // A cell built in code may lack what nbformat requires; the file must still open in Jupyter.
  out.metadata ??= {};
  if (cell.cell_type === "code") {
    out.outputs ??= [];
    if (out.execution_count === undefined) out.execution_count = null;
  }
  return out;
}

/** Sets a key as an own field even when it is "__proto__" (JSON.parse makes such keys own fields too). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function outputForFile(output: CellOutput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(output)) {
    if (key === "transient") continue;
    put(out, key, key === "text" && output.output_type === "stream" && typeof value === "string" ? splitLines(value) : value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Reading and checking

type JsonPath = (string | number)[];
type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function fieldName(path: JsonPath): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

const MULTILINE_FIX = 'Write it as a string or as an array of strings (nbformat\'s lines, each ending in "\\n")';

class NotebookReader {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly file: string | undefined,
  ) {}

  read(raw: unknown): NotebookDocument {
    if (!isObject(raw)) this.fail([], `the file holds ${describe(raw)}, not a notebook object`, 'A notebook is a JSON object with "nbformat": 4 and a "cells" array');
    const nb = raw;
    if (!(Object.hasOwn(nb, "nbformat"))) this.fail(["nbformat"], 'not a Jupyter notebook: no "nbformat" field', 'A notebook is a JSON object with "nbformat": 4, "nbformat_minor", "metadata" and "cells"');
    if (nb.nbformat !== 4) {
      this.fail(["nbformat"], `nbformat is ${describe(nb.nbformat)}; AIBT reads nbformat 4 notebooks`, "Convert it with `jupyter nbconvert --to notebook --nbformat 4 FILE`");
    }
    if (!(Object.hasOwn(nb, "nbformat_minor"))) nb.nbformat_minor = 0; // as nbformat itself reads a file without it
    else if (!Number.isInteger(nb.nbformat_minor) || (nb.nbformat_minor as number) < 0) {
      this.fail(["nbformat_minor"], `nbformat_minor is ${describe(nb.nbformat_minor)}, not a whole number`, 'Set it to the minor version, e.g. "nbformat_minor": 5');
    }
    this.optionalObject(nb, "metadata", [], "the notebook's metadata");
    if (!(Object.hasOwn(nb, "cells"))) this.fail(["cells"], 'the notebook has no "cells" array', 'Add "cells": [] (a list of cells)');
    if (!Array.isArray(nb.cells)) this.fail(["cells"], `"cells" is ${describe(nb.cells)}, not an array`, "Make it a list of cells");
    nb.cells.forEach((cell, index) => this.cell(cell, index));
    return nb as NotebookDocument;
  }

  private cell(cell: unknown, index: number): void {
    const path: JsonPath = ["cells", index];
    const name = `cell ${index + 1}`;
    if (!isObject(cell)) this.fail(path, `${name} is ${describe(cell)}, not a cell object`, 'A cell is an object with "cell_type", "metadata" and "source"');
    if (!(Object.hasOwn(cell, "cell_type"))) this.fail([...path, "cell_type"], `${name} has no cell_type`, 'Give it "cell_type": "code", "markdown" or "raw"');
    if (typeof cell.cell_type !== "string" || !CELL_TYPES.includes(cell.cell_type)) {
      this.fail([...path, "cell_type"], `${name}'s cell_type is ${describe(cell.cell_type)}`, 'Use "code", "markdown" or "raw"');
    }
    if (Object.hasOwn(cell, "id")) {
      if (typeof cell.id !== "string" || cell.id === "") this.fail([...path, "id"], `${name}'s id is ${describe(cell.id)}, not a non-empty string`, "Give it a unique id such as \"a1b2c3d4\", or remove the field");
      const first = this.ids.get(cell.id);
      if (first !== undefined) this.fail([...path, "id"], `${name}'s id "${cell.id}" is also cell ${first + 1}'s`, "Cell ids must be unique: change one of them");
      this.ids.set(cell.id, index);
    }
    if (!(Object.hasOwn(cell, "source"))) this.fail([...path, "source"], `${name} has no source`, `Add "source": its text. ${MULTILINE_FIX}`);
    cell.source = this.multiline(cell.source, [...path, "source"], `${name}'s source`);
    this.optionalObject(cell, "metadata", path, `${name}'s metadata`);
    if (Object.hasOwn(cell, "attachments") && !isObject(cell.attachments)) {
      this.fail([...path, "attachments"], `${name}'s attachments are ${describe(cell.attachments)}, not an object`, "Attachments map a file name to its MIME bundle");
    }
    if (cell.cell_type !== "code") return;
    if (!(Object.hasOwn(cell, "outputs"))) cell.outputs = [];
    else if (!Array.isArray(cell.outputs)) this.fail([...path, "outputs"], `${name}'s outputs are ${describe(cell.outputs)}, not an array`, 'Make "outputs" a list (empty for a cell not run)');
    if (!(Object.hasOwn(cell, "execution_count"))) cell.execution_count = null;
    else if (cell.execution_count !== null && !(Number.isInteger(cell.execution_count) && (cell.execution_count as number) >= 0)) {
      this.fail([...path, "execution_count"], `${name}'s execution_count is ${describe(cell.execution_count)}`, "It is a whole number, or null for a cell not run");
    }
    (cell.outputs as unknown[]).forEach((output, i) => this.output(output, [...path, "outputs", i], `${name}'s output ${i + 1}`));
  }

  private output(output: unknown, path: JsonPath, name: string): void {
    if (!isObject(output)) this.fail(path, `${name} is ${describe(output)}, not an output object`, 'An output is an object with an "output_type"');
    const type = output.output_type;
    if (typeof type !== "string" || !OUTPUT_TYPES.includes(type)) {
      this.fail([...path, "output_type"], type === undefined ? `${name} has no output_type` : `${name} has output_type ${describe(type)}`, `Use one of ${OUTPUT_TYPES.map((t) => `"${t}"`).join(", ")}`);
    }
    // A display id only routes updates while a kernel runs; nbformat forbids it in files.
    delete output.transient;
    switch (type) {
      case "stream":
        if (typeof output.name !== "string") this.fail([...path, "name"], `${name} (a stream) has ${output.name === undefined ? "no name" : `name ${describe(output.name)}`}`, 'Use "stdout" or "stderr"');
        if (!(Object.hasOwn(output, "text"))) this.fail([...path, "text"], `${name} (a stream) has no text`, MULTILINE_FIX);
        output.text = this.multiline(output.text, [...path, "text"], `${name}'s text`);
        return;
      case "execute_result":
        if (output.execution_count !== null && !(Number.isInteger(output.execution_count) && (output.execution_count as number) >= 0)) {
          this.fail([...path, "execution_count"], `${name} (an execute_result) has ${output.execution_count === undefined ? "no execution_count" : `execution_count ${describe(output.execution_count)}`}`, "It is a whole number, or null");
        }
        this.bundle(output, path, name);
        return;
      case "display_data":
        this.bundle(output, path, name);
        return;
      case "error":
        for (const key of ["ename", "evalue"]) {
          if (typeof output[key] !== "string") this.fail([...path, key], `${name} (an error) has ${output[key] === undefined ? `no ${key}` : `${key} ${describe(output[key])}, not a string`}`, `Give it "${key}": a string`);
        }
        if (!Array.isArray(output.traceback) || !output.traceback.every((line) => typeof line === "string")) {
          this.fail([...path, "traceback"], `${name} (an error) has ${output.traceback === undefined ? "no traceback" : `traceback ${describe(output.traceback)}, not an array of strings`}`, 'Give it "traceback": a list of lines');
        }
        return;
    }
  }

  /** A MIME bundle's values stay in the form the file has them (a string or an array of lines). */
  private bundle(output: JsonObject, path: JsonPath, name: string): void {
    if (!isObject(output.data)) this.fail([...path, "data"], `${name} has ${output.data === undefined ? "no data" : `data ${describe(output.data)}, not a MIME bundle object`}`, 'Give it "data": an object from MIME type to content');
    this.optionalObject(output, "metadata", path, `${name}'s metadata`);
  }

  private optionalObject(holder: JsonObject, key: string, path: JsonPath, name: string): void {
    if (!Object.hasOwn(holder, key)) holder[key] = {};
    else if (!isObject(holder[key])) this.fail([...path, key], `${name} is ${describe(holder[key])}, not an object`, `Make "${key}" an object ({} when empty)`);
  }

  private multiline(value: unknown, path: JsonPath, name: string): string {
    if (typeof value === "string") return value;
    if (Array.isArray(value)) {
      const bad = value.findIndex((line) => typeof line !== "string");
      if (bad < 0) return value.join("");
      this.fail([...path, bad], `${name} has ${describe(value[bad])} in line ${bad + 1}, not a string`, MULTILINE_FIX);
    }
    this.fail(path, `${name} is ${describe(value)}`, MULTILINE_FIX);
  }

  private fail(path: JsonPath, problem: string, fix: string): never {
    const where: { file?: string; line?: number; field?: string } = {};
    if (this.file !== undefined) where.file = this.file;
    const offset = offsetOfPath(this.text, path);
    if (offset !== undefined) where.line = lineAndColumn(this.text, offset).line;
    if (path.length > 0) where.field = fieldName(path);
    throw new InputError(problem, fix, where);
  }
}

// ---------------------------------------------------------------------------------------------------
// A small JSON scanner, used only after JSON.parse has said no or a check failed: it finds where the
// syntax breaks, or where a value sits, so the message can name the line (V8's messages vary by version
// and do not always carry a position).

class JsonSyntaxError {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {}
}

class JsonScanner {
  pos = 0;
  private readonly path: JsonPath = [];
  found: number | undefined;

  constructor(
    private readonly text: string,
    private readonly target?: JsonPath,
  ) {}

  document(): void {
    this.space();
    if (this.pos >= this.text.length) throw new JsonSyntaxError(this.pos, "the file is empty");
    this.value();
    this.space();
    if (this.pos < this.text.length) throw new JsonSyntaxError(this.pos, `unexpected ${this.shown()} after the end of the JSON value`);
  }

  private value(): void {
    if (this.found === undefined && this.target && samePath(this.path, this.target)) this.found = this.pos;
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    throw new JsonSyntaxError(this.pos, `expected a value, found ${this.shown()}`);
  }

  private object(): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') {
        const trailing = this.text[this.pos] === "}";
        throw new JsonSyntaxError(this.pos, trailing ? 'a comma before "}" (JSON allows no trailing comma)' : `expected a property name in double quotes, found ${this.shown()}`);
      }
      const start = this.pos;
      this.string();
      const key = JSON.parse(this.text.slice(start, this.pos)) as string;
      this.space();
      if (this.text[this.pos] !== ":") throw new JsonSyntaxError(this.pos, `expected ":" after the property name, found ${this.shown()}`);
      this.pos++;
      this.space();
      this.path.push(key);
      this.value();
      this.path.pop();
      this.space();
      const next = this.text[this.pos];
      if (next === "}") {
        this.pos++;
        return;
      }
      if (next !== ",") throw new JsonSyntaxError(this.pos, `expected "," or "}" after a property value, found ${this.shown()}`);
      this.pos++;
      this.space();
    }
  }

  private array(): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      if (this.text[this.pos] === "]") throw new JsonSyntaxError(this.pos, 'a comma before "]" (JSON allows no trailing comma)');
      this.path.push(index);
      this.value();
      this.path.pop();
      this.space();
      const next = this.text[this.pos];
      if (next === "]") {
        this.pos++;
        return;
      }
      if (next !== ",") throw new JsonSyntaxError(this.pos, `expected "," or "]" after an array element, found ${this.shown()}`);
      this.pos++;
      this.space();
    }
  }

  private string(): void {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) throw new JsonSyntaxError(start, "a string that is never closed");
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === "\n" || c === "\r") throw new JsonSyntaxError(this.pos, "a line break inside a string (write it as \\n)");
      if (c < " ") throw new JsonSyntaxError(this.pos, `a control character (U+${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}) inside a string`);
      if (c === "\\") {
        const e = this.text[this.pos + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) throw new JsonSyntaxError(this.pos, "a \\u escape without four hex digits");
          this.pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new JsonSyntaxError(this.pos, `an invalid escape ${e === undefined ? "\\" : `\\${e}`} in a string`);
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) throw new JsonSyntaxError(this.pos, `expected a number, found ${this.shown()}`);
    this.pos += match[0].length;
  }

  private space(): void {
    while (this.pos < this.text.length && " \t\n\r".includes(this.text[this.pos]!)) this.pos++;
  }

  private shown(): string {
    const c = this.text[this.pos];
    if (c === undefined) return "the end of the file";
    // The token there: a word, a quoted string (shortened) or one character.
    const rest = this.text.slice(this.pos, this.pos + 40).split(/[\r\n]/)[0]!;
    const token = /^[\w$.+-]+/.exec(rest)?.[0] ?? /^"(?:[^"\\]|\\.){0,20}"?/.exec(rest)?.[0] ?? /^[^\s,:\]}]{1,20}/.exec(rest)?.[0] ?? rest.slice(0, 1);
    return `'${token}'`;
  }
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function findSyntaxError(text: string): { offset: number; problem: string } {
  try {
    new JsonScanner(text).document();
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  // The scanner accepted what JSON.parse refused: only a document too deep for JSON.parse's stack.
  return { offset: 0, problem: "JSON.parse could not read it (nested too deeply?)" };
}

/** Where the value at `path` starts, or its nearest ancestor that exists (the text is valid JSON). */
function offsetOfPath(text: string, path: JsonPath): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const scanner = new JsonScanner(text, path.slice(0, length));
    try {
      scanner.document();
    } catch {
      return undefined;
    }
    if (scanner.found !== undefined) return scanner.found;
  }
  return undefined;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
