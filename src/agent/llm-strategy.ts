/**
 * The LLM trading agent as a Strategy. At each decision it gives the model the moment (time,
 * portfolio, allowed tickers, the user's rules and instructions) and the trading tools, runs a bounded
 * loop of tool calls, and records every message, tool call, result and exchange as the step's
 * reasoning. Failures are never a silent HOLD (see llm-errors.ts).
 */
import OpenAI from "openai";
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { performance } from "node:perf_hooks";
import { seededRandom } from "../data/random";
import { InputError } from "../errors";
import type { Strategy, StrategyContext } from "../strategy/strategy";
import { callTool, findTool, toChatCompletionTools, TRADING_TOOLS } from "../tools/index";
import type { Tool, ToolContext } from "../tools/index";
import { Cassette, requestKey } from "./cassette";
import type { CassetteMode, Exchange } from "./cassette";
import { AgentError, backoffMs, classify, DEFAULT_RETRY } from "./llm-errors";
import type { RetryPolicy } from "./llm-errors";
import { systemPrompt } from "./prompt";

export const DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";

export interface ModelParameters {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
}

export interface LlmStrategyOptions {
  /** The AI model id, e.g. "openai/gpt-4o-mini". */
  model: string;
  /** The model definition's base URL; OPENAI_BASE_URL in the environment overrides it. */
  baseURL?: string;
  /** The key; when absent, OPENAI_API_KEY from the environment. Never written anywhere. */
  apiKey?: string;
  parameters?: ModelParameters;
  rules?: readonly string[];
  instructions?: string;
  maxSteps?: number;
  allowedTickers?: readonly string[];
  cassette?: Cassette;
  cassetteMode?: CassetteMode;
  /** USD per million tokens, to turn tokens into cost. */
  prices?: { inputPerMillion: number; outputPerMillion: number };
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** Seeds the retry jitter, so even retries are repeatable. */
  seed?: number;
  /** How orders fill, as the prompt and tools say it. */
  fillNote?: string;
  /** The broker's settings, so the trading tools' own checks agree with it. */
  fractionalShares?: boolean;
  allowShort?: boolean;
  /** Stream responses (the same result; the endpoint sees a streaming request). */
  stream?: boolean;
  /** The environment to read OPENAI_BASE_URL / OPENAI_API_KEY from (tests pass their own). */
  env?: Record<string, string | undefined>;
  /** Waits between retries (tests shorten it). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface LlmUsage {
  /** Exchanges answered by the model. */
  calls: number;
  /** Exchanges answered from the cassette, at no cost. */
  replayed: number;
  promptTokens: number;
  completionTokens: number;
  /** USD, when prices are configured; null otherwise. */
  cost: number | null;
}

export interface LlmStrategy extends Strategy {
  readonly usage: LlmUsage;
  readonly cassette: Cassette;
}

const sleepFor = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

