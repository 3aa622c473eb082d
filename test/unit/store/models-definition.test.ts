// The model definition schema: defaults, derived signatures, normalized tickers, and refusals that name the field.
import { describe, expect, it } from "vitest";
import { inputErrorOf as refusal } from "../input-error";
import { ModelDefinitionSchema, modelDefinitionJsonSchema, parseModelDefinition, parseModelInput, signatureFrom } from "../../../src/store/model-definition";

const SMA = { kind: "coded", name: "sma-cross", parameters: { fast: 10, slow: 50 } };
const LLM = { kind: "llm", model: "openai/gpt-4o-mini" };


describe("signatureFrom", () => {
  it("makes a lowercase, dashed id from a name", () => {
    expect(signatureFrom("GPT-5 Momentum!")).toBe("gpt-5-momentum");
    expect(signatureFrom("  Café  Crème -- v2 ")).toBe("cafe-creme-v2");
    expect(signatureFrom("x".repeat(70))).toHaveLength(64);
    expect(signatureFrom(`${"a".repeat(63)} b`)).toBe("a".repeat(63)); // no dash left at the end
    expect(signatureFrom("!!!")).toBe("");
  });
});

describe("parseModelInput", () => {
  it("fills every default and derives the signature", () => {
    expect(parseModelInput({ name: "GPT-5 Momentum!", strategy: LLM })).toEqual({
      name: "GPT-5 Momentum!",
      signature: "gpt-5-momentum",
      description: "",
      allowedTickers: [],
      initialCash: 100_000,
      strategy: { kind: "llm", model: "openai/gpt-4o-mini", parameters: {}, rules: [], instructions: "", maxSteps: 8 },
      risk: {},
    });
    const coded = parseModelInput({ name: "Trend", signature: "trend-1", strategy: { kind: "coded", name: "sma-cross" } });
    expect(coded.signature).toBe("trend-1");
    expect(coded.strategy).toEqual(SMA);
    expect(parseModelInput({ name: "Hold", strategy: { kind: "coded", name: "buy-and-hold" } }).strategy).toEqual({ kind: "coded", name: "buy-and-hold", parameters: {} });
  });

  it("normalizes tickers with the engine's one spelling, and drops repeats", () => {
    const model = parseModelInput({ name: "Mix", strategy: SMA, allowedTickers: ["eth-usd", " aapl ", "ETHUSD", "brk-b"] });
    expect(model.allowedTickers).toEqual(["ETH/USD", "AAPL", "BRK.B"]);
  });

  it("refuses fast >= slow for sma-cross", () => {
    const error = refusal(() => parseModelInput({ name: "X", strategy: { ...SMA, parameters: { fast: 50, slow: 50 } } }));
    expect(error.where.field).toBe("strategy.parameters.fast");
    expect(error.message).toMatch(/fast must be shorter than slow/);
  });

  it("refuses an out-of-range temperature, naming its path", () => {
    const error = refusal(() => parseModelInput({ name: "X", strategy: { ...LLM, parameters: { temperature: 2.5 } } }));
    expect(error.where.field).toBe("strategy.parameters.temperature");
    expect(error.message).toContain("must be at most 2");
    expect(refusal(() => parseModelInput({ name: "X", strategy: { ...LLM, maxSteps: 51 } })).where.field).toBe("strategy.maxSteps");
    expect(refusal(() => parseModelInput({ name: "X", strategy: { ...LLM, parameters: { topP: -0.1 } } })).where.field).toBe("strategy.parameters.topP");
  });

  it("refuses unknown fields by name, at any depth", () => {
    expect(refusal(() => parseModelInput({ name: "X", strategy: SMA, colour: "red" })).message).toContain('field "colour": unknown field "colour"');
    expect(refusal(() => parseModelInput({ name: "X", strategy: { ...LLM, temprature: 1 } })).where.field).toBe("strategy.temprature");
    expect(refusal(() => parseModelInput({ name: "X", strategy: { ...SMA, parameters: { fast: 1, slow: 5, period: 3 } } })).where.field).toBe("strategy.parameters.period");
  });

  it("refuses what is not a model: unknown strategy kinds and names, bad signatures, empty names, bad URLs", () => {
    expect(refusal(() => parseModelInput({ name: "X", strategy: { kind: "magic" } })).where.field).toBe("strategy.kind");
    expect(refusal(() => parseModelInput({ name: "X", strategy: { kind: "coded", name: "rsi" } })).message).toMatch(/strategy\.name.*sma-cross/);
    expect(refusal(() => parseModelInput({ name: "X", signature: "Bad Id", strategy: SMA })).where.field).toBe("signature");
    expect(refusal(() => parseModelInput({ name: "X", signature: "-x", strategy: SMA })).where.field).toBe("signature");
    expect(refusal(() => parseModelInput({ name: " ", strategy: SMA })).message).toMatch(/field "name": must not be empty/);
    expect(refusal(() => parseModelInput({ name: "x".repeat(81), strategy: SMA })).where.field).toBe("name");
    expect(refusal(() => parseModelInput({ name: "!!!", strategy: SMA })).message).toMatch(/cannot make a signature/);
    expect(refusal(() => parseModelInput({ name: "X", strategy: { ...LLM, baseUrl: "ftp://example.com" } })).where.field).toBe("strategy.baseUrl");
    expect(refusal(() => parseModelInput({ name: "X", strategy: SMA, initialCash: 0 })).message).toMatch(/initialCash.*positive/);
    expect(refusal(() => parseModelInput({ name: "X" })).message).toMatch(/field "strategy": is required/);
    expect(refusal(() => parseModelInput({ name: "X", strategy: SMA, allowedTickers: ["AAPL MSFT"] })).where.field).toBe("allowedTickers[0]");
    expect(refusal(() => parseModelInput({ name: "X", strategy: SMA, risk: { dailyLossCap: 2 } })).where.field).toBe("risk.dailyLossCap");
  });

  it("refuses secret-looking fields at any depth, and pasted keys, pointing to the environment", () => {
    for (const [input, field] of [
      [{ name: "X", strategy: LLM, apiKey: "abc" }, "apiKey"],
      [{ name: "X", strategy: { ...LLM, API_KEY: "abc" } }, "strategy.API_KEY"],
      [{ name: "X", strategy: { ...LLM, parameters: { accessToken: "abc" } } }, "strategy.parameters.accessToken"],
      [{ name: "X", strategy: SMA, risk: { sessionWindows: [{ start: "09:30", end: "16:00", Password: "x" }] } }, "risk.sessionWindows[0].Password"],
      [{ name: "X", strategy: { ...LLM, key: "abc" } }, "strategy.key"],
      [{ name: "X", strategy: { ...LLM, secret: "abc" } }, "strategy.secret"],
      [{ name: "X", strategy: { ...LLM, instructions: "use sk-proj-abcdefghijklmnopqrstuvwxyz012345" } }, "strategy.instructions"],
    ] as const) {
      const error = refusal(() => parseModelInput(input));
      expect(error.where.field).toBe(field);
      expect(error.message).toMatch(/OPENAI_API_KEY.*SecretStorage.*never in model files/);
    }
    // Words that only contain a secret word are fine: maxTokens is a sampling parameter.
    expect(parseModelInput({ name: "X", strategy: { ...LLM, parameters: { maxTokens: 500 } } }).strategy).toMatchObject({ parameters: { maxTokens: 500 } });
  });
});

