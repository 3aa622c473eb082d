/** `aibt models`: create, list, show and delete the model definitions of a workspace. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";
import type { RiskLimits } from "../risk/guard";
import { BUILT_IN_STRATEGIES } from "../run/backtest";
import { modelDefinitionJsonSchema, parseJsonText, parseModelInput } from "../store/model-definition";
import type { ModelDefinition, ModelInput, ModelStrategy } from "../store/model-definition";
import { ModelStore } from "../store/models";
import { RunStore } from "../store/runs";
import { choiceFlag, numberFlag, parseCommandLine, parseFlags, stringFlag, toJson } from "./args";
import { columns } from "./table";
import type { Options } from "./args";

export const MODELS_HELP = `Usage: aibt models <list | show | create | delete | schema> [options]

Model definitions, saved one per file in .aibt/models/<id>.json of a workspace.

  aibt models list [--json]       every model, and any file that does not load
  aibt models show ID [--json]    one model
  aibt models create ...          a new model (options below); prints its id
  aibt models delete ID           remove a model (its runs keep their own copy)
  aibt models schema              the JSON Schema of a model file, for editors

Every subcommand takes --workspace DIR (default: the current folder).

Create from a file:
  --file FILE            the definition as JSON: the fields of a model file without id, version,
                         createdAt and updatedAt (see \`aibt models schema\`)

Create from options:
  --name NAME            the model's name, 1-80 characters (required)
  --signature S          its unique id (default: from the name, "GPT-5 Momentum!" -> gpt-5-momentum)
  --description TEXT     what it is for
  --tickers LIST         symbols it may trade, e.g. AAPL,MSFT,ETH-USD (default: any)
  --cash N               starting cash (default 100000)
 a coded strategy:
  --strategy NAME        ${BUILT_IN_STRATEGIES.join(" | ")}
  --fast N --slow N      sma-cross windows in bars (default 10 and 50)
 or an LLM:
  --llm MODEL_ID         the AI model, e.g. openai/gpt-4o-mini
  --base-url URL         an OpenAI-compatible endpoint (default: the provider's)
  --temperature T        0 to 2
  --max-steps N          tool-call steps per decision, 1 to 50 (default 8)
  --rule TEXT            a rule the model must follow (repeat the flag for more rules)
  --instructions TEXT    custom instructions
 risk limits:
  --max-position-fraction F   largest position as a fraction of equity (0.25 = 25%)
  --max-trades-per-day N      orders per trading day, all symbols together
  --daily-loss-cap F          no new entries for the day after losing this fraction (0.05 = 5%)

  --json                 print the created definition instead of its id

API keys never go in model files: set OPENAI_API_KEY in the environment.
`;

const COMMON: Options = { workspace: { type: "string" }, help: { type: "boolean", short: "h" } };
const WITH_JSON: Options = { ...COMMON, json: { type: "boolean" } };
const CODED_FLAGS = ["fast", "slow"];
const LLM_FLAGS = ["base-url", "temperature", "max-steps", "rule", "instructions"];
const CREATE: Options = {
  ...WITH_JSON,
  file: { type: "string" },
  name: { type: "string" },
  signature: { type: "string" },
  description: { type: "string" },
  tickers: { type: "string" },
  cash: { type: "string" },
  strategy: { type: "string" },
  llm: { type: "string" },
  rule: { type: "string", multiple: true },
  instructions: { type: "string" },
  "max-position-fraction": { type: "string" },
  "max-trades-per-day": { type: "string" },
  "daily-loss-cap": { type: "string" },
  fast: { type: "string" },
  slow: { type: "string" },
  "base-url": { type: "string" },
  temperature: { type: "string" },
  "max-steps": { type: "string" },
};

type Flags = Record<string, unknown>;
const SUBCOMMANDS = ["list", "show", "create", "delete", "schema"];

export async function modelsCommand(argv: string[], out: (text: string) => void): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") return out(MODELS_HELP);
  if (sub === "list") {
    const flags = parseFlags("models list", rest, WITH_JSON);
    if (flags.help) return out(MODELS_HELP);
    return listModels(storeOf(flags), flags, out);
  }
  if (sub === "show" || sub === "delete") {
    const { id, flags } = withId(sub, rest, sub === "show" ? WITH_JSON : COMMON);
    if (flags.help) return out(MODELS_HELP);
    const store = storeOf(flags);
    if (sub === "delete") {
      store.delete(id!);
      // Runs keep their own frozen snapshot, so a running one finishes unharmed; say so.
      const runs = new RunStore(store.workspaceDir);
      const running = (await runs.list(id!)).runs.filter((run) => run.status === "running" && runs.isRunning(`${id}/${run.id}`));
      const note = running.length ? ` ${running.map((r) => `${id}/${r.id}`).join(", ")} ${running.length === 1 ? "is" : "are"} still running and will finish with ${running.length === 1 ? "its" : "their"} own snapshot.` : "";
      return out(`Deleted model "${id}" (its runs keep their own copy of it).${note}\n`);
    }
    const model = store.get(id!);
    return out(flags.json ? `${toJson(model)}\n` : describeModel(model, store.fileOf(model.id)));
  }
  if (sub === "create") {
    const flags = parseFlags("models create", rest, CREATE);
    if (flags.help) return out(MODELS_HELP);
    const store = storeOf(flags);
    const model = store.create(flags.file !== undefined ? inputFromFile(flags) : inputFromFlags(flags));
    return out(flags.json ? `${toJson(model)}\n` : `${model.id}\n`);
  }
  if (sub === "schema") {
    const flags = parseFlags("models schema", rest, COMMON);
    if (flags.help) return out(MODELS_HELP);
    return out(`${JSON.stringify(modelDefinitionJsonSchema(), null, 2)}\n`);
  }
  throw new InputError(`no subcommand "${sub}" of aibt models`, `Use one of ${SUBCOMMANDS.join(", ")}, e.g. aibt models list`);
}

function storeOf(flags: Flags): ModelStore {
  return new ModelStore(path.resolve(stringFlag(flags, "workspace") ?? "."));
}

/** `show ID` and `delete ID`: the one positional argument, wherever it stands among the flags. */
function withId(sub: string, argv: string[], options: Options): { id: string | undefined; flags: Flags } {
  const { flags, positionals } = parseCommandLine(`models ${sub}`, argv, options);
  if (flags.help) return { id: undefined, flags };
  if (positionals.length === 0) throw new InputError(`models ${sub} needs a model id`, `e.g. aibt models ${sub} gpt-5-momentum; \`aibt models list\` shows the ids`);
  if (positionals.length > 1) throw new InputError(`unexpected argument "${positionals[1]}"`, `aibt models ${sub} takes one model id`);
  return { id: positionals[0], flags };
}

