// Cells in a REAL tslab kernel (one for the file, where state does not matter): values, streams as they
// come, errors at the cell's own lines, rich displays and their updates, the aibt engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TslabKernel, type CellOutput, type ExecutionResult } from "../../../kernel/jupyter";
import { expectNoKernelLeft, KERNEL_TEST, notebookFolder } from "./kernel-helpers";

const folder = notebookFolder();
let kernel: TslabKernel;
let startMs = 0;

beforeAll(async () => {
  const started = performance.now();
  kernel = await TslabKernel.start({ cwd: folder.dir });
  startMs = performance.now() - started;
}, 60_000);

afterAll(async () => {
  await kernel?.shutdown();
  folder.cleanup();
  await expectNoKernelLeft();
}, 30_000);

function errorOf(result: ExecutionResult): Extract<CellOutput, { output_type: "error" }> {
  const errors = result.outputs.filter((output) => output.output_type === "error");
  expect(errors).toHaveLength(1);
  return errors[0] as Extract<CellOutput, { output_type: "error" }>;
}

describe("a tslab kernel running cells", KERNEL_TEST, () => {
  it("starts, shows the last value as an execute_result and counts executions", async () => {
    expect(startMs).toBeLessThan(30_000);
    const before = Date.now();
    const first = await kernel.execute("const answer: number = 6 * 7;\nanswer");
    expect(first.status).toBe("ok");
    expect(first.outputs).toEqual([{ output_type: "execute_result", execution_count: first.executionCount, data: { "text/plain": "42" }, metadata: {} }]);
    expect(Date.parse(first.startedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(first.durationMs).toBeGreaterThanOrEqual(0);

    const second = await kernel.execute('console.log("printed", answer);\n({ answer: answer, list: [1, 2] })');
    expect(second.executionCount).toBe(first.executionCount! + 1);
    expect(second.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "printed 42\n" },
      { output_type: "execute_result", execution_count: second.executionCount, data: { "text/plain": "{ answer: 42, list: [ 1, 2 ] }" }, metadata: {} },
    ]);
    // A cell ending in a call that returns undefined shows only what it printed.
    const printed = await kernel.execute('console.log("only this")');
    expect(printed.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "only this\n" }]);
  });

  it("streams stdout and stderr while the cell runs, merging consecutive chunks in the result", async () => {
    const seen: { output: CellOutput; at: number }[] = [];
    const result = await kernel.execute(
      'console.log("one");\nconsole.log("two");\nconsole.error("careful");\nawait new Promise((resolve) => setTimeout(resolve, 300));\nconsole.log("three");',
      { onOutput: (output) => seen.push({ output, at: performance.now() }) },
    );
    expect(result.status).toBe("ok");
    // Chunks printed together may arrive as one; the last came after the 300 ms wait, the first before it.
    const texts = seen.map(({ output }) => (output.output_type === "stream" ? `${output.name}:${output.text}` : output.output_type));
    expect(texts.join("")).toMatch(/^stdout:one\n(stdout:)?two\nstderr:careful\nstdout:three\n$/);
    expect(seen[seen.length - 1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(250);
    expect(result.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "one\ntwo\n" },
      { output_type: "stream", name: "stderr", text: "careful\n" },
      { output_type: "stream", name: "stdout", text: "three\n" },
    ]);
    expect(result.durationMs).toBeGreaterThanOrEqual(280);
  });

  it("keeps every line of a cell that prints thousands of lines at once", async () => {
    // tslab sends without waiting and zeromq 6 refuses sends while one waits: without the preload's
    // queue most of these lines were lost.
    const result = await kernel.execute("for (let i = 0; i < 5000; i++) console.log(`line ${i}`);");
    expect(result.status).toBe("ok");
    const expected = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join("");
    expect(result.outputs).toEqual([{ output_type: "stream", name: "stdout", text: expected }]);
  });

  it("reports a compile error at the cell's own line and column", async () => {
    const result = await kernel.execute('const fine = 1;\nconst label: number = "x";\nconsole.log(notDefined);');
    expect(result.status).toBe("error");
    expect(errorOf(result)).toEqual({
      output_type: "error",
      ename: "CompileError",
      evalue: "2:7 - Type 'string' is not assignable to type 'number'.\n3:13 - Cannot find name 'notDefined'. Did you mean 'undefined'?",
      traceback: ["2:7 - Type 'string' is not assignable to type 'number'.", "3:13 - Cannot find name 'notDefined'. Did you mean 'undefined'?"],
    });
  });

  it("reports a runtime error with the cell's frames at the cell's own lines, after what the cell printed", async () => {
    const result = await kernel.execute(
      'interface Order { qty: number }\n\nfunction check(order: Order) {\n  // a comment the compiled code keeps\n  if (order.qty < 0) {\n    throw new RangeError(`negative quantity ${order.qty}`);\n  }\n}\nconsole.error("checking");\ncheck({ qty: -3 });',
    );
    expect(result.status).toBe("error");
    expect(result.outputs[0]).toEqual({ output_type: "stream", name: "stderr", text: "checking\n" });
    expect(errorOf(result)).toEqual({
      output_type: "error",
      ename: "RangeError",
      evalue: "negative quantity -3",
      traceback: ["RangeError: negative quantity -3", `    at check (<cell ${result.executionCount}>:6:11)`, `    at <cell ${result.executionCount}>:10:1`],
    });
  });

  it("maps an async error, and a function of an earlier cell failing in a later one", async () => {
    const defined = await kernel.execute("function price(symbol: string): number {\n\n  throw new Error(`no price for ${symbol}`);\n}");
    expect(defined.status).toBe("ok");
    const result = await kernel.execute('await new Promise((resolve) => setTimeout(resolve, 10));\nconst p = price("ETH/USD");');
    expect(errorOf(result)).toEqual({
      output_type: "error",
      ename: "Error",
      evalue: "no price for ETH/USD",
      traceback: ["Error: no price for ETH/USD", `    at price (<cell ${defined.executionCount}>:3:9)`, `    at <cell ${result.executionCount}>:2:11`],
    });
  });

  it("runs the next cell right after a failed one (tslab cancels requests for 200 ms after an error)", async () => {
    const failed = await kernel.execute('throw new Error("first")');
    expect(failed.status).toBe("error");
    const next = await kernel.execute("1 + 1");
    expect(next.status).toBe("ok");
    expect(next.executionCount).toBe(failed.executionCount! + 1);
  });

  it("shows rich displays as display_data: tslab's display, a Vega-Lite spec, a multi-mime bundle", async () => {
    const spec = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", mark: "bar", data: { values: [{ a: 1 }] } };
    const result = await kernel.execute(
      [
        'import * as tslab from "tslab";',
        'tslab.display.html("<b>x</b>");',
        // raw() is typed string | Uint8Array; an object goes through as a JSON value, as +json mime types want.
        `tslab.display.raw("application/vnd.vegalite.v5+json", ${JSON.stringify(spec)} as any);`,
        'const { lastWriteDisplayData } = require("tslab/dist/jupyter");',
        'lastWriteDisplayData({ data: { "text/plain": "chart", "image/svg+xml": "<svg/>" }, metadata: { note: 1 }, transient: { display_id: "bundle-1" } }, false);',
      ].join("\n"),
    );
    expect(result.outputs).toEqual([
      { output_type: "display_data", data: { "text/html": "<b>x</b>" }, metadata: {} },
      { output_type: "display_data", data: { "application/vnd.vegalite.v5+json": spec }, metadata: {} },
      { output_type: "display_data", data: { "text/plain": "chart", "image/svg+xml": "<svg/>" }, metadata: { note: 1 }, transient: { display_id: "bundle-1" } },
    ]);
  });

  it("applies newDisplay() updates to the display they update, telling the listener update=true", async () => {
    const seen: [string, boolean][] = [];
    const result = await kernel.execute(
      'import { newDisplay } from "tslab";\nconst progress = newDisplay();\nprogress.text("0%");\nconsole.log("working");\nprogress.text("50%");\nprogress.html("<b>done</b>");',
      { onOutput: (output, update) => seen.push([output.output_type === "display_data" ? JSON.stringify(output.data) : output.output_type, update]) },
    );
    expect(seen).toEqual([
      ['{"text/plain":"0%"}', false],
      ["stream", false],
      ['{"text/plain":"50%"}', true],
      ['{"text/html":"<b>done</b>"}', true],
    ]);
    expect(result.outputs).toHaveLength(2);
    expect(result.outputs[0]).toMatchObject({ output_type: "display_data", data: { "text/html": "<b>done</b>" }, transient: { display_id: expect.any(String) } });
    expect(result.outputs[1]).toEqual({ output_type: "stream", name: "stdout", text: "working\n" });
  });

  it("imports the aibt engine from the notebook's folder", async () => {
    const result = await kernel.execute('import * as aibt from "aibt/engine";\naibt.normalizeSymbol("eth-usd")');
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual([{ output_type: "execute_result", execution_count: result.executionCount, data: { "text/plain": "ETH/USD" }, metadata: {} }]);
  });

  it("runs cells one at a time in the order they were given", async () => {
    const results = await Promise.all([
      kernel.execute("await new Promise((resolve) => setTimeout(resolve, 100));\nlet order = 'first';"),
      kernel.execute("order = order + ', second';\norder"),
    ]);
    expect(results.map((result) => result.status)).toEqual(["ok", "ok"]);
    expect(results[1].outputs).toEqual([expect.objectContaining({ data: { "text/plain": "first, second" } })]);
    expect(results[1].executionCount).toBe(results[0].executionCount! + 1);
  });
});
