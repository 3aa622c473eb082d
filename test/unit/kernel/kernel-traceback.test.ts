// tslab's error text into nbformat errors with the cell's own lines. The compiled code and error texts
// are what tslab 1.0.22 produced for these cells (captured from its executor).
import { describe, expect, it } from "vitest";
import { alignLines, compileError, isInterruption, runtimeError, type CompiledCell } from "../../../kernel/jupyter/traceback";

const BOOK_SOURCE = `import * as path from "path";
import { readFileSync } from "fs";

enum Side { Buy, Sell }

class Book {
  private orders: number[] = [];
  add(n: number): void {
    if (n < 0) throw new Error("negative");
    this.orders.push(n);
  }
}

const b = new Book();
b.add(1);
b.add(-1);`;

const BOOK_COMPILED = [
  "(function(exports, require) { var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {",
  "    if (k2 === undefined) k2 = k;",
  "    var desc = Object.getOwnPropertyDescriptor(m, k);",
  '    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {',
  "      desc = { enumerable: true, get: function() { return m[k]; } };",
  "    }",
  "    Object.defineProperty(o, k2, desc);",
  "}) : (function(o, m, k, k2) {",
  "    if (k2 === undefined) k2 = k;",
  "    o[k2] = m[k];",
  "}));",
  "var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {",
  '    Object.defineProperty(o, "default", { enumerable: true, value: v });',
  "}) : function(o, v) {",
  '    o["default"] = v;',
  "});",
  "var __importStar = (this && this.__importStar) || function (mod) {",
  "    if (mod && mod.__esModule) return mod;",
  "    var result = {};",
  '    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);',
  "    __setModuleDefault(result, mod);",
  "    return result;",
  "};",
  'Object.defineProperty(exports, "__esModule", { value: true });',
  "exports.b = exports.Book = exports.Side = exports.readFileSync = exports.path = exports.tsLastExpr = void 0;",
  'const path = __importStar(require("path"));',
  "exports.path = path;",
  'const fs_1 = require("fs");',
  'Object.defineProperty(exports, "readFileSync", { enumerable: true, get: function () { return fs_1.readFileSync; } });',
  "var Side;",
  "exports.Side = Side;",
  "(function (Side) {",
  '    Side[Side["Buy"] = 0] = "Buy";',
  '    Side[Side["Sell"] = 1] = "Sell";',
  "})(Side || (exports.Side = Side = {}));",
  "class Book {",
  "    orders = [];",
  "    add(n) {",
  "        if (n < 0)",
  '            throw new Error("negative");',
  "        this.orders.push(n);",
  "    }",
  "}",
  "exports.Book = Book;",
  "const b = new Book();",
  "exports.b = b;",
  "b.add(1);",
  "exports.tsLastExpr = b.add(-1);",
  "",
  "})(__tslab__.exports, __tslab__.require)",
].join("\n");

const BOOK_ERROR = `tslab-cell-1:40
            throw new Error("negative");
            ^

Error: negative
    at Book.add (tslab-cell-1:40:19)
    at tslab-cell-1:48:24
    at tslab-cell-1:50:3
    at Script.runInThisContext (node:vm:137:12)
    at Object.runInThisContext (node:vm:317:38)
    at vm.runInThisContext (/tmp/aibt-tslab-WGfnkX/aibt-kernel-preload.cjs:81:29)
    at Object.execute (/work/main/node_modules/tslab/dist/executor.js:160:38)
`;

const book: CompiledCell = { source: BOOK_SOURCE, compiled: BOOK_COMPILED, label: "<cell 7>" };

describe("mapping compiled lines back to the cell", () => {
  it("aligns every statement line with its source line and leaves tslab's additions unmapped", () => {
    const lines = alignLines(BOOK_SOURCE, BOOK_COMPILED);
    const mapped = (compiledLine: number) => lines[compiledLine - 1];
    // Import helpers, __esModule, export bookkeeping and the wrapper's last line map nowhere.
    for (const line of [1, 2, 6, 11, 17, 23, 24, 25, 27, 44, 46, 49, 50]) expect(mapped(line), `compiled line ${line}`).toBeUndefined();
    expect(mapped(26)).toBe(0); // import * as path
    expect(mapped(28)).toBe(1); // import { readFileSync } from "fs"
    expect(mapped(36)).toBe(5); // class Book
    expect(mapped(38)).toBe(7); // add(n)
    expect(mapped(39)).toBe(8); // if (n < 0)        <- one source line split in two
    expect(mapped(40)).toBe(8); //     throw new Error
    expect(mapped(41)).toBe(9); // this.orders.push
    expect(mapped(42)).toBe(10); // }
    expect(mapped(43)).toBe(11); // }
    expect(mapped(45)).toBe(13); // const b
    expect(mapped(47)).toBe(14); // b.add(1)
    expect(mapped(48)).toBe(15); // exports.tsLastExpr = b.add(-1)
  });

  it("drops blank lines and type-only lines of the source", () => {
    const source = "interface P { a: number }\nconst x: number = 1;\n\n// comment\nfunction f(p: P) {\n  return p.a;\n}\nf({a: 2})";
    const compiled = [
      '(function(exports, require) { Object.defineProperty(exports, "__esModule", { value: true });',
      "exports.x = exports.f = exports.tsLastExpr = void 0;",
      "const x = 1;",
      "exports.x = x;",
      "// comment",
      "function f(p) {",
      "    return p.a;",
      "}",
      "exports.f = f;",
      "exports.tsLastExpr = f({ a: 2 });",
      "",
      "})(__tslab__.exports, __tslab__.require)",
    ].join("\n");
    expect(alignLines(source, compiled)).toEqual([undefined, undefined, 1, undefined, 3, 4, 5, 6, undefined, 7, undefined, undefined]);
  });
});

