/**
 * Excerpts of an LLM run's reasoning for the report: the decisions where something happened (a trade,
 * a refusal, the step limit) and the first few, each with its tool calls and final message, cut to a
 * readable length. The system prompt is left out: it is the same every time and in the snapshot.
 */
import { displayTime, escapeHtml } from "../charts/display";

export interface RecordedDecision {
  step: number;
  time: number;
  decision: unknown;
  reasoning: unknown;
}

export interface ReasoningOptions {
  /** Decisions shown at most (default 30). */
  maxDecisions?: number;
  /** Characters kept of a final message (default 600) and of a tool call's arguments or result (default 240). */
  maxMessage?: number;
  maxToolText?: number;
  intraday?: boolean;
}

interface ToolCall {
  name: string;
  arguments: string;
  result?: string;
}

interface Excerpt {
  step: number;
  time: number;
  final: string | null;
  rounds: number | null;
  calls: ToolCall[];
  eventful: boolean;
  stoppedAtStepLimit: boolean;
}

/** Cuts text to `max` characters at a word boundary when one is near, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.7 ? cut.slice(0, space) : cut}… (${(text.length - max).toLocaleString("en-US")} more characters)`;
}

function excerptOf(recorded: RecordedDecision): Excerpt {
  const decision = (recorded.decision ?? {}) as { final?: unknown; rounds?: unknown; trades?: unknown; refused?: unknown; stoppedAtStepLimit?: unknown };
  const messages = Array.isArray(recorded.reasoning) ? (recorded.reasoning as Record<string, unknown>[]) : [];
  const calls: ToolCall[] = [];
  const byId = new Map<string, ToolCall>();
  for (const message of messages) {
    if (message?.role === "assistant" && Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls as { id?: string; function?: { name?: string; arguments?: string } }[]) {
        const entry = { name: String(call.function?.name ?? "?"), arguments: String(call.function?.arguments ?? "") };
        calls.push(entry);
        if (call.id) byId.set(call.id, entry);
      }
    } else if (message?.role === "tool") {
      const entry = byId.get(String(message.tool_call_id ?? ""));
      if (entry) entry.result = typeof message.content === "string" ? message.content : JSON.stringify(message.content);
    }
  }
  const count = (value: unknown) => (Array.isArray(value) ? value.length : 0);
  const stoppedAtStepLimit = decision.stoppedAtStepLimit === true;
  return {
    step: recorded.step,
    time: recorded.time,
    final: typeof decision.final === "string" ? decision.final : null,
    rounds: typeof decision.rounds === "number" ? decision.rounds : null,
    calls,
    eventful: count(decision.trades) > 0 || count(decision.refused) > 0 || stoppedAtStepLimit,
    stoppedAtStepLimit,
  };
}

/** The chosen decisions, in step order, and how many were left out. */
export function selectDecisions(decisions: readonly RecordedDecision[], maxDecisions = 30): { chosen: RecordedDecision[]; omitted: number } {
  const excerpts = decisions.map(excerptOf);
  const wanted = new Set<number>();
  for (let i = 0; i < excerpts.length && wanted.size < Math.min(3, maxDecisions); i++) wanted.add(i);
  for (let i = 0; i < excerpts.length && wanted.size < maxDecisions; i++) if (excerpts[i]!.eventful) wanted.add(i);
  for (let i = 0; i < excerpts.length && wanted.size < maxDecisions; i++) wanted.add(i);
  const chosen = [...wanted].sort((a, b) => a - b).map((i) => decisions[i]!);
  return { chosen, omitted: decisions.length - chosen.length };
}

/** One decision as the report shows it: plain text, cut to a readable length. */
export interface DecisionExcerpt {
  step: number;
  /** New York time of the decision. */
  time: string;
  /** "step 21", "2 rounds", "1 tool call", "stopped at the step limit". */
  facts: string[];
  /** A trade, a refusal or the step limit happened. */
  eventful: boolean;
  calls: { name: string; arguments: string; result?: string }[];
  /** The model's final message. */
  final: string | null;
  /** The decision as JSON when it has neither a final message nor tool calls. */
  other: string | null;
}

/** The chosen decisions (see selectDecisions) as text excerpts, and how many were left out. */
export function decisionExcerpts(decisions: readonly RecordedDecision[], options: ReasoningOptions = {}): { excerpts: DecisionExcerpt[]; omitted: number } {
  const maxMessage = options.maxMessage ?? 600;
  const maxTool = options.maxToolText ?? 240;
  const { chosen, omitted } = selectDecisions(decisions, options.maxDecisions ?? 30);
  const excerpts = chosen.map((recorded): DecisionExcerpt => {
    const e = excerptOf(recorded);
    const facts = [
      `step ${e.step + 1}`,
      e.rounds === null ? "" : `${e.rounds} round${e.rounds === 1 ? "" : "s"}`,
      e.calls.length ? `${e.calls.length} tool call${e.calls.length === 1 ? "" : "s"}` : "",
      e.stoppedAtStepLimit ? "stopped at the step limit" : "",
    ].filter(Boolean);
    return {
      step: e.step,
      time: displayTime(e.time, options.intraday ?? true),
      facts,
      eventful: e.eventful,
      calls: e.calls.map((call) => ({ name: call.name, arguments: truncate(call.arguments, maxTool), ...(call.result === undefined ? {} : { result: truncate(call.result, maxTool) }) })),
      final: e.final === null ? null : truncate(e.final, maxMessage),
      other: e.final === null && e.calls.length === 0 ? truncate(JSON.stringify(recorded.decision), maxMessage) : null,
    };
  });
  return { excerpts, omitted };
}

/** The reasoning section's HTML (everything escaped), or undefined when the run recorded no decisions. */
export function reasoningHtml(decisions: readonly RecordedDecision[], options: ReasoningOptions = {}): string | undefined {
  if (decisions.length === 0) return undefined;
  const { excerpts, omitted } = decisionExcerpts(decisions, options);
  return excerptsHtml(excerpts, omitted);
}

/** Decision excerpts as HTML articles (everything escaped), with a note counting those left out. */
export function excerptsHtml(excerpts: readonly DecisionExcerpt[], omitted: number): string {
  const articles = excerpts.map((e) => {
    const calls = e.calls.length
      ? `<ol class="calls">${e.calls
          .map(
            (call) =>
              `<li><code class="tool">${escapeHtml(call.name)}</code><code>${escapeHtml(call.arguments)}</code>${call.result === undefined ? "" : ` <span class="arrow">→</span> <code>${escapeHtml(call.result)}</code>`}</li>`,
          )
          .join("")}</ol>`
      : "";
    const final = e.final === null ? "" : `<blockquote>${escapeHtml(e.final)}</blockquote>`;
    const other = e.other === null ? "" : `<pre>${escapeHtml(e.other)}</pre>`;
    return `<article class="decision${e.eventful ? " eventful" : ""}"><h3><time>${escapeHtml(e.time)}</time> <span>${escapeHtml(e.facts.join(" · "))}</span></h3>${calls}${final}${other}</article>`;
  });
  const note = omitted > 0 ? `<p class="note">${omitted.toLocaleString("en-US")} more decisions not shown (every decision is in the run file: <code>aibt runs show</code>).</p>` : "";
  return `${articles.join("")}${note}`;
}