export function llmStrategy(options: LlmStrategyOptions): LlmStrategy {
  const env = options.env ?? process.env;
  const endpoint = env.OPENAI_BASE_URL ?? options.baseURL ?? DEFAULT_BASE_URL;
  const apiKey = options.apiKey ?? env.OPENAI_API_KEY;
  const mode = options.cassetteMode ?? "record";
  const cassette = options.cassette ?? new Cassette();
  const maxSteps = options.maxSteps ?? 8;
  const retry = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? sleepFor;
  const jitter = seededRandom(options.seed ?? 1);
  const fillNote = options.fillNote ?? "at the next bar's open";
  /** The tools as the model sees them: built once, from the first decision's context (the same for the whole run). */
  let tools: ReturnType<typeof toChatCompletionTools> | undefined;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const usage: LlmUsage = { calls: 0, replayed: 0, promptTokens: 0, completionTokens: 0, cost: options.prices ? 0 : null };
  let client: OpenAI | undefined;

  const connect = (): OpenAI => {
    if (!apiKey) {
      throw new InputError(
        `no API key for ${endpoint}`,
        `Set OPENAI_API_KEY in the environment (or use VS Code's "AIBT: Set API Key"), or replay a recorded run with --cassette RUN`,
      );
    }
    // The client's own retries are off: retries happen here, counted, with seeded jitter.
    client ??= new OpenAI({ apiKey, baseURL: endpoint, maxRetries: 0, timeout: timeoutMs, logLevel: "off" });
    return client;
  };

  const parameters = (): Partial<ChatCompletionCreateParamsNonStreaming> => {
    const p = options.parameters ?? {};
    return {
      ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
      ...(p.topP !== undefined ? { top_p: p.topP } : {}),
      ...(p.maxTokens !== undefined ? { max_tokens: p.maxTokens } : {}),
      ...(p.frequencyPenalty !== undefined ? { frequency_penalty: p.frequencyPenalty } : {}),
      ...(p.presencePenalty !== undefined ? { presence_penalty: p.presencePenalty } : {}),
      ...(p.seed !== undefined ? { seed: p.seed } : {}),
    };
  };

  /** One request: from the cassette when it may, else from the model, with retries. */
  async function exchange(request: ChatCompletionCreateParamsNonStreaming, step: number, signal?: AbortSignal): Promise<Exchange> {
    const key = requestKey(request);
    if (mode === "replay" || mode === "replay-or-live") {
      const recorded = cassette.find(key);
      if (recorded) {
        usage.replayed++;
        return recorded;
      }
      if (mode === "replay") {
        throw new AgentError(
          `the cassette has no answer for the request at step ${step}: the prompt, parameters, tools or data differ from the recorded run; use cassette mode replay-or-live to call the model for the new requests`,
          false,
        );
      }
    }
    const openai = connect();
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      // The client's timeout covers only the wait for headers; this deadline covers the whole answer.
      const deadline = AbortSignal.timeout(timeoutMs);
      const requestSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
      try {
        const response: ChatCompletion = options.stream
          ? await openai.chat.completions.stream({ ...request, stream: true, stream_options: { include_usage: true } }, { signal: requestSignal }).finalChatCompletion()
          : await openai.chat.completions.create(request, { signal: requestSignal });
        if (!response.choices?.[0]?.message) throw new AgentError(`${endpoint} answered without a message`, true);
        const recorded: Exchange = {
          key,
          model: request.model,
          request,
          response,
          promptTokens: response.usage?.prompt_tokens ?? 0,
          completionTokens: response.usage?.completion_tokens ?? 0,
          latencyMs: performance.now() - started,
          step,
        };
        usage.calls++;
        usage.promptTokens += recorded.promptTokens;
        usage.completionTokens += recorded.completionTokens;
        if (options.prices && usage.cost !== null) {
          usage.cost += (recorded.promptTokens * options.prices.inputPerMillion + recorded.completionTokens * options.prices.outputPerMillion) / 1e6;
        }
        if (mode !== "live") cassette.add(recorded);
        return recorded;
      } catch (error) {
        if (signal?.aborted) throw error;
        const failure = deadline.aborted ? new AgentError(`${endpoint} did not finish answering within ${timeoutMs} ms`, true) : classify(error, endpoint);
        if (!failure.retryable) throw failure;
        if (attempt + 1 >= retry.attempts) throw new AgentError(`${failure.message}; gave up after ${retry.attempts} attempts`, false);
        await sleep(backoffMs(retry, attempt, jitter), signal);
        if (signal?.aborted) throw error;
      }
    }
  }

  // A live run without a key fails before it starts (before anything is recorded), not 391 HOLDs later.
  if (mode === "live" || mode === "record") connect();

  return {
    name: "llm",
    usage,
    cassette,
    async onBar(ctx: StrategyContext, signal?: AbortSignal) {
      const step = ctx.view.step;
      const toolContext: ToolContext = {
        trading: {
          ctx,
          fillNote,
          fractionalShares: options.fractionalShares ?? false,
          allowShort: options.allowShort ?? false,
          // Refusals the tools catch before an order exists still belong in the run's blocked log.
          recordBlocked: (b) => ctx.refuse(b.symbol, b.side, b.quantity, b.rule, b.reason),
        },
      };
      tools ??= toChatCompletionTools(TRADING_TOOLS, toolContext);
      const messages: ChatCompletionMessageParam[] = [
        { role: "system", content: systemPrompt(ctx, { rules: options.rules ?? [], instructions: options.instructions ?? "", allowedTickers: options.allowedTickers ?? [], maxSteps, fillNote }) },
        { role: "user", content: "Decide now: look, then trade or hold." },
      ];
      const exchanges: Exchange[] = [];
      const actions: { tool: string; arguments: string; ok: boolean; result: unknown }[] = [];
      let final: string | undefined;
      let rounds = 0;
      try {
        for (; rounds < maxSteps && final === undefined; rounds++) {
          const request: ChatCompletionCreateParamsNonStreaming = { model: options.model, messages: [...messages], tools, tool_choice: "auto", ...parameters() };
          const answered = await exchange(request, step, signal);
          exchanges.push(answered);
          const message = (answered.response as ChatCompletion).choices[0]!.message;
          messages.push({ role: "assistant", content: message.content ?? null, ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}) });
          const calls = message.tool_calls ?? [];
          if (calls.length === 0) {
            final = message.content ?? "";
            break;
          }
          for (const call of calls) {
            const name = call.type === "function" ? call.function.name : String(call.type);
            const args = call.type === "function" ? call.function.arguments : "";
            const tool = findTool(TRADING_TOOLS, name);
            const result = tool
              ? await callTool(tool, args, toolContext, signal)
              : { ok: false as const, error: `unknown tool "${name}"; the tools are ${TRADING_TOOLS.map((t) => t.name).join(", ")}` };
            if (!result.ok && tool?.writes && !validArguments(tool, args)) {
              // An order the model could not even state (bad JSON, a zero or negative quantity) is a refused order too.
              const guess = looseArguments(args);
              ctx.refuse(typeof guess.symbol === "string" ? guess.symbol : "?", name === "buy" || name === "sell" ? name : "unknown", null, "invalid-order", result.error);
            }
            actions.push({ tool: name, arguments: args, ok: result.ok, result: result.ok ? result.output : result.error });
            messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result.ok ? result.output : { error: result.error }) });
          }
        }
      } catch (error) {
        // Cancelled mid-request: the run loop sees the signal and marks the run cancelled, not failed.
        if (!signal?.aborted) throw error;
      } finally {
        // Whatever happened, the step keeps what was said and done (a failed run shows its last words).
        ctx.recordDecision({
          decision: {
            final: final ?? null,
            rounds,
            stoppedAtStepLimit: final === undefined && rounds >= maxSteps,
            trades: actions.filter((a) => a.ok && (a.tool === "buy" || a.tool === "sell")).map((a) => a.result),
            refused: actions.filter((a) => !a.ok).map((a) => ({ tool: a.tool, error: a.result })),
          },
          reasoning: messages,
          exchanges,
        });
      }
    },
  };
}

function looseArguments(args: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(args) as unknown;
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function validArguments(tool: Tool, args: string): boolean {
  return tool.input.safeParse(looseArguments(args)).success && args.trim().startsWith("{");
}

/** Replay without recorded exchanges would fail at the first step: say so before the run starts. */
export function assertCassetteUsable(mode: CassetteMode, cassette: Cassette | undefined): void {
  if (mode === "replay" && (!cassette || cassette.size === 0)) {
    throw new InputError("replay needs a cassette with recorded exchanges", "Pass --cassette RUN (a recorded LLM run) or a .jsonl cassette file");
  }
}