function listModels(store: ModelStore, flags: Flags, out: (text: string) => void): void {
  const { models, problems } = store.list();
  if (flags.json) return out(`${toJson({ models, problems })}\n`);
  // Bad files go to stderr as warnings: one broken file must not hide the good ones, nor pass unnoticed.
  for (const problem of problems) process.stderr.write(`aibt: warning: ${problem.message}\n`);
  if (models.length === 0) return out(`No models in ${store.folder}. Create one with \`aibt models create --name NAME --strategy sma-cross\`.\n`);
  out(`${columns([["ID", "NAME", "STRATEGY", "VERSION", "UPDATED"], ...models.map((m) => [m.id, m.name, strategyLine(m.strategy), String(m.version), m.updatedAt])])}\n`);
}

function strategyLine(strategy: ModelStrategy): string {
  if (strategy.kind === "llm") return `llm ${strategy.model}`;
  if (strategy.name === "sma-cross") return `sma-cross ${strategy.parameters.fast}/${strategy.parameters.slow}`;
  return strategy.name;
}

function describeModel(model: ModelDefinition, file: string): string {
  const lines = [`${model.name} (${model.id}), version ${model.version}, updated ${model.updatedAt}`];
  const add = (label: string, value: string) => lines.push(`  ${label.padEnd(14)}${value}`);
  if (model.description) add("Description", model.description);
  add("Strategy", strategyLine(model.strategy));
  if (model.strategy.kind === "llm") {
    const { parameters, baseUrl, maxSteps, rules, instructions } = model.strategy;
    if (baseUrl) add("Endpoint", baseUrl);
    const sampling = Object.entries(parameters).map(([key, value]) => `${key} ${value}`);
    add("Parameters", [...sampling, `max ${maxSteps} steps a decision`].join(", "));
    rules.forEach((rule, i) => add(i === 0 ? "Rules" : "", `${i + 1}. ${rule}`));
    if (instructions) add("Instructions", instructions.replace(/\s*\n\s*/g, " "));
  }
  add("Tickers", model.allowedTickers.length > 0 ? model.allowedTickers.join(", ") : "any");
  add("Cash", model.initialCash.toLocaleString("en-US", { maximumFractionDigits: 2 }));
  const risk = Object.entries(model.risk).map(([key, value]) => `${key} ${JSON.stringify(value)}`);
  add("Risk", risk.length > 0 ? risk.join(", ") : "no limits");
  add("File", file);
  return `${lines.join("\n")}\n`;
}

