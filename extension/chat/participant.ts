/**
 * `@aibt` in the chat view: questions about the workspace's models and runs answered from the real run
 * files through the one tool catalog (the workspace tools the MCP server also serves). The model is
 * the one picked in the chat, else the configured endpoint; the answer says which. Tool results are
 * cited as references to the run files, and buttons open the report or compare runs.
 */
import * as vscode from "vscode";
import { callTool, findTool, toChatCompletionTools } from "../../src/tools/tool";
import { WORKSPACE_TOOLS } from "../../src/tools/workspace-tools";
import { WorkspaceToolContext } from "../../src/tools/workspace";
import type { RunJobs } from "../runs/run-jobs";
import type { ApiKeys } from "../secrets";
import { readSettings } from "../settings";
import { chatBacktest } from "./backtest-command";
import { type ChatBackend, type ChatTurn, endpointBackend, languageModelBackend } from "./chat-backends";

export const PARTICIPANT_ID = "aibt.chat";
/** Rounds of tool calls in one answer at most: a model that keeps calling tools is stopped. */
const MAX_ROUNDS = 8;
/** A tool result longer than this is cut (and the model told so): a whole run's fills would flood the context. */
export const MAX_RESULT_CHARS = 12_000;
const DEFAULT_ENDPOINT = "https://openrouter.ai/api/v1";

const COMMANDS: Record<string, string> = {
  positions: "The person asks about positions: use get_positions (at a time, or the changes over a range).",
  trades: "The person asks about trades: use get_trades, and say when, what, how many, at what price and why.",
  decisions: "The person asks about an LLM model's decisions: use get_decisions and quote its reasoning.",
  performance: "The person asks how a run performed: use get_performance (and get_run for its settings); give return, Sharpe, max drawdown and trades.",
  compare: "The person asks to compare runs: use compare_runs, and explain which settings differ and what that did to the results.",
  explain: "The person asks why a run did what it did: look at its trades, positions, decisions and prices around the moment asked about.",
};

export interface ChatResult extends vscode.ChatResult {
  metadata: { command?: string; runs: string[]; model: string };
}

export interface ChatDeps {
  keys: ApiKeys;
  jobs: RunJobs;
  storeFolder(): string | undefined;
}

export function systemPrompt(command: string | undefined): string {
  return [
    "You are @aibt, the assistant of AIBT, a trading research tool. You answer questions about the models and runs of the open workspace.",
    "Use the tools to read real data; never invent numbers. Name runs as MODEL/run-NNNN. Use list_runs when no run is named (the newest first).",
    "Answer in short markdown: the figures first, then the explanation. Percentages with two decimals.",
    ...(command && COMMANDS[command] ? [COMMANDS[command]] : []),
  ].join("\n");
}

/** The backend for a request: the chat's model, else the endpoint with a stored key, else why there is none. */
export async function chooseBackend(request: Pick<vscode.ChatRequest, "model">, keys: ApiKeys): Promise<ChatBackend | { problem: string }> {
  if (request.model) {
    const available = await vscode.lm.selectChatModels({ id: request.model.id });
    if (available.length > 0) return languageModelBackend(request.model);
  }
  const settings = readSettings();
  const key = await keys.get();
  if (!key) return { problem: "No language model is available in the chat, and AIBT has no API key for its endpoint." };
  return endpointBackend({ baseUrl: settings.baseUrl || DEFAULT_ENDPOINT, apiKey: key.key, model: settings.aiModel || "openai/gpt-4o-mini" });
}

/** Earlier turns of this conversation with @aibt, as VS Code keeps them. */
function historyOf(context: vscode.ChatContext): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const turn of context.history) {
    if (turn instanceof vscode.ChatRequestTurn && turn.participant === PARTICIPANT_ID) turns.push({ role: "user", text: turn.prompt });
    else if (turn instanceof vscode.ChatResponseTurn && turn.participant === PARTICIPANT_ID) {
      const text = turn.response.map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : "")).join("");
      if (text) turns.push({ role: "assistant", text });
    }
  }
  return turns;
}

