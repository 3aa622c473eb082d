/**
 * The tool catalog's contract, shared by its three callers: the LLM trading agent, the MCP server and
 * the chat participant. A tool is a zod input schema, a zod output schema and a handler, written once.
 * `callTool` is the one way to run a tool on untrusted arguments: it never throws for bad input or a
 * failing handler, it returns a message that tells the caller (often an LLM) what to fix.
 */
import { z } from "zod";
import { isUserFacing } from "../errors";
import type { BlockedOrder } from "../model/order";
import type { WorkspaceToolContext } from "./workspace";
import type { StrategyContext } from "../strategy/strategy";

export interface TradingToolContext {
  ctx: StrategyContext;
  /** How fills happen, completing "orders fill ...", e.g. "at the next bar's open". */
  fillNote: string;
  /** Stocks may trade fractional shares in this run (the broker's `fractional`; crypto always may). Default false. */
  fractionalShares?: boolean;
  /** Selling more than is held opens a short (the broker's `allowShort`). Default false. */
  allowShort?: boolean;
  /**
   * Receives the refusals a tool makes before submitting (a fractional stock quantity, a buy over
   * budget, a sale of more than is held), which never reach `ctx.submit` and so are not in the run's
   * blocked-order log; the run's owner records them. Refusals by `ctx.submit` are recorded by it.
   */
  recordBlocked?: (blocked: BlockedOrder) => void;
}

export interface ToolContext {
  trading?: TradingToolContext;
  /** The workspace the inspection and run tools work on (MCP server, chat participant). */
  workspace?: WorkspaceToolContext;
  /** Where long tools (run_backtest, run_replay) report progress: steps done of total. */
  progress?: (done: number, total: number) => void;
}

export type ToolKind = "trading" | "inspection" | "control" | "utility";

export interface Tool<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** snake_case, unique in a catalog. */
  name: string;
  title: string;
  /** Written for an LLM: what it returns, units, point-in-time rules. */
  description: string;
  input: I;
  output: O;
  kind: ToolKind;
  /** Changes state (places orders, starts runs): MCP only enables these with a flag. */
  writes: boolean;
  /** A sentence that depends on the caller's context (e.g. this run's fill timing), appended to the description. */
  contextNote?(context: ToolContext): string | undefined;
  handler(input: z.output<I>, context: ToolContext, signal?: AbortSignal): z.output<O> | Promise<z.output<O>>;
}

export type ToolResult<T = unknown> = { ok: true; output: T } | { ok: false; error: string };

/**
 * An expected refusal inside a handler (unknown symbol, over budget, no run): its message goes back to
 * the caller as it is. Any other error is reported as the tool failing.
 */
