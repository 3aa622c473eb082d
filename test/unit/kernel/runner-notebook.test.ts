// runNotebook against the REAL tslab kernel (no mocks): outputs and execution counts written back, one
// kernel for the whole notebook in the notebook's folder, the first failing cell stops the run, and the
// kernel is shut down however the run ends.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { newNotebook, parseNotebook, serializeNotebook } from "../../../kernel/notebook-format";
import type { NewCell, NotebookDocument } from "../../../kernel/notebook-format";
import { runNotebook } from "../../../kernel/notebook-runner";
import { repoRoot } from "../../shared-data";

// Inside the repository, so cells resolve `tslab` (and `aibt/notebook`) from its node_modules.
mkdirSync(path.join(repoRoot, "test-results"), { recursive: true });
const dir = mkdtempSync(path.join(repoRoot, "test-results", "runner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, "prices.csv"), "day,close\n1,100\n2,101.5\n");

const KERNEL_TEST = { timeout: 120_000 };
const code = (source: string): NewCell => ({ cell_type: "code", source });
const markdown = (source: string): NewCell => ({ cell_type: "markdown", source });

/** The processes this test worker started that are still alive (a kernel left behind shows up here). */
function childProcesses(): string[] {
  try {
    return execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.trim() !== "" && !/\bps -o pid=/.test(line));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

async function expectNoKernelLeft(): Promise<void> {
  // Shutdown has resolved; give the OS a moment to reap the process.
  for (let i = 0; i < 50 && childProcesses().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(childProcesses()).toEqual([]);
}

/** A notebook whose code cells carry stale outputs from an earlier run. */
function withStaleOutputs(doc: NotebookDocument): NotebookDocument {
  for (const cell of doc.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [{ output_type: "stream", name: "stdout", text: "stale output\n" }];
    cell.execution_count = 99;
  }
  return doc;
}

describe("runNotebook on a notebook that runs", () => {
  it("writes every code cell's outputs and execution count, in one kernel started in the notebook's folder", KERNEL_TEST, async () => {
    const doc = withStaleOutputs(
      newNotebook([
        markdown("# Prices\nRead a file next to the notebook."),
        code('import { readFileSync } from "fs";\nconst rows = readFileSync("prices.csv", "utf8").trim().split("\\n").slice(1);\nconsole.log(`${rows.length} rows in ${process.cwd()}`);'),
        code("   \n"),
        code("const closes = rows.map((row) => Number(row.split(\",\")[1]));\nconsole.error(\"warning: 0 gaps\");\ncloses.reduce((a, b) => a + b, 0)"),
        code('import * as tslab from "tslab";\nconst progress = tslab.newDisplay();\nprogress.text("50%");\nprogress.text("100%");\ntslab.display.html("<b>done</b>");'),
      ]),
    );
    const before = structuredClone(doc);
    const seen: number[] = [];
    let kernelSentTransient = false;
    const run = await runNotebook(doc, {
      cwd: dir,
      onCell: (index, result) => {
        seen.push(index);
        expect(result.status).toBe("ok");
        kernelSentTransient ||= result.outputs.some((output) => "transient" in output);
      },
    });

    expect(doc).toEqual(before); // the input is not changed
    expect(run.failures).toBe(0);
    expect(run.failed).toEqual([]);
    expect(run.cancelled).toBe(false);
    expect(run.executed).toBe(3);
    expect(seen).toEqual([1, 3, 4]);
    const cells = run.doc.cells;
    expect(cells[0]).toEqual(doc.cells[0]); // markdown untouched

    expect(cells[1]!.execution_count).toBe(1);
    expect(cells[1]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: `2 rows in ${dir}\n` }]);
    // A blank cell is not sent to the kernel: no count, and its stale output is gone.
    expect(cells[2]).toMatchObject({ execution_count: null, outputs: [] });
    // Variables live on from cell to cell: one kernel.
    expect(cells[3]!.execution_count).toBe(2);
    expect(cells[3]!.outputs).toContainEqual({ output_type: "stream", name: "stderr", text: "warning: 0 gaps\n" });
    expect(cells[3]!.outputs).toContainEqual(expect.objectContaining({ output_type: "execute_result", execution_count: 2, data: expect.objectContaining({ "text/plain": expect.stringContaining("201.5") }) }));
    // Display outputs, with no transient display id (nbformat forbids it in files) though the kernel sent one.
    expect(kernelSentTransient).toBe(true);
    const displays = cells[4]!.outputs!.filter((output) => output.output_type === "display_data");
    expect(displays.length).toBeGreaterThanOrEqual(2);
    for (const output of displays) expect(output).not.toHaveProperty("transient");
    expect(displays).toContainEqual(expect.objectContaining({ data: expect.objectContaining({ "text/html": "<b>done</b>" }) }));
    expect(JSON.stringify(displays)).toContain("100%");
    expect(cells[4]!.outputs!.some((output) => output.output_type === "error")).toBe(false);

    const text = serializeNotebook(run.doc);
    expect(text).not.toContain("transient");
    expect(parseNotebook(text)).toEqual(parseNotebook(serializeNotebook(parseNotebook(text))));
    await expectNoKernelLeft();
  });
});

describe("runNotebook on a notebook with a failing cell", () => {
  const doc = () =>
    withStaleOutputs(
      newNotebook([
        code('console.log("first");'),
        code("const total: number = undefinedThing + 1;"),
        markdown("after the failure"),
        code('console.log("third");\nthrow new RangeError("window must be positive");'),
        code('console.log("last");'),
      ]),
    );

  it("stops at the first failing cell, like nbconvert --execute: later cells keep no outputs", KERNEL_TEST, async () => {
    const run = await runNotebook(doc(), { cwd: dir });
    expect(run.failures).toBe(1);
    expect(run.failed).toHaveLength(1);
    expect(run.failed[0]!.index).toBe(1);
    // A compile error, named with the cell's own line and column.
    expect(run.failed[0]!.message).toMatch(/undefinedThing/);
    expect(run.failed[0]!.message).not.toContain("\n");
    const cells = run.doc.cells;
    expect(cells[0]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "first\n" }]);
    expect(cells[1]!.execution_count).not.toBeNull();
    expect(cells[1]!.outputs!.some((output) => output.output_type === "error" || (output.output_type === "stream" && output.name === "stderr"))).toBe(true);
    for (const later of [cells[3]!, cells[4]!]) expect(later).toMatchObject({ execution_count: null, outputs: [] });
    expect(cells[2]!.source).toBe("after the failure");
    expect(run.executed).toBe(2);
    await expectNoKernelLeft();
  });

  it("with allowErrors runs on and counts every failure", KERNEL_TEST, async () => {
    const run = await runNotebook(doc(), { cwd: dir, allowErrors: true });
    expect(run.failures).toBe(2);
    expect(run.failed.map((failure) => failure.index)).toEqual([1, 3]);
    expect(run.failed[1]!.message).toMatch(/^RangeError: window must be positive/);
    const cells = run.doc.cells;
    expect(cells[3]!.outputs).toContainEqual({ output_type: "stream", name: "stdout", text: "third\n" });
    const error = cells[3]!.outputs!.find((output) => output.output_type === "error");
    expect(error).toMatchObject({ ename: "RangeError", evalue: expect.stringContaining("window must be positive") });
    expect(cells[4]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "last\n" }]);
    expect(run.executed).toBe(4);
    await expectNoKernelLeft();
  });
});

