// `aibt models` as a user runs it: the real built command in a child process, on a temp workspace.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectInputError, runCli, tempDir } from "./cli-helpers";

const tmp = tempDir("models");
afterAll(() => tmp.cleanup());

let workspaces = 0;
/** A fresh, empty workspace folder per test, so tests do not see each other's models. */
function workspace(): { dir: string; models: string; run: (...args: string[]) => ReturnType<typeof runCli>; ok: (...args: string[]) => string } {
  const dir = path.join(tmp.dir, `ws-${++workspaces}`);
  mkdirSync(dir);
  const run = (...args: string[]) => runCli(["models", ...args, "--workspace", dir]);
  return {
    dir,
    models: path.join(dir, ".aibt", "models"),
    run,
    ok: (...args) => {
      const result = run(...args);
      expect(result.stderr, `aibt models ${args.join(" ")}`).toBe("");
      expect(result.status).toBe(0);
      return result.stdout;
    },
  };
}

const files = (folder: string) => (existsSync(folder) ? readdirSync(folder) : []);

describe("aibt models", () => {
  it("creates an sma-cross model and an LLM model with rules, lists, shows and deletes them", () => {
    const ws = workspace();
    expect(ws.ok("create", "--name", "Trend", "--strategy", "sma-cross", "--fast", "5", "--slow", "20", "--tickers", "aapl,msft")).toBe("trend\n");
    const llm = JSON.parse(
      ws.ok("create", "--name", "GPT-5 Momentum!", "--llm", "openai/gpt-4o-mini", "--temperature", "0.2", "--max-steps", "4", "--rule", "Never short", "--rule", "At most 3 positions", "--instructions", "Think in weeks.", "--tickers", "eth-usd", "--cash", "50000", "--max-position-fraction", "0.25", "--max-trades-per-day", "5", "--daily-loss-cap", "0.05", "--json"),
    );
    expect(llm).toMatchObject({
      id: "gpt-5-momentum",
      version: 1,
      allowedTickers: ["ETH/USD"],
      initialCash: 50_000,
      strategy: { kind: "llm", model: "openai/gpt-4o-mini", parameters: { temperature: 0.2 }, rules: ["Never short", "At most 3 positions"], instructions: "Think in weeks.", maxSteps: 4 },
      risk: { maxPositionFraction: 0.25, maxTradesPerDay: 5, dailyLossCap: 0.05 },
    });
    expect(files(ws.models).sort()).toEqual(["gpt-5-momentum.json", "trend.json"]);

    const list = ws.ok("list").split("\n");
    expect(list[0]).toMatch(/^ID\s+NAME\s+STRATEGY\s+VERSION\s+UPDATED$/);
    expect(list[1]).toMatch(/^gpt-5-momentum\s+GPT-5 Momentum!\s+llm openai\/gpt-4o-mini\s+1\s+\d{4}-/);
    expect(list[2]).toMatch(/^trend\s+Trend\s+sma-cross 5\/20\s+1\s+/);
    const listed = JSON.parse(ws.ok("list", "--json"));
    expect(listed.models.map((m: { id: string }) => m.id)).toEqual(["gpt-5-momentum", "trend"]);
    expect(listed.problems).toEqual([]);

    const shown = JSON.parse(ws.ok("show", "trend", "--json"));
    expect(shown).toEqual(JSON.parse(readFileSync(path.join(ws.models, "trend.json"), "utf8")));
    expect(shown.strategy).toEqual({ kind: "coded", name: "sma-cross", parameters: { fast: 5, slow: 20 } });
    const text = ws.ok("show", "gpt-5-momentum");
    expect(text).toContain("GPT-5 Momentum! (gpt-5-momentum), version 1");
    expect(text).toMatch(/Rules\s+1\. Never short\n\s+2\. At most 3 positions/);

    expect(ws.ok("delete", "trend")).toContain('Deleted model "trend"');
    expect(files(ws.models)).toEqual(["gpt-5-momentum.json"]);
  });

  it("uses the current folder when --workspace is left out", () => {
    const ws = workspace();
    const created = runCli(["models", "create", "--name", "Hold", "--strategy", "buy-and-hold"], { cwd: ws.dir });
    expect(created).toMatchObject({ status: 0, stdout: "hold\n", stderr: "" });
    expect(files(ws.models)).toEqual(["hold.json"]);
  });

  it("creates from a JSON file, with the same checks", () => {
    const ws = workspace();
    const file = tmp.file("model.json", JSON.stringify({ name: "From File", signature: "from-file", strategy: { kind: "llm", model: "local/llama", baseUrl: "http://localhost:8080/v1", parameters: { seed: 7 } } }));
    expect(ws.ok("create", "--file", file)).toBe("from-file\n");
    expect(JSON.parse(ws.ok("show", "from-file", "--json")).strategy).toMatchObject({ baseUrl: "http://localhost:8080/v1", parameters: { seed: 7 } });
  });

  it("prints a JSON Schema of the model file", () => {
    const schema = JSON.parse(workspace().ok("schema"));
    expect(schema.$schema).toContain("json-schema.org");
    expect(schema.title).toBe("AIBT model definition");
    expect(schema.required).toEqual(expect.arrayContaining(["id", "name", "strategy", "version"]));
    expect(JSON.stringify(schema.properties.strategy)).toContain('"const":"llm"');
  });

  it("lists the good models and warns about a broken file", () => {
    const ws = workspace();
    ws.ok("create", "--name", "Good", "--strategy", "buy-and-hold");
    tmp.file(`ws-${workspaces}/.aibt/models/broken.json`, "{ not json");
    const result = ws.run("list");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^good\s+Good\s+buy-and-hold/m);
    expect(result.stderr).toMatch(/^aibt: warning: .*broken\.json, line 1: not valid JSON/);
    expect(JSON.parse(ws.run("list", "--json").stdout).problems).toHaveLength(1);
  });

  it("shows help", () => {
    for (const args of [["models", "--help"], ["help", "models"], ["models", "create", "--help"]]) {
      const result = runCli(args);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("Usage: aibt models");
      expect(result.stdout).toContain("--rule TEXT");
    }
    expect(runCli(["--help"]).stdout).toMatch(/models\s+create, list, show and delete/);
  });
});