export class ToolError extends Error {
  override readonly name = "ToolError";
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Declares a tool with its types inferred from its schemas; a name that is not snake_case is a bug. */
export function defineTool<I extends z.ZodType, O extends z.ZodType>(tool: Tool<I, O>): Tool<I, O> {
  if (!SNAKE_CASE.test(tool.name) || tool.name.length > 64) {
    throw new Error(`tool name "${tool.name}" must be snake_case, at most 64 characters (OpenAI and MCP limits)`);
  }
  return tool;
}

export function findTool(tools: readonly Tool[], name: string): Tool | undefined {
  return tools.find((tool) => tool.name === name);
}

/**
 * Validates raw arguments (an object or a JSON string, as LLMs send them), runs the handler, validates
 * the output. Never throws for bad input or a handler error: returns { ok: false, error } with a
 * message that names the argument and what is wrong. Cancellation is not an error to report back to a
 * model: if `signal` is aborted the abort reason is thrown, so the run stops.
 */
export async function callTool(tool: Tool, rawArguments: unknown, context: ToolContext, signal?: AbortSignal): Promise<ToolResult> {
  signal?.throwIfAborted();
  const args = parseArguments(tool, rawArguments);
  if (!args.ok) return args;
  const input = tool.input.safeParse(args.output);
  if (!input.success) return { ok: false, error: `invalid arguments for ${tool.name}: ${describeIssues(tool, input.error.issues, args.output)}` };
  let result: unknown;
  try {
    result = await tool.handler(input.data, context, signal);
  } catch (error) {
    signal?.throwIfAborted();
    // Expected refusals, and the engine's own clear input errors (an unknown run, a corrupt file), go back as they are.
    if (error instanceof ToolError || isUserFacing(error)) return { ok: false, error: error.message };
    return { ok: false, error: `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  signal?.throwIfAborted();
  const output = tool.output.safeParse(result);
  if (!output.success) {
    const issue = output.error.issues[0]!;
    return { ok: false, error: `${tool.name} returned an invalid result (a bug in the tool, not in the arguments): ${pathOf(issue.path) || "result"}: ${issue.message}` };
  }
  return { ok: true, output: output.data };
}

/** An LLM sends arguments as a JSON string, an MCP client as an object; both end up an object here. */
function parseArguments(tool: Tool, raw: unknown): ToolResult<unknown> {
  let value = raw;
  if (typeof raw === "string") {
    if (raw.trim() === "") return { ok: true, output: {} };
    try {
      value = JSON.parse(raw);
    } catch (error) {
      return { ok: false, error: `arguments for ${tool.name} are not valid JSON (${(error as Error).message}); send one JSON object${exampleKeys(tool)}` };
    }
  }
  if (value === undefined || value === null) return { ok: true, output: {} };
  if (typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: `arguments for ${tool.name} must be a JSON object${exampleKeys(tool)}, not ${Array.isArray(value) ? "an array" : typeof value}` };
  }
  return { ok: true, output: value };
}

function argumentNames(tool: Tool): string[] {
  return tool.input instanceof z.ZodObject ? Object.keys(tool.input.shape) : [];
}

function exampleKeys(tool: Tool): string {
  const names = argumentNames(tool);
  return names.length ? ` with the arguments ${names.join(", ")}` : " ({} for no arguments)";
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === "number" ? `[${part}]` : String(part))).join(".").replace(/\.\[/g, "[");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** One line naming each bad argument, what was sent, and what is expected. */
function describeIssues(tool: Tool, issues: readonly z.core.$ZodIssue[], args: unknown): string {
  return issues
    .map((issue) => {
      if (issue.code === "unrecognized_keys") {
        const known = argumentNames(tool);
        return `unknown argument${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (${tool.name} takes ${known.length ? known.join(", ") : "no arguments"})`;
      }
      const name = pathOf(issue.path);
      const sent = valueAt(args, issue.path);
      if (sent === undefined && issue.path.length > 0) return `missing required argument "${name}"`;
      return `argument "${name || "arguments"}" ${sentText(sent)}: ${issue.message}`;
    })
    .join("; ");
}

function sentText(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return `(sent ${text.length > 40 ? `${text.slice(0, 40)}...` : text})`;
}

/** The description with the caller's context note, if the tool has one. */
export function describeTool(tool: Tool, context?: ToolContext): string {
  const note = context ? tool.contextNote?.(context) : undefined;
  return note ? `${tool.description} ${note}` : tool.description;
}

/** The JSON Schema of a tool's arguments, as callers send them (defaults make arguments optional). */
export function inputJsonSchema(tool: Tool): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.input, { io: "input" }) as Record<string, unknown>;
  return schema;
}

export interface ChatCompletionTool {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/**
 * The OpenAI chat-completions `tools` array. With a context, descriptions carry its notes (e.g. when
 * this run fills orders). Duplicate names are a bug in the catalog: the model could not tell them apart.
 */
export function toChatCompletionTools(tools: readonly Tool[], context?: ToolContext): ChatCompletionTool[] {
  const seen = new Set<string>();
  return tools.map((tool) => {
    if (seen.has(tool.name)) throw new Error(`two tools are named ${tool.name}`);
    seen.add(tool.name);
    return { type: "function", function: { name: tool.name, description: describeTool(tool, context), parameters: inputJsonSchema(tool) } };
  });
}