export async function answer(deps: ChatDeps, request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken, backendFor = chooseBackend): Promise<ChatResult> {
  const folder = deps.storeFolder();
  const runs = new Set<string>();
  const result = (model: string): ChatResult => ({ metadata: { ...(request.command ? { command: request.command } : {}), runs: [...runs], model } });
  if (!folder) {
    stream.markdown("Open a folder first: AIBT answers from the models and runs in its `.aibt` folder.");
    return result("none");
  }
  if (request.command === "backtest") {
    // Starting a run needs no language model: the command's words say what to run.
    const ref = await chatBacktest(deps, folder, request.prompt, stream, token);
    if (ref) {
      runs.add(ref);
      stream.button({ command: "aibt.openReport", arguments: [ref], title: `Open Report of ${ref}` });
    }
    return result("none");
  }
  const backend = await backendFor(request, deps.keys);
  if ("problem" in backend) {
    stream.markdown(`${backend.problem} Pick a model in the chat, or set an API key for your OpenAI-compatible endpoint (the \`aibt.endpoint.baseUrl\` setting).`);
    stream.button({ command: "aibt.setApiKey", title: "Set API Key" });
    return result("none");
  }
  const controller = new AbortController();
  const onCancel = token.onCancellationRequested(() => controller.abort());
  const workspace = new WorkspaceToolContext(folder);
  const tools = WORKSPACE_TOOLS.filter((tool) => !tool.writes);
  const turns: ChatTurn[] = [...historyOf(context), { role: "user", text: request.prompt }];
  try {
    for (let round = 0; round < MAX_ROUNDS && !token.isCancellationRequested; round++) {
      let text = "";
      const calls = await backend.send(systemPrompt(request.command), turns, toChatCompletionTools(tools), (chunk) => {
        text += chunk;
        stream.markdown(chunk);
      }, controller.signal);
      turns.push({ role: "assistant", text, calls });
      if (calls.length === 0) break;
      for (const call of calls) {
        const tool = findTool(tools, call.name);
        stream.progress(`Reading ${tool?.title ?? call.name}...`);
        const output = tool ? await callTool(tool, call.input, { workspace }, controller.signal) : { ok: false as const, error: `there is no tool ${call.name}` };
        for (const ref of runRefsIn(call.input)) runs.add(ref);
        let text = JSON.stringify(output.ok ? output.output : { error: output.error });
        if (text.length > MAX_RESULT_CHARS) text = `${text.slice(0, MAX_RESULT_CHARS)}... [cut at ${MAX_RESULT_CHARS} characters: ask for a narrower range or fewer rows]`;
        turns.push({ role: "tool", callId: call.id, name: call.name, result: text });
      }
    }
  } catch (error) {
    if (token.isCancellationRequested) return result(backend.label);
    const message = error instanceof Error ? error.message : String(error);
    const keyProblem = /401|403|api key|unauthori[sz]ed/i.test(message);
    stream.markdown(`\n\n**AIBT could not finish the answer:** ${message}`);
    if (keyProblem) stream.button({ command: "aibt.setApiKey", title: "Set API Key" });
    return result(backend.label);
  } finally {
    onCancel.dispose();
    workspace.close();
  }
  for (const ref of runs) {
    try {
      stream.reference(vscode.Uri.file(workspace.runs.resolve(ref).database));
    } catch {
      // a reference the model made up: nothing to cite
    }
  }
  const [first, second] = [...runs];
  if (first) stream.button({ command: "aibt.openReport", arguments: [first], title: `Open Report of ${first}` });
  if (first && second) stream.button({ command: "aibt.compareRuns", arguments: [first, second], title: "Compare" });
  if (first) stream.button({ command: "aibt.runBacktest", arguments: [{ model: first.split("/")[0] }], title: "Run Again" });
  stream.markdown(`\n\n_Answered with ${backend.label}._`);
  return result(backend.label);
}

/** Run references named in a tool's input ({run}, {runs: [...]}, {a, b}). */
function runRefsIn(input: unknown): string[] {
  if (!input || typeof input !== "object") return [];
  return Object.values(input as Record<string, unknown>)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((value): value is string => typeof value === "string" && /^[^/\s]+\/(run-)?\d+$/.test(value));
}

export function followups(result: ChatResult): vscode.ChatFollowup[] {
  const [run] = result.metadata.runs;
  if (!run) return [{ prompt: "Which of my runs did best?", label: "Which run did best?" }];
  const asked = result.metadata.command;
  return [
    ...(asked !== "trades" ? [{ prompt: `What trades did ${run} make?`, command: "trades", label: `Trades of ${run}` }] : []),
    ...(asked !== "performance" ? [{ prompt: `How did ${run} perform?`, command: "performance", label: `Performance of ${run}` }] : []),
    { prompt: `Why did ${run} lose money on its worst day?`, command: "explain", label: "Explain its worst day" },
  ];
}

export function registerChatParticipant(context: vscode.ExtensionContext, deps: ChatDeps): vscode.ChatParticipant {
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, chatContext, stream, token) => answer(deps, request, chatContext, stream, token));
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, "media", "aibt.svg");
  participant.followupProvider = { provideFollowups: (result) => followups(result as ChatResult) };
  return participant;
}
