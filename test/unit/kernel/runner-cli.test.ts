// `aibt notebook run|new` through the REAL built command (dist/cli.js, built from kernel/cli.ts) and the
// real tslab kernel: outputs saved atomically, a failing cell is one line and exit 1 with nothing
// written, --allow-errors saves the error; every other command still reaches the engine's CLI.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NOTEBOOK_SUMMARY } from "../../../kernel/cli";
import { newNotebook, parseNotebook, serializeNotebook } from "../../../kernel/notebook-format";
import type { NewCell } from "../../../kernel/notebook-format";
import { repoRoot } from "../../shared-data";
import { expectInputError, runCli } from "../cli/cli-helpers";
import type { CliResult } from "../cli/cli-helpers";

// Inside the repository, so cells resolve `tslab` and `aibt/notebook` from its node_modules.
mkdirSync(path.join(repoRoot, "test-results"), { recursive: true });
const dir = mkdtempSync(path.join(repoRoot, "test-results", "cli-notebook-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KERNEL_TEST = { timeout: 120_000 };
const code = (source: string): NewCell => ({ cell_type: "code", source });

function write(name: string, cells: NewCell[]): { file: string; text: string } {
  const file = path.join(dir, name);
  const text = serializeNotebook(newNotebook(cells));
  writeFileSync(file, text);
  return { file, text };
}

/** A failing cell: exit 1, nothing on stdout, one line on stderr naming the cell and the error. */
function expectCellFailure(result: CliResult, pattern: RegExp): void {
  const shown = `stderr: ${JSON.stringify(result.stderr)}`;
  expect(result.status, shown).toBe(1);
  expect(result.stdout, shown).toBe("");
  expect(result.stderr, shown).toMatch(/^aibt: [^\n]+\n$/);
  expect(result.stderr, shown).not.toMatch(/internal error|\n\s+at /);
  expect(result.stderr, shown).toMatch(pattern);
}

/** No temp files of the atomic write left behind. */
function leftovers(): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(".tmp"));
}