describe("runNotebook always shuts its kernel down", () => {
  it("when a callback throws, the error comes out and the kernel is gone", KERNEL_TEST, async () => {
    const doc = newNotebook([code("1 + 1"), code('console.log("never")')]);
    await expect(
      runNotebook(doc, {
        cwd: dir,
        onCell: () => {
          throw new Error("callback broke");
        },
      }),
    ).rejects.toThrow("callback broke");
    await expectNoKernelLeft();
  });

  it("when cancelled mid-cell: the run ends promptly, reports it, and later cells keep nothing", KERNEL_TEST, async () => {
    const controller = new AbortController();
    const doc = newNotebook([code('console.log("started");'), code("await new Promise((resolve) => setTimeout(resolve, 60_000));"), code('console.log("never");')]);
    let abortedAt = 0;
    const run = await runNotebook(
      doc,
      {
        cwd: dir,
        onCell: (index) => {
          if (index === 0)
            setTimeout(() => {
              abortedAt = performance.now();
              controller.abort();
            }, 1000);
        },
      },
      controller.signal,
    );
    expect(performance.now() - abortedAt).toBeLessThan(15_000);
    expect(run.cancelled).toBe(true);
    expect(run.failures).toBe(0);
    expect(run.doc.cells[0]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "started\n" }]);
    expect(run.doc.cells[2]).toMatchObject({ execution_count: null, outputs: [] });
    await expectNoKernelLeft();
  });

  it("a signal aborted before the start runs nothing and starts no kernel", async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await runNotebook(withStaleOutputs(newNotebook([code("1")])), { cwd: dir }, controller.signal);
    expect(run).toMatchObject({ cancelled: true, executed: 0, failures: 0 });
    expect(run.doc.cells[0]).toMatchObject({ execution_count: null, outputs: [] });
    expect(childProcesses()).toEqual([]);
  });
});
