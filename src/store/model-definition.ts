/**
 * What a model is, as saved in `.aibt/models/<id>.json`: a name, the tickers and cash it trades with,
 * a strategy (an LLM with its rules and parameters, or a coded built-in) and risk limits. The zod
 * schema is the single source: the types, the store's checks and the editors' JSON Schema come from it.
 */
import { z } from "zod";
import { OpeningRangeParamsSchema } from "../strategy/opening-range";
import { normalizeSymbol } from "../data/symbols";
import { InputError } from "../errors";
import type { ErrorLocation } from "../errors";
import { RiskLimitsSchema } from "../risk/guard";
import { BUILT_IN_STRATEGIES } from "../run/backtest";
import { SmaCrossParamsSchema } from "../strategy/sma-cross";

const SIGNATURE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

// No leading or trailing dash: the signature is a file name and a CLI argument, where "-x" reads as a flag.
const SignatureSchema = z
  .string()
  .regex(SIGNATURE, "use 1-64 lowercase letters, digits and dashes, not starting or ending with a dash (e.g. gpt-5-momentum)");

const TickerSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.^=/_:-]{1,24}$/, "use a ticker like AAPL, BRK.B or ETH/USD")
  .overwrite(normalizeSymbol);

const LlmParametersSchema = z
  .strictObject({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    maxTokens: z.number().int().positive().optional(),
    frequencyPenalty: z.number().min(-2).max(2).optional(),
    presencePenalty: z.number().min(-2).max(2).optional(),
    seed: z.number().int().optional(),
  })
  .describe("Sampling parameters sent with every request; left out = the provider's default");

const LlmStrategySchema = z.strictObject({
  kind: z.literal("llm"),
  model: z.string().trim().min(1).max(200).describe('The AI model id, e.g. "openai/gpt-4o-mini"'),
  baseUrl: z.url({ protocol: /^https?$/ }).optional().describe("An OpenAI-compatible endpoint; left out = the provider's own"),
  parameters: LlmParametersSchema.default({}),
  rules: z.array(z.string().trim().min(1).max(2000)).default([]).describe("Custom trading rules the model must follow, one per entry"),
  instructions: z.string().max(20_000).default("").describe("Custom instructions added to the system prompt"),
  maxSteps: z.number().int().min(1).max(50).default(8).describe("Most tool-call steps the model may take for one decision"),
});

const SmaCrossParametersSchema = SmaCrossParamsSchema.refine((p) => p.fast < p.slow, {
  message: "fast must be shorter than slow (e.g. fast 10, slow 50)",
  path: ["fast"],
});

// One parameters schema per built-in, checked against BUILT_IN_STRATEGIES at compile time: a new
// built-in that is not described here fails the type check instead of being accepted with any parameters.
const CODED_PARAMETERS = {
  "sma-cross": SmaCrossParametersSchema.default({ fast: 10, slow: 50 }),
  "buy-and-hold": z.strictObject({}).default({}),
  "opening-range": OpeningRangeParamsSchema.default({ rangeBars: 15, rewardRisk: 2 }),
} satisfies Record<(typeof BUILT_IN_STRATEGIES)[number], z.ZodType>;

const CodedStrategySchema = z.discriminatedUnion("name", [
  z.strictObject({ kind: z.literal("coded"), name: z.literal("sma-cross"), parameters: CODED_PARAMETERS["sma-cross"] }),
  z.strictObject({ kind: z.literal("coded"), name: z.literal("buy-and-hold"), parameters: CODED_PARAMETERS["buy-and-hold"] }),
  z.strictObject({ kind: z.literal("coded"), name: z.literal("opening-range"), parameters: CODED_PARAMETERS["opening-range"] }),
]);

export const ModelStrategySchema = z.discriminatedUnion("kind", [LlmStrategySchema, CodedStrategySchema]);

/** The fields a person chooses; the store adds the rest. */
const CHOSEN = {
  name: z.string().trim().min(1).max(80),
  signature: SignatureSchema.describe("The model's unique id and file name"),
  description: z.string().max(2000).default(""),
  allowedTickers: z
    .array(TickerSchema)
    .overwrite((tickers) => [...new Set(tickers)])
    .default([])
    .describe("Symbols the model may trade, any spelling (eth-usd is ETH/USD); empty = any"),
  // The same bound as the CLI's --cash: far from overflow in equity arithmetic.
  initialCash: z.number().positive().max(1e12).default(100_000),
  strategy: ModelStrategySchema,
  risk: RiskLimitsSchema.default({}),
};

export const ModelInputSchema = z.strictObject({ ...CHOSEN, signature: CHOSEN.signature.optional() });

export const ModelDefinitionSchema = z
  .strictObject({
    id: SignatureSchema.describe("Equal to signature, and to the file name without .json"),
    ...CHOSEN,
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
    version: z.number().int().min(1).describe("Raised by one on every update"),
  })
  .refine((model) => model.id === model.signature, { message: "id must equal signature", path: ["id"] })
  .meta({ title: "AIBT model definition", description: "A model saved in .aibt/models/<id>.json" });

