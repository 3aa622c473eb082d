/**
 * AIBT: Create Model, a multi-step input: name, kind (a coded strategy or an LLM), its parameters,
 * tickers and cash. Every step validates as the person types; the whole is checked by the same schema
 * the store uses before anything is written.
 */
import * as vscode from "vscode";
import { isInputError } from "../../src/errors";
import { type ModelInput, parseModelInput, signatureFrom } from "../../src/store/model-definition";
import { ModelStore } from "../../src/store/models";
import { readSettings, requireStoreFolder } from "../settings";

/** What the command accepts instead of asking (tests and other commands pass it). */
export type CreateModelArgs = ModelInput;

export async function createModel(args?: CreateModelArgs): Promise<string | undefined> {
  const folder = requireStoreFolder();
  const store = new ModelStore(folder);
  const input = args ?? (await askModel(store));
  if (!input) return undefined;
  const model = store.create(input);
  await vscode.window.showTextDocument(vscode.Uri.file(store.fileOf(model.id)), { preview: false });
  void vscode.window.showInformationMessage(`Model ${model.id} created in .aibt/models.`, "Run Backtest").then((choice) => {
    if (choice) void vscode.commands.executeCommand("aibt.runBacktest", { model: model.id });
  });
  return model.id;
}

const TOTAL_STEPS = 5;

async function askModel(store: ModelStore): Promise<ModelInput | undefined> {
  const name = await ask({
    step: 1,
    title: "Model name",
    prompt: "A name; its id (file name) is derived from it",
    validate: (value) => {
      if (value.trim() === "") return "Give the model a name, e.g. SMA 20/100";
      const id = signatureFrom(value);
      if (id === "") return "The name needs letters or digits to make an id from";
      if (store.exists(id)) return `A model ${id} exists already: pick another name`;
      return undefined;
    },
  });
  if (name === undefined) return undefined;

  const kinds = [
    { label: "sma-cross", description: "coded: moving-average cross", strategy: "coded" as const },
    { label: "buy-and-hold", description: "coded: buy on the first bar and hold", strategy: "coded" as const },
    { label: "opening-range", description: "coded: intraday opening-range breakout", strategy: "coded" as const },
    { label: "LLM", description: "an AI model deciding with tools, rules and instructions", strategy: "llm" as const },
  ];
  const kind = await vscode.window.showQuickPick(kinds, { title: `Create Model (2/${TOTAL_STEPS}): strategy`, ignoreFocusOut: true });
  if (!kind) return undefined;

  let strategy: ModelInput["strategy"];
  if (kind.strategy === "llm") {
    const model = await ask({ step: 3, title: "AI model id", prompt: "The model on your OpenAI-compatible endpoint, e.g. openai/gpt-4o-mini", value: readSettings().aiModel || "openai/gpt-4o-mini", validate: (v) => (v.trim() ? undefined : "Name the AI model, e.g. openai/gpt-4o-mini") });
    if (model === undefined) return undefined;
    const instructions = await ask({ step: 3, title: "Instructions (optional)", prompt: "Added to the system prompt, e.g. Trade momentum; never hold more than 20% in one name", value: "" });
    if (instructions === undefined) return undefined;
    strategy = { kind: "llm", model: model.trim(), instructions };
  } else if (kind.label === "sma-cross") {
    const windows = await ask({
      step: 3,
      title: "Fast and slow windows",
      prompt: "Two whole numbers of bars, fast first, e.g. 20 100",
      value: "10 50",
      validate: (v) => {
        const [fast, slow, extra] = v.trim().split(/[\s,/]+/).map(Number);
        if (extra !== undefined || !Number.isInteger(fast) || !Number.isInteger(slow) || fast! <= 0 || slow! <= 0) return "Two positive whole numbers, e.g. 20 100";
        return fast! < slow! ? undefined : "The fast window must be shorter than the slow one";
      },
    });
    if (windows === undefined) return undefined;
    const [fast, slow] = windows.trim().split(/[\s,/]+/).map(Number);
    strategy = { kind: "coded", name: "sma-cross", parameters: { fast: fast!, slow: slow! } };
  } else {
    strategy = { kind: "coded", name: kind.label as "buy-and-hold" | "opening-range" };
  }

  const tickers = await ask({ step: 4, title: "Tickers (optional)", prompt: "Symbols the model may trade, comma-separated (empty: any)", value: "" });
  if (tickers === undefined) return undefined;
  const cash = await ask({
    step: 5,
    title: "Initial cash",
    prompt: "Starting cash in USD",
    value: "100000",
    validate: (v) => {
      const n = Number(v.replace(/[_,]/g, ""));
      return Number.isFinite(n) && n > 0 && n <= 1e12 ? undefined : "A positive amount, e.g. 100000";
    },
  });
  if (cash === undefined) return undefined;
  const input: ModelInput = {
    name: name.trim(),
    strategy,
    allowedTickers: tickers.split(",").map((t) => t.trim()).filter(Boolean),
    initialCash: Number(cash.replace(/[_,]/g, "")),
  };
  try {
    parseModelInput(input);
  } catch (error) {
    // Tickers are checked by the schema (spellings, duplicates): say which part was wrong.
    void vscode.window.showErrorMessage(isInputError(error) ? `${error.problem}. ${error.fix}` : String(error));
    return undefined;
  }
  return input;
}

function ask(options: { step: number; title: string; prompt: string; value?: string; validate?: (value: string) => string | undefined }): Promise<string | undefined> {
  return Promise.resolve(
    vscode.window.showInputBox({
      title: `Create Model (${options.step}/${TOTAL_STEPS}): ${options.title}`,
      prompt: options.prompt,
      value: options.value ?? "",
      ignoreFocusOut: true,
      ...(options.validate ? { validateInput: options.validate } : {}),
    }),
  );
}
