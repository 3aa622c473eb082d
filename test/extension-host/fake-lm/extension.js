// Test only: a language model provider for the chat tests (VS Code's stable provider API). Its script:
// when the last message holds no tool result, it calls the tool named in the question ("tool:NAME" and
// "run:REF" words, else list_runs); given a tool result, it answers with the result's numbers quoted,
// so a test can tell the answer came from real run data. Each request is logged for the tests.
const vscode = require("vscode");

const requests = [];

function textOf(message) {
  return message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : "")).join("");
}

function activate(context) {
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider("aibt-test", {
      provideLanguageModelChatInformation: () => [
        { id: "aibt-test-analyst", name: "Scripted analyst", family: "aibt-test", version: "1", maxInputTokens: 200000, maxOutputTokens: 8000, capabilities: { toolCalling: true } },
      ],
      async provideLanguageModelChatResponse(model, messages, options, progress, token) {
        requests.push({ messages: messages.length, tools: (options.tools ?? []).map((t) => t.name) });
        const last = messages[messages.length - 1];
        const result = last.content.find((part) => part instanceof vscode.LanguageModelToolResultPart);
        if (result) {
          const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : "")).join("");
          const sharpe = /"sharpe":(-?[\d.]+)/.exec(text);
          progress.report(new vscode.LanguageModelTextPart(sharpe ? `The run's Sharpe ratio is ${sharpe[1]}.` : `The tool said: ${text.slice(0, 200)}`));
          return;
        }
        const question = textOf(messages.filter((m) => m.role === vscode.LanguageModelChatMessageRole.User).pop());
        const tool = /tool:(\w+)/.exec(question)?.[1] ?? "list_runs";
        const run = /run:(\S+)/.exec(question)?.[1];
        if (token.isCancellationRequested) return;
        progress.report(new vscode.LanguageModelToolCallPart(`call-${requests.length}`, tool, run ? { run } : {}));
      },
      provideTokenCount: async (model, text) => Math.ceil((typeof text === "string" ? text : JSON.stringify(text)).length / 4),
    }),
    vscode.commands.registerCommand("aibtFakeLm.requests", () => requests),
  );
}

module.exports = { activate };
