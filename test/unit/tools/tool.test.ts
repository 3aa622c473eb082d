import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TRADING_TOOLS, ToolError, callTool, defineTool, describeTool, findTool, toChatCompletionTools } from "../../../src/tools";
import type { ToolContext } from "../../../src/tools";
import { errorOf, outputOf } from "./run-with-tools";

/** A tool whose handler returns whatever the test asks for, to exercise callTool itself. */
function echo(result: () => unknown) {
  return defineTool({
    name: "echo_value",
    title: "Echo",
    description: "Returns a value.",
    input: z.strictObject({ value: z.number() }),
    output: z.object({ value: z.number() }),
    kind: "utility",
    writes: false,
    handler: result as () => { value: number },
  });
}

describe("callTool", () => {
  it("validates the handler's output: a wrong shape is an error result, not a crash", async () => {
    expect(errorOf(await callTool(echo(() => ({ value: "seven" })), { value: 1 }, {}))).toBe(
      "echo_value returned an invalid result (a bug in the tool, not in the arguments): value: Invalid input: expected number, received string",
    );
    expect(errorOf(await callTool(echo(() => ({ value: NaN })), { value: 1 }, {}))).toMatch(/^echo_value returned an invalid result .*: value: Invalid input: expected number, received NaN/);
    expect(errorOf(await callTool(echo(() => undefined), { value: 1 }, {}))).toMatch(/^echo_value returned an invalid result .*: result: /);
    expect(outputOf(await callTool(echo(() => ({ value: 7 })), { value: 1 }, {}))).toEqual({ value: 7 });
  });

  it("turns a throwing handler into an error result: a ToolError's message as it is, anything else as a failure", async () => {
    expect(errorOf(await callTool(echo(() => { throw new ToolError("no such thing"); }), { value: 1 }, {}))).toBe("no such thing");
    expect(errorOf(await callTool(echo(() => { throw new TypeError("x is undefined"); }), { value: 1 }, {}))).toBe("echo_value failed: x is undefined");
    expect(errorOf(await callTool(echo(() => Promise.reject("plain string")), { value: 1 }, {}))).toBe("echo_value failed: plain string");
  });

  it("accepts no arguments as {} for a tool that takes none", async () => {
    const tool = defineTool({ name: "ping", title: "Ping", description: "Pong.", input: z.strictObject({}), output: z.object({ pong: z.boolean() }), kind: "utility", writes: false, handler: () => ({ pong: true }) });
    for (const raw of [undefined, null, "", "  ", "{}", {}]) expect(outputOf(await callTool(tool, raw, {}))).toEqual({ pong: true });
    expect(errorOf(await callTool(tool, { extra: 1 }, {}))).toBe('invalid arguments for ping: unknown argument "extra" (ping takes no arguments)');
  });

  it("reports every bad argument at once", async () => {
    const tool = findTool(TRADING_TOOLS, "get_indicator")!;
    expect(errorOf(await callTool(tool, { symbol: "", indicator: "sma", period: 500 }, {}))).toBe(
      'invalid arguments for get_indicator: argument "symbol" (sent ""): symbol is empty; argument "period" (sent 500): period must be at most 200',
    );
  });

  it("throws when cancelled instead of telling the model", async () => {
    const controller = new AbortController();
    controller.abort(new Error("run cancelled"));
    await expect(callTool(echo(() => ({ value: 1 })), { value: 1 }, {}, controller.signal)).rejects.toThrow("run cancelled");
    // Aborted while the handler ran: the handler's own abort error is not reported as a tool failure.
    const late = new AbortController();
    const slow = echo(() => {
      late.abort(new Error("stopped mid-call"));
      throw new Error("aborted");
    });
    await expect(callTool(slow, { value: 1 }, {}, late.signal)).rejects.toThrow("stopped mid-call");
  });

  it("defineTool refuses a name that is not snake_case", () => {
    expect(() => defineTool({ ...echo(() => 1), name: "getPrice" })).toThrow(/tool name "getPrice" must be snake_case/);
  });
});

