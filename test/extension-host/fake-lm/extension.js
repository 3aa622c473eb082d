// Test only: a language model provider for the chat tests (VS Code's stable provider API). Its script,
// a crude imitation of a model that follows its instructions: when the last message holds no tool
// result, it calls a tool: the one the question names ("tool:NAME"), else the last one the instructions
// tell it to use ("use get_performance"), with the run the question names ("run:REF" or MODEL/run-NNNN).
// Given a tool result, it answers with the result's numbers quoted, so a test can tell the answer came
// from real run data. Each request is logged for the tests.
const vscode = require("vscode");

const requests = [];

function textOf(message) {
  return message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : "")).join("");
}

function activate(context) {
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider("aibt-test", {
      provideLanguageModelChatInformation: () => [
        {
          id: "aibt-test-analyst",
          name: "Scripted analyst",
          family: "aibt-test",
          version: "1",
          maxInputTokens: 200000,
          maxOutputTokens: 8000,
          capabilities: { toolCalling: true },
          isUserSelectable: true, // offered in the Chat view's model picker
        },
      ],
      async provideLanguageModelChatResponse(model, messages, options, progress, token) {
        requests.push({ messages: messages.length, tools: (options.tools ?? []).map((t) => t.name) });
        const last = messages[messages.length - 1];
        const result = last.content.find((part) => part instanceof vscode.LanguageModelToolResultPart);
        if (result) {
          const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : "")).join("");
          const sharpe = /"sharpe":(-?[\d.]+)/.exec(text);
          // The tool it called and the run it asked about, else the first run the result names (list_runs).
          const call = messages.flatMap((m) => m.content).find((part) => part instanceof vscode.LanguageModelToolCallPart && part.callId === result.callId);
          const run = call?.input?.run ?? /"run":"([^"]+)"/.exec(text)?.[1];
          const found = sharpe ? `${run ? `${run}: its` : "The run's"} Sharpe ratio is ${sharpe[1]}.` : `The tool said: ${text.slice(0, 200)}`;
          progress.report(new vscode.LanguageModelTextPart(`From ${call?.name ?? "a tool"}: ${found}`));
          return;
        }
        const question = textOf(messages.filter((m) => m.role === vscode.LanguageModelChatMessageRole.User).pop());
        const instructed = [...textOf(messages[0]).matchAll(/\buse (\w+_\w+)/gi)].map((match) => match[1]);
        const tool = /tool:(\w+)/.exec(question)?.[1] ?? instructed.pop() ?? "list_runs";
        const run = /run:(\S+)/.exec(question)?.[1] ?? /[\w.-]+\/run-\d+/.exec(question)?.[0];
        if (token.isCancellationRequested) return;
        progress.report(new vscode.LanguageModelToolCallPart(`call-${requests.length}`, tool, run ? { run } : {}));
      },
      provideTokenCount: async (model, text) => Math.ceil((typeof text === "string" ? text : JSON.stringify(text)).length / 4),
    }),
    vscode.commands.registerCommand("aibtFakeLm.requests", () => requests),
  );
  // VS Code asks a vendor for its models only when something selects models (Copilot does, for every
  // vendor, in a usual install); until then the Chat view's picker offers none of them.
  void vscode.lm.selectChatModels({ vendor: "aibt-test" });
}

module.exports = { activate };