describe("aibt notebook run", () => {
  it("runs every cell and saves the outputs in place", KERNEL_TEST, () => {
    const { file } = write("ok.aibtnb", [{ cell_type: "markdown", source: "# Title" }, code('console.log("hello from", process.cwd());'), code("21 * 2")]);
    const result = runCli(["notebook", "run", file], { cwd: repoRoot });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^ran 2 of 2 code cells in \\d+\\.\\d s; wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n$`));
    const doc = parseNotebook(readFileSync(file, "utf8"), file);
    // The kernel ran in the notebook's folder, not in the caller's.
    expect(doc.cells[1]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: `hello from ${dir}\n` }]);
    expect(doc.cells[1]!.execution_count).toBe(1);
    expect(doc.cells[2]!.outputs).toContainEqual(expect.objectContaining({ output_type: "execute_result", execution_count: 2 }));
    expect(readFileSync(file, "utf8")).toBe(serializeNotebook(doc)); // canonical form
    expect(leftovers()).toEqual([]);
  });

  it("--out writes elsewhere and leaves the notebook as it was", KERNEL_TEST, () => {
    const { file, text } = write("source.aibtnb", [code('console.log("x")')]);
    const out = path.join(dir, "executed.ipynb");
    const result = runCli(["notebook", "run", file, "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(parseNotebook(readFileSync(out, "utf8")).cells[0]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "x\n" }]);
  });

  it("a failing cell: one line naming the cell and the error, exit 1, nothing written", KERNEL_TEST, () => {
    const { file, text } = write("fails.aibtnb", [code("const a = 1;"), code('throw new RangeError("window must be positive\\nsecond line");'), code("a")]);
    const result = runCli(["notebook", "run", file]);
    expectCellFailure(result, /^aibt: .*fails\.aibtnb: cell 2 of 3 failed: RangeError: window must be positive\. Nothing was written.*--allow-errors/);
    expect(result.stderr).not.toContain("second line");
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(leftovers()).toEqual([]);
  });

  it("a compile error names the cell and the position in it", KERNEL_TEST, () => {
    const { file, text } = write("typo.aibtnb", [code("const closes = [1, 2];\nconsole.log(closez.length);")]);
    expectCellFailure(runCli(["notebook", "run", file]), /cell 1 of 1 failed: .*2:\d+ - Cannot find name 'closez'/);
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("--allow-errors runs on and saves the notebook with the error output", KERNEL_TEST, () => {
    const { file } = write("allowed.aibtnb", [code('throw new Error("boom")'), code('console.log("after")')]);
    const result = runCli(["notebook", "run", file, "--allow-errors"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ran 2 of 2 code cells in .*, 1 failed \(cell 1 of 2: Error: boom\); wrote /);
    const doc = parseNotebook(readFileSync(file, "utf8"));
    expect(doc.cells[0]!.outputs).toContainEqual(expect.objectContaining({ output_type: "error", ename: "Error", evalue: expect.stringContaining("boom") }));
    expect(doc.cells[1]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "after\n" }]);
  });

  it("a malformed notebook: one line with the line and field, nothing written, no kernel started", () => {
    const file = path.join(dir, "broken.aibtnb");
    const text = '{\n "cells": [\n  {"cell_type": "code", "metadata": {}, "source": 42}\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';
    writeFileSync(file, text);
    expectInputError(runCli(["notebook", "run", file]), ["broken.aibtnb", "line 3", "cells[0].source", "cell 1's source is number 42"]);
    expect(readFileSync(file, "utf8")).toBe(text);
    writeFileSync(file, "{\n \"cells\": [,]\n}\n");
    expectInputError(runCli(["notebook", "run", file]), ["broken.aibtnb", "line 2", "not valid JSON", "column 12"]);
  });

  it("mistakes on the command line", () => {
    expectInputError(runCli(["notebook", "run"]), ["notebook run needs a file"]);
    expectInputError(runCli(["notebook", "run", "a.aibtnb", "b.aibtnb"]), ["takes one file, got 2"]);
    expectInputError(runCli(["notebook", "run", path.join(dir, "missing.aibtnb")]), ["missing.aibtnb", "no such file"]);
    expectInputError(runCli(["notebook", "run", dir]), ["a folder, not a notebook"]);
    const { file } = write("flags.aibtnb", []);
    expectInputError(runCli(["notebook", "run", file, "--output", "x"]), ["unknown option --output"]);
    expectInputError(runCli(["notebook", "run", file, "--out", path.join(dir, "no-such-folder", "x.aibtnb")]), ["no-such-folder", "does not exist"]);
    expectInputError(runCli(["notebook", "execute", file]), ['no notebook command "execute"', "aibt notebook run FILE"]);
  });
});

describe("aibt notebook new", () => {
  it("writes an empty TypeScript notebook, and never overwrites a file", () => {
    const file = path.join(dir, "fresh.aibtnb");
    const result = runCli(["notebook", "new", file]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`wrote ${file}\n`);
    const text = readFileSync(file, "utf8");
    const doc = parseNotebook(text, file);
    expect(doc).toMatchObject({ nbformat: 4, cells: [], metadata: { kernelspec: { name: "tslab", language: "typescript" } } });
    expect(serializeNotebook(doc)).toBe(text);

    expectInputError(runCli(["notebook", "new", file]), ["fresh.aibtnb", "already exists"]);
    expect(readFileSync(file, "utf8")).toBe(text);
    expectInputError(runCli(["notebook", "new", path.join(dir, "nope", "x.aibtnb")]), ["does not exist"]);
    expectInputError(runCli(["notebook", "new"]), ["notebook new needs a file"]);
    expect(existsSync(path.join(dir, "nope"))).toBe(false);
  });
});

describe("aibt help and the other commands", () => {
  it("the command list has the notebook command; it has its own help", () => {
    const help = runCli(["help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(`\n  notebook    ${NOTEBOOK_SUMMARY}\n`);
    expect(help.stdout).toMatch(/^ {2}models .*\n {2}notebook .*\n {2}replay /m);
    expect(runCli([]).stdout).toBe(help.stdout);
    expect(runCli(["--help"]).stdout).toBe(help.stdout);
    const own = runCli(["notebook", "--help"]);
    expect(own.status).toBe(0);
    expect(own.stdout).toMatch(/^Usage: aibt notebook <run \| new> FILE/);
    for (const flag of ["--out", "--allow-errors"]) expect(own.stdout).toContain(flag);
    expect(runCli(["help", "notebook"]).stdout).toBe(own.stdout);
    expect(runCli(["notebook"]).stdout).toBe(own.stdout);
    expect(runCli(["notebook", "run", "--help"]).stdout).toBe(own.stdout);
  });

  it("every other command still goes to the engine's CLI, with its error conventions", () => {
    const version = runCli(["--version"]);
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(runCli(["help", "backtest"]).stdout).toMatch(/^Usage: aibt backtest/);
    expectInputError(runCli(["backtest", "--fast", "50", "--slow", "10"]), ["--fast"]);
    const unknown = runCli(["frobnicate"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^aibt: unknown command "frobnicate"/);
  });
});