describe("aibt models: mistakes exit 1 with one line and write nothing", () => {
  const cases: [string, string[], (string | RegExp)[]][] = [
    ["missing --name", ["create", "--strategy", "sma-cross"], ["--name is required"]],
    ["both --llm and --strategy", ["create", "--name", "X", "--llm", "m", "--strategy", "sma-cross"], ["--strategy and --llm cannot both be given"]],
    ["no strategy", ["create", "--name", "X"], ["needs a strategy", "--llm"]],
    ["temperature out of range", ["create", "--name", "X", "--llm", "m", "--temperature", "2.5"], ["--temperature must be at most 2"]],
    ["fast not below slow", ["create", "--name", "X", "--strategy", "sma-cross", "--fast", "50", "--slow", "20"], ["--fast (50) must be shorter than --slow (20)"]],
    ["an LLM flag on a coded model", ["create", "--name", "X", "--strategy", "sma-cross", "--rule", "r"], ["--rule does not apply to --strategy sma-cross"]],
    ["unknown strategy", ["create", "--name", "X", "--strategy", "rsi"], ["--strategy must be one of sma-cross, buy-and-hold"]],
    ["bad signature", ["create", "--name", "X", "--signature", "Not Valid", "--strategy", "buy-and-hold"], ['field "signature"', "lowercase"]],
    ["bad ticker", ["create", "--name", "X", "--strategy", "buy-and-hold", "--tickers", "AAPL,MS FT"], ['field "allowedTickers[1]"']],
    ["unknown subcommand", ["rename"], ['no subcommand "rename"', "list"]],
    ["show without an id", ["show"], ["needs a model id"]],
    ["unknown option", ["list", "--colour"], ["unknown option --colour"]],
  ];
  for (const [what, args, keywords] of cases) {
    it(what, () => {
      const ws = workspace();
      expectInputError(ws.run(...args), keywords);
      expect(existsSync(path.join(ws.dir, ".aibt"))).toBe(false);
    });
  }

  it("an unknown id names the ids there are", () => {
    const ws = workspace();
    ws.ok("create", "--name", "Alpha", "--strategy", "buy-and-hold");
    expectInputError(ws.run("show", "nope"), ['no model "nope"', "alpha"]);
    expectInputError(ws.run("delete", "nope"), ['no model "nope"', "alpha"]);
    expect(files(ws.models)).toEqual(["alpha.json"]);
  });

  it("a duplicate signature leaves the first model as it was", () => {
    const ws = workspace();
    ws.ok("create", "--name", "Alpha", "--strategy", "buy-and-hold");
    const before = readFileSync(path.join(ws.models, "alpha.json"), "utf8");
    expectInputError(ws.run("create", "--name", "Alpha", "--llm", "m"), ["already exists", "alpha.json", "alpha-2"]);
    expect(readFileSync(path.join(ws.models, "alpha.json"), "utf8")).toBe(before);
  });

  it("a secret in --file, a bad field in --file, a missing --file, and --file mixed with options", () => {
    const ws = workspace();
    const secret = tmp.file("secret.json", JSON.stringify({ name: "X", strategy: { kind: "llm", model: "m", parameters: { api_key: "abc" } } }));
    expectInputError(ws.run("create", "--file", secret), ["secret.json", "strategy.parameters.api_key", "looks like a secret", "OPENAI_API_KEY", "never in model files"]);
    const hot = tmp.file("hot.json", JSON.stringify({ name: "X", strategy: { kind: "llm", model: "m", parameters: { temperature: 5 } } }));
    expectInputError(ws.run("create", "--file", hot), ["hot.json", 'field "strategy.parameters.temperature"', "at most 2"]);
    const broken = tmp.file("broken.json", '{\n  "name": "X",\n  oops\n}');
    expectInputError(ws.run("create", "--file", broken), ["broken.json", "line 3", "not valid JSON"]);
    expectInputError(ws.run("create", "--file", path.join(tmp.dir, "missing.json")), ["missing.json", "not found"]);
    expectInputError(ws.run("create", "--file", hot, "--name", "Y"), ["--file holds the whole definition", "--name"]);
    expect(existsSync(path.join(ws.dir, ".aibt"))).toBe(false);
  });

  it("a workspace folder that does not exist", () => {
    expectInputError(runCli(["models", "list", "--workspace", path.join(tmp.dir, "nowhere")]), ["nowhere", "does not exist"]);
  });
});
