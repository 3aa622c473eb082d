/**
 * Where @aibt's answers come from: the language model the person picked in the chat (vscode.lm), or,
 * when the editor offers none, the configured OpenAI-compatible endpoint with the key from
 * SecretStorage. Both speak the same small interface: messages and tools in, text and tool calls out.
 */
import type OpenAI from "openai";
import * as vscode from "vscode";
import type { ChatCompletionTool } from "../../src/tools/tool";

export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

/** One exchange of the conversation, in a form both backends can send. */
export type ChatTurn =
  | { role: "user"; text: string }
  | { role: "assistant"; text: string; calls?: ToolCall[] }
  | { role: "tool"; callId: string; name: string; result: string };

export interface ChatBackend {
  /** Says which model answered, e.g. "Copilot gpt-4o (picked in the chat)". */
  readonly label: string;
  /** One round: streams text through `onText`, returns the tool calls the model asked for. */
  send(system: string, turns: ChatTurn[], tools: ChatCompletionTool[], onText: (text: string) => void, signal: AbortSignal): Promise<ToolCall[]>;
}

export function languageModelBackend(model: vscode.LanguageModelChat): ChatBackend {
  return {
    label: `${model.name} (${model.vendor}, picked in the chat)`,
    async send(system, turns, tools, onText, signal) {
      const messages = [vscode.LanguageModelChatMessage.User(system), ...turns.map(toLanguageModelMessage)];
      const source = new vscode.CancellationTokenSource();
      const abort = () => source.cancel();
      signal.addEventListener("abort", abort, { once: true });
      try {
        const response = await model.sendRequest(
          messages,
          { tools: tools.map((t) => ({ name: t.function.name, description: t.function.description, inputSchema: t.function.parameters })), toolMode: vscode.LanguageModelChatToolMode.Auto },
          source.token,
        );
        const calls: ToolCall[] = [];
        for await (const part of response.stream) {
          if (part instanceof vscode.LanguageModelTextPart) onText(part.value);
          else if (part instanceof vscode.LanguageModelToolCallPart) calls.push({ id: part.callId, name: part.name, input: part.input });
        }
        return calls;
      } finally {
        signal.removeEventListener("abort", abort);
        source.dispose();
      }
    },
  };
}

function toLanguageModelMessage(turn: ChatTurn): vscode.LanguageModelChatMessage {
  if (turn.role === "user") return vscode.LanguageModelChatMessage.User(turn.text);
  if (turn.role === "tool") return vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(turn.callId, [new vscode.LanguageModelTextPart(turn.result)])]);
  const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] = [];
  if (turn.text) parts.push(new vscode.LanguageModelTextPart(turn.text));
  for (const call of turn.calls ?? []) parts.push(new vscode.LanguageModelToolCallPart(call.id, call.name, (call.input ?? {}) as object));
  return vscode.LanguageModelChatMessage.Assistant(parts);
}

export function endpointBackend(options: { baseUrl: string; apiKey: string; model: string }): ChatBackend {
  let client: OpenAI | undefined;
  return {
    label: `${options.model} at ${new URL(options.baseUrl).host} (the aibt.endpoint.baseUrl setting)`,
    async send(system, turns, tools, onText, signal) {
      // Loaded on first use: the client is large, and activation should not pay for a fallback.
      client ??= new (await import("openai")).default({ baseURL: options.baseUrl, apiKey: options.apiKey, maxRetries: 1 });
      const completion = await client.chat.completions.create(
        { model: options.model, messages: [{ role: "system", content: system }, ...turns.map(toOpenAiMessage)], tools },
        { signal },
      );
      const message = completion.choices[0]?.message;
      if (message?.content) onText(message.content);
      return (message?.tool_calls ?? []).flatMap((call) => {
        if (call.type !== "function") return [];
        let input: unknown = {};
        try {
          input = call.function.arguments ? JSON.parse(call.function.arguments) : {};
        } catch {
          input = call.function.arguments; // callTool tells the model its arguments were not JSON
        }
        return [{ id: call.id, name: call.function.name, input }];
      });
    },
  };
}

function toOpenAiMessage(turn: ChatTurn): OpenAI.Chat.Completions.ChatCompletionMessageParam {
  if (turn.role === "user") return { role: "user", content: turn.text };
  if (turn.role === "tool") return { role: "tool", tool_call_id: turn.callId, content: turn.result };
  return {
    role: "assistant",
    content: turn.text || null,
    ...(turn.calls?.length ? { tool_calls: turn.calls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) } })) } : {}),
  };
}