export type ModelDefinition = z.output<typeof ModelDefinitionSchema>;
export type ModelInput = z.input<typeof ModelInputSchema>;
/** A validated input: defaults filled in, tickers normalized, the signature derived when absent. */
export type ValidModelInput = z.output<typeof ModelInputSchema> & { signature: string };
export type ModelStrategy = ModelDefinition["strategy"];
export type LlmStrategy = Extract<ModelStrategy, { kind: "llm" }>;
export type CodedStrategy = Extract<ModelStrategy, { kind: "coded" }>;

/** True for a valid signature, which is also a model's id and file name. */
export function isModelId(id: unknown): id is string {
  return typeof id === "string" && SIGNATURE.test(id);
}

/** "GPT-5 Momentum!" -> "gpt-5-momentum"; "" when the name has no letters or digits to keep. */
export function signatureFrom(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // accents go, the letters stay: "Café" -> "cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}

/** For editors: the JSON Schema of a saved model file (fields with defaults may be left out by hand). */
export function modelDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ModelDefinitionSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
}

/** Checks what a caller gives to create a model (flags, a JSON file, a notebook cell). */
export function parseModelInput(raw: unknown, where: ErrorLocation = {}): ValidModelInput {
  rejectSecrets(raw, [], where);
  const input = isRecord(raw) ? { ...raw } : raw;
  if (isRecord(input) && input.signature === undefined && typeof input.name === "string") {
    const derived = signatureFrom(input.name);
    // A blank name is left to the schema, which says the name is empty.
    if (derived === "" && input.name.trim() !== "") {
      throw new InputError(`cannot make a signature from the name "${input.name}"`, "Give one: lowercase letters, digits and dashes, e.g. --signature my-model", { ...where, field: "signature" });
    }
    if (derived !== "") input.signature = derived;
  }
  return check(ModelInputSchema, input, where, "Fix it and try again; `aibt models schema` describes every field") as ValidModelInput;
}

/** Checks a saved model file's content (or what is about to be saved in it). */
export function parseModelDefinition(raw: unknown, file: string, fix = "Fix that field in the file (`aibt models schema` describes every field); the file was left as it is"): ModelDefinition {
  rejectSecrets(raw, [], { file });
  return check(ModelDefinitionSchema, raw, { file }, fix);
}

/** JSON.parse, with the file and line in the error (from the "position N" V8 puts in its message). */
export function parseJsonText(text: string, file: string, fix: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split("\n").length : undefined;
    throw new InputError(`not valid JSON (${message})`, fix, { file, line });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function check<T extends z.ZodType>(schema: T, raw: unknown, where: ErrorLocation, fix: string): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem${parsed.error.issues.length > 2 ? "s" : ""})` : "";
  if (issue.code === "unrecognized_keys") {
    const field = fieldPath([...issue.path, issue.keys[0]!]);
    throw new InputError(`unknown field "${issue.keys[0]}"${more}`, "Check its spelling; `aibt models schema` lists the fields", { ...where, field });
  }
  throw new InputError(`${explain(issue)}${more}`, fix, { ...where, field: fieldPath(issue.path) || undefined });
}

function explain(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) return "is required";
  if (issue.code === "too_big" && issue.origin === "number") return `must be at most ${issue.maximum}${issue.inclusive ? "" : " (exclusive)"}`;
  if (issue.code === "too_small" && issue.origin === "number") return issue.minimum === 0 && !issue.inclusive ? "must be positive" : `must be at least ${issue.minimum}${issue.inclusive ? "" : " (exclusive)"}`;
  if (issue.code === "too_small" && issue.origin === "string" && issue.minimum === 1) return "must not be empty";
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}

/** ["risk", "sessionWindows", 0, "start"] -> "risk.sessionWindows[0].start" */
function fieldPath(path: PropertyKey[]): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i > 0 ? "." : ""}${String(part)}`)).join("");
}

// Split into words (camelCase, snake_case, kebab-case) so "apiKey" and "api_key" match while
// "maxTokens" or "keyword" do not.
const SECRET_WORDS = new Set(["key", "apikey", "token", "secret", "password", "passwd", "passphrase", "credential", "credentials", "authorization"]);
const SECRET_VALUE = /\b(sk|sk-proj|sk-ant)-[A-Za-z0-9_-]{20,}/;

/**
 * API keys live in the environment or VS Code's SecretStorage. Model files are shared, committed and
 * snapshotted into every run, so a key written into one would leak everywhere: refuse it by name, at
 * any depth, and refuse values that look like an OpenAI or Anthropic key wherever they were pasted.
 */
function rejectSecrets(value: unknown, path: PropertyKey[], where: ErrorLocation): void {
  const fix = "API keys belong in the environment (OPENAI_API_KEY) or VS Code's SecretStorage, never in model files: remove it";
  if (typeof value === "string") {
    if (SECRET_VALUE.test(value)) throw new InputError("this text looks like an API key", fix, { ...where, field: fieldPath(path) });
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, inner] of Object.entries(value)) {
    const words = key.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).map((word) => word.toLowerCase());
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (words.some((word) => SECRET_WORDS.has(word))) throw new InputError(`"${key}" looks like a secret`, fix, { ...where, field: fieldPath(at) });
    rejectSecrets(inner, at, where);
  }
}