describe("a saved definition", () => {
  const saved = {
    id: "trend",
    name: "Trend",
    signature: "trend",
    description: "",
    allowedTickers: ["AAPL"],
    initialCash: 100_000,
    strategy: SMA,
    risk: { maxTradesPerDay: 3 },
    createdAt: "2024-03-01T14:30:00.000Z",
    updatedAt: "2024-03-01T14:30:00.000Z",
    version: 1,
  };

  it("parses as it is written", () => {
    expect(parseModelDefinition(saved, "trend.json")).toEqual(saved);
  });

  it("needs id = signature, ISO times and a version from 1", () => {
    expect(refusal(() => parseModelDefinition({ ...saved, id: "other" }, "trend.json")).where).toEqual({ file: "trend.json", field: "id" });
    expect(refusal(() => parseModelDefinition({ ...saved, createdAt: "yesterday" }, "trend.json")).where.field).toBe("createdAt");
    expect(refusal(() => parseModelDefinition({ ...saved, version: 0 }, "trend.json")).where.field).toBe("version");
    expect(refusal(() => parseModelDefinition({ ...saved, version: undefined }, "trend.json")).message).toMatch(/trend\.json, field "version": is required/);
  });

  it("has a JSON Schema with both strategy kinds, every built-in, the required fields, and no room for unknown fields", () => {
    const schema = modelDefinitionJsonSchema() as unknown as JsonSchema;
    expect(schema.$schema).toContain("json-schema.org");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(["id", "name", "signature", "strategy", "createdAt", "updatedAt", "version"]));
    const text = JSON.stringify(schema);
    for (const constant of ['"const":"llm"', '"const":"coded"', '"const":"sma-cross"', '"const":"buy-and-hold"']) expect(text).toContain(constant);
    expect(schema.properties.strategy).toBeDefined();
    expect(JSON.stringify(schema.properties.strategy)).toContain('"temperature":{"type":"number","minimum":0,"maximum":2}');
    // A tiny validator for what the schema says at the top level: a real saved file passes it.
    expect(checkTopLevel(schema, saved)).toEqual([]);
    expect(checkTopLevel(schema, { ...saved, apiKey: "x" })).toEqual(["unknown apiKey"]);
    expect(checkTopLevel(schema, { ...saved, version: undefined })).toEqual(["missing version"]);
    // And the schema is itself data: it survives JSON, as editors read it.
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(ModelDefinitionSchema.safeParse(saved).success).toBe(true);
  });
});

interface JsonSchema {
  $schema: string;
  additionalProperties: boolean;
  required: string[];
  properties: Record<string, { type?: string }>;
}

function checkTopLevel(schema: JsonSchema, value: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of schema.required) if (value[key] === undefined) problems.push(`missing ${key}`);
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    const property = schema.properties[key];
    if (!property) problems.push(`unknown ${key}`);
    else if (property.type === "array" ? !Array.isArray(field) : property.type === "integer" ? !Number.isInteger(field) : property.type !== undefined && typeof field !== property.type) problems.push(`type of ${key}`);
  }
  return problems;
}