function inputFromFile(flags: Flags): ModelInput {
  const others = Object.keys(flags).filter((flag) => !["file", "workspace", "json"].includes(flag));
  if (others.length > 0) {
    throw new InputError(`--file holds the whole definition, so --${others[0]} cannot be added to it`, `Put that setting in the file, or drop --file and use options only`);
  }
  const file = path.resolve(String(flags.file));
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`--file ${file} not found`, "Check the path", { file });
    if (code === "EISDIR") throw new InputError(`--file ${file} is a folder`, "Give a JSON file", { file });
    throw error;
  }
  // Checked here, and not only by the store, so that a mistake names this file.
  return parseModelInput(parseJsonText(text, file, "Fix the file; `aibt models schema` describes the fields"), { file });
}

function inputFromFlags(flags: Flags): ModelInput {
  const name = stringFlag(flags, "name");
  if (name === undefined) throw new InputError("--name is required", 'e.g. aibt models create --name "Trend follower" --strategy sma-cross');
  const coded = choiceFlag(flags, "strategy", BUILT_IN_STRATEGIES);
  const llm = stringFlag(flags, "llm");
  if ((coded === undefined) === (llm === undefined)) {
    throw new InputError(
      coded === undefined ? "a model needs a strategy: --strategy or --llm" : "--strategy and --llm cannot both be given",
      `Use --strategy ${BUILT_IN_STRATEGIES.join("|")} for a coded model, or --llm MODEL_ID (e.g. openai/gpt-4o-mini) for an LLM`,
    );
  }
  const foreign = coded === "sma-cross" ? LLM_FLAGS : coded === "buy-and-hold" ? [...LLM_FLAGS, ...CODED_FLAGS] : CODED_FLAGS;
  const misplaced = foreign.find((flag) => flags[flag] !== undefined);
  if (misplaced) throw new InputError(`--${misplaced} does not apply to ${coded ? `--strategy ${coded}` : "--llm"}`, `Drop --${misplaced}`);
  let strategy: ModelInput["strategy"];
  if (coded === "sma-cross") {
    const fast = numberFlag(flags, "fast", { integer: true, min: 1, example: 10 }) ?? 10;
    const slow = numberFlag(flags, "slow", { integer: true, min: 2, example: 50 }) ?? 50;
    if (fast >= slow) throw new InputError(`--fast (${fast}) must be shorter than --slow (${slow})`, "e.g. --fast 10 --slow 50");
    strategy = { kind: "coded", name: "sma-cross", parameters: { fast, slow } };
  } else if (coded === "buy-and-hold") {
    strategy = { kind: "coded", name: "buy-and-hold" };
  } else {
    const temperature = numberFlag(flags, "temperature", { min: 0, max: 2, example: 0.2 });
    strategy = {
      kind: "llm",
      model: llm!,
      baseUrl: stringFlag(flags, "base-url"),
      parameters: temperature === undefined ? {} : { temperature },
      rules: (flags.rule as string[] | undefined) ?? [],
      instructions: flags.instructions === undefined ? undefined : String(flags.instructions),
      maxSteps: numberFlag(flags, "max-steps", { integer: true, min: 1, max: 50, example: 8 }),
    };
  }
  const risk: RiskLimits = {
    maxPositionFraction: numberFlag(flags, "max-position-fraction", { exclusiveMin: 0, max: 10, example: 0.25 }),
    maxTradesPerDay: numberFlag(flags, "max-trades-per-day", { integer: true, min: 1, example: 10 }),
    dailyLossCap: numberFlag(flags, "daily-loss-cap", { exclusiveMin: 0, max: 1, example: 0.05 }),
  };
  const tickers = stringFlag(flags, "tickers");
  return {
    name,
    signature: stringFlag(flags, "signature"),
    description: flags.description === undefined ? undefined : String(flags.description),
    allowedTickers: tickers?.split(",").map((ticker) => ticker.trim()).filter((ticker) => ticker !== ""),
    initialCash: numberFlag(flags, "cash", { exclusiveMin: 0, max: 1e12, example: 100000 }),
    strategy,
    risk,
  };
}