describe("the trading catalog", () => {
  const context: ToolContext = { trading: { ctx: undefined as never, fillNote: "at the next bar's open" } };
  const schemas = Object.fromEntries(toChatCompletionTools(TRADING_TOOLS, context).map((tool) => [tool.function.name, tool]));

  it("has unique snake_case names and says which tools write", () => {
    const names = TRADING_TOOLS.map((tool) => tool.name);
    expect(names).toEqual(["get_price", "get_history", "get_indicator", "calculate", "get_portfolio", "buy", "sell"]);
    expect(new Set(names).size).toBe(names.length);
    expect(TRADING_TOOLS.filter((tool) => tool.writes).map((tool) => tool.name)).toEqual(["buy", "sell"]);
    expect(findTool(TRADING_TOOLS, "get_price")!.kind).toBe("trading");
    expect(findTool(TRADING_TOOLS, "calculate")!.kind).toBe("utility");
    expect(findTool(TRADING_TOOLS, "nope")).toBeUndefined();
  });

  it("produces chat-completions tools whose required arguments and enums are right", () => {
    const required = Object.fromEntries(Object.entries(schemas).map(([name, tool]) => [name, tool.function.parameters.required ?? []]));
    expect(required).toEqual({
      get_price: ["symbol"],
      get_history: ["symbol"],
      get_indicator: ["symbol", "indicator", "period"],
      calculate: ["expression"],
      get_portfolio: [],
      buy: ["symbol", "quantity"],
      sell: ["symbol", "quantity"],
    });
    for (const tool of Object.values(schemas)) {
      expect(tool.type).toBe("function");
      expect(tool.function.parameters).toMatchObject({ type: "object", additionalProperties: false });
      expect(tool.function.parameters).not.toHaveProperty("$schema");
      // A model must be able to read the whole thing as JSON.
      expect(JSON.parse(JSON.stringify(tool))).toEqual(tool);
    }
    const props = (name: string) => schemas[name]!.function.parameters.properties as Record<string, Record<string, unknown>>;
    expect(props("get_indicator").indicator).toMatchObject({ type: "string", enum: ["sma", "ema", "rsi", "roc", "volatility"] });
    expect(props("get_indicator").period).toMatchObject({ type: "integer", minimum: 2, maximum: 200 });
    expect(props("get_history").bars).toMatchObject({ type: "integer", minimum: 1, maximum: 500, default: 20 });
    expect(props("buy").quantity).toMatchObject({ type: "number", exclusiveMinimum: 0 });
    expect(props("sell").quantity).toMatchObject({ anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "string", const: "all" }] });
    expect(props("buy").reason).toMatchObject({ type: "string" });
    expect(Object.keys(props("get_portfolio"))).toEqual([]);
    expect(props("get_price").symbol).toMatchObject({ type: "string", minLength: 1 });
  });

  it("describes the point-in-time rule, and the fill timing of the orders", () => {
    for (const name of ["get_price", "get_history", "get_indicator", "get_portfolio", "buy", "sell"]) {
      expect(schemas[name]!.function.description).toMatch(/nothing after it is visible/);
    }
    expect(schemas.buy!.function.description).toMatch(/In this run, orders fill at the next bar's open\.$/);
    expect(schemas.sell!.function.description).toMatch(/In this run, orders fill at the next bar's open\.$/);
    // Without a context, the description is the tool's own.
    expect(describeTool(findTool(TRADING_TOOLS, "buy")!)).toBe(findTool(TRADING_TOOLS, "buy")!.description);
  });

  it("refuses a catalog with two tools of one name", () => {
    expect(() => toChatCompletionTools([TRADING_TOOLS[0]!, TRADING_TOOLS[0]!])).toThrow("two tools are named get_price");
  });
});
