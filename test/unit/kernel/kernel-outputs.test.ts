// A cell's outputs as they arrive: stream chunks merged, display updates replacing their display.
import { describe, expect, it } from "vitest";
import type { CellOutput } from "../../../kernel/jupyter";
import { CellOutputs } from "../../../kernel/jupyter/outputs";

describe("CellOutputs", () => {
  it("merges consecutive chunks of the same stream, and tells the listener each chunk", () => {
    const seen: CellOutput[] = [];
    const outputs = new CellOutputs((output) => seen.push(output));
    outputs.stream("stdout", "a\n");
    outputs.stream("stdout", "b\n");
    outputs.stream("stderr", "warn\n");
    outputs.stream("stdout", "c\n");
    outputs.stream("stdout", "");
    expect(outputs.list).toEqual([
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "warn\n" },
      { output_type: "stream", name: "stdout", text: "c\n" },
    ]);
    expect(seen.map((output) => (output.output_type === "stream" ? output.text : ""))).toEqual(["a\n", "b\n", "warn\n", "c\n"]);
  });

  it("replaces every display with the updated display_id and appends nothing for the update", () => {
    const updates: boolean[] = [];
    const outputs = new CellOutputs((_output, update) => updates.push(update));
    outputs.display({ data: { "text/plain": "one" }, metadata: {}, transient: { display_id: "d1" } }, false);
    outputs.stream("stdout", "between\n");
    outputs.display({ data: { "text/html": "<b>x</b>" }, metadata: {}, transient: {} }, false);
    outputs.display({ data: { "text/plain": "two" }, metadata: { m: 1 }, transient: { display_id: "d1" } }, true);
    outputs.display({ data: { "text/plain": "elsewhere" }, metadata: {}, transient: { display_id: "other-cell" } }, true);
    expect(outputs.list).toEqual([
      { output_type: "display_data", data: { "text/plain": "two" }, metadata: { m: 1 }, transient: { display_id: "d1" } },
      { output_type: "stream", name: "stdout", text: "between\n" },
      { output_type: "display_data", data: { "text/html": "<b>x</b>" }, metadata: {} },
    ]);
    expect(updates).toEqual([false, false, false, true, true]);
  });

  it("settles the execution count of results, and survives a throwing listener", () => {
    const outputs = new CellOutputs(() => {
      throw new Error("listener bug");
    });
    outputs.result(4, { "text/plain": "42" });
    outputs.error("Error", "boom", ["Error: boom"]);
    outputs.settleCount(5);
    expect(outputs.list).toEqual([
      { output_type: "execute_result", execution_count: 5, data: { "text/plain": "42" }, metadata: {} },
      { output_type: "error", ename: "Error", evalue: "boom", traceback: ["Error: boom"] },
    ]);
  });
});