describe("runtime errors", () => {
  it("keeps the message and the cell's frames at the cell's own lines and columns", () => {
    expect(runtimeError(BOOK_ERROR, (file) => (file === "tslab-cell-1" ? book : undefined))).toEqual({
      ename: "Error",
      evalue: "negative",
      traceback: ["Error: negative", "    at Book.add (<cell 7>:9:22)", "    at <cell 7>:16:3"],
    });
  });

  it("maps frames of functions defined by earlier cells with those cells, and drops tslab's exports proxy", () => {
    const earlier: CompiledCell = {
      source: "function bad(n: number) {\n\n  throw new RangeError('bad ' + n);\n}",
      compiled: '(function(exports, require) { Object.defineProperty(exports, "__esModule", { value: true });\nexports.bad = void 0;\nfunction bad(n) {\n    throw new RangeError(\'bad \' + n);\n}\nexports.bad = bad;\n\n})(__tslab__.exports, __tslab__.require)',
      label: "<cell 1>",
    };
    const current: CompiledCell = {
      source: "const q = 1;\nawait Promise.resolve();\nbad(q)",
      compiled: '(async function(exports, require) { Object.defineProperty(exports, "__esModule", { value: true });\nconst q = 1;\nawait Promise.resolve();\nexports.bad(q);\n\n})(__tslab__.exports, __tslab__.require)',
      label: "<cell 2>",
    };
    const text = [
      "RangeError: bad 1",
      "    at Proxy.bad (tslab-cell-1:4:11)",
      "    at tslab-cell-2:4:9",
      "    at async Object.execute (/repo/node_modules/tslab/dist/executor.js:173:17)",
    ].join("\n");
    const cells = new Map([
      ["tslab-cell-1", earlier],
      ["tslab-cell-2", current],
    ]);
    expect(runtimeError(text, (file) => cells.get(file)).traceback).toEqual(["RangeError: bad 1", "    at bad (<cell 1>:3:9)", "    at <cell 2>:3:1"]);
  });

  it("keeps library frames, own properties, multi-line messages and unknown cells as they are", () => {
    const text = [
      "InputError: prices.csv, line 3: a NaN price.",
      "Fix the file.",
      "    at parse (/repo/dist/engine.js:10:5)",
      "    at tslab-cell-9:3:1",
      "    at node:internal/process/task_queues:95:5 {",
      "  problem: 'a NaN price',",
      "  where: { file: 'prices.csv', line: 3 }",
      "}",
    ].join("\n");
    expect(runtimeError(text, () => undefined)).toEqual({
      ename: "InputError",
      evalue: "prices.csv, line 3: a NaN price.\nFix the file.",
      traceback: [
        "InputError: prices.csv, line 3: a NaN price.",
        "Fix the file.",
        "    at parse (/repo/dist/engine.js:10:5)",
        "    at tslab-cell-9:3:1",
        "{",
        "  problem: 'a NaN price',",
        "  where: { file: 'prices.csv', line: 3 }",
        "}",
      ],
    });
  });

  it("names thrown values that are not errors", () => {
    expect(runtimeError("str\n", () => undefined)).toEqual({ ename: "Error", evalue: "str", traceback: ["str"] });
    expect(runtimeError("[TypeError: no stack]\n", () => undefined)).toEqual({ ename: "TypeError", evalue: "no stack", traceback: ["[TypeError: no stack]"] });
    expect(runtimeError("{ code: 42 }\n", () => undefined).ename).toBe("Error");
  });

  it("recognises what an interrupt produces", () => {
    expect(isInterruption("Error: Script execution was interrupted by `SIGINT`\n    at ... {\n  code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED'\n}")).toBe(true);
    expect(isInterruption("Error: Interrupted asynchronously\n    at Object.<anonymous> (/x/tslab/dist/executor.js:87:19)")).toBe(true);
    expect(isInterruption("Error: boom")).toBe(false);
  });
});

describe("compile errors", () => {
  it("keep tslab's line:column positions, which are the cell's", () => {
    expect(compileError(["1:5 - Type 'string' is not assignable to type 'number'.\n", "2:13 - Cannot find name 'nope'.\n"])).toEqual({
      ename: "CompileError",
      evalue: "1:5 - Type 'string' is not assignable to type 'number'.\n2:13 - Cannot find name 'nope'.",
      traceback: ["1:5 - Type 'string' is not assignable to type 'number'.", "2:13 - Cannot find name 'nope'."],
    });
  });
});
