// The model store on real files: round trips with exact times, refusals that leave files as they were,
// problems reported per file, version conflicts and leftover locks.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inputErrorOf as refusal } from "../input-error";
import type { ModelInput } from "../../../src/store/model-definition";
import { ModelStore, VersionConflictError } from "../../../src/store/models";

let workspace: string;
let now: Date;
let store: ModelStore;
const tick = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

beforeEach(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), "aibt-models-"));
  now = new Date("2024-03-01T14:30:00.000Z");
  store = new ModelStore(workspace, () => now);
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

const TREND: ModelInput = { name: "Trend", strategy: { kind: "coded", name: "sma-cross", parameters: { fast: 5, slow: 20 } } };
const MOMENTUM: ModelInput = {
  name: "GPT-5 Momentum!",
  allowedTickers: ["aapl", "eth-usd"],
  strategy: { kind: "llm", model: "openai/gpt-4o-mini", parameters: { temperature: 0.2 }, rules: ["Never short"] },
  risk: { maxPositionFraction: 0.25 },
};


const modelFile = (id: string) => path.join(workspace, ".aibt", "models", `${id}.json`);

describe("ModelStore", () => {
  it("creates, reads, lists, updates and deletes, with the clock's exact times", () => {
    const created = store.create(MOMENTUM);
    expect(created).toMatchObject({ id: "gpt-5-momentum", signature: "gpt-5-momentum", version: 1, createdAt: "2024-03-01T14:30:00.000Z", updatedAt: "2024-03-01T14:30:00.000Z" });
    expect(created.allowedTickers).toEqual(["AAPL", "ETH/USD"]);
    const text = readFileSync(modelFile("gpt-5-momentum"), "utf8");
    expect(text).toBe(`${JSON.stringify(created, null, 2)}\n`);
    expect(store.get("gpt-5-momentum")).toEqual(created);

    tick(60_000);
    store.create(TREND);
    expect(store.list()).toEqual({ models: [store.get("gpt-5-momentum"), store.get("trend")], problems: [] });

    tick(60_000);
    const updated = store.update("gpt-5-momentum", { description: "trend rider", strategy: { kind: "coded", name: "buy-and-hold" } }, 1);
    expect(updated).toEqual({
      ...created,
      description: "trend rider",
      strategy: { kind: "coded", name: "buy-and-hold", parameters: {} }, // replaced whole, not merged
      version: 2,
      updatedAt: "2024-03-01T14:32:00.000Z",
    });
    expect(store.get("gpt-5-momentum")).toEqual(updated);

    store.delete("gpt-5-momentum");
    expect(existsSync(modelFile("gpt-5-momentum"))).toBe(false);
    expect(store.list().models.map((m) => m.id)).toEqual(["trend"]);
    // Nothing but the model files is left behind: no temp files, no locks.
    expect(readdirSync(path.dirname(modelFile("trend")))).toEqual(["trend.json"]);
  });

  it("lists by name", () => {
    store.create({ ...TREND, name: "zeta" });
    store.create({ ...TREND, name: "Alpha" });
    store.create({ ...TREND, name: "mid" });
    expect(store.list().models.map((m) => m.name)).toEqual(["Alpha", "mid", "zeta"]);
  });

  it("refuses a signature that exists, naming the file and suggesting another", () => {
    store.create(TREND);
    const before = readFileSync(modelFile("trend"), "utf8");
    tick(1000);
    const error = refusal(() => store.create({ ...MOMENTUM, name: "Trend" }));
    expect(error.where.file).toBe(modelFile("trend"));
    expect(error.message).toMatch(/already exists.*trend-2/);
    expect(readFileSync(modelFile("trend"), "utf8")).toBe(before);
  });

  it("an unknown id lists up to 10 existing ids", () => {
    expect(refusal(() => store.get("nope")).message).toMatch(/no model "nope".*no models.*aibt models create/);
    for (let i = 0; i < 12; i++) store.create({ ...TREND, name: `m${String(i).padStart(2, "0")}` });
    const message = refusal(() => store.get("nope")).message;
    expect(message).toContain("m00, m01, m02, m03, m04, m05, m06, m07, m08, m09, and 2 more");
    expect(refusal(() => store.update("nope", {}, 1)).message).toContain('no model "nope"');
    expect(refusal(() => store.delete("nope")).message).toContain('no model "nope"');
  });

  it("refuses ids that are not signatures before touching the disk", () => {
    expect(refusal(() => store.get("../../etc/passwd")).message).toContain("is not a model id");
    expect(refusal(() => store.delete("Trend")).message).toContain("is not a model id");
  });

  it("names the file and line of corrupt JSON, and the field of an invalid file; list reports both and still lists the good", () => {
    store.create(TREND);
    mkdirSync(path.dirname(modelFile("x")), { recursive: true });
    writeFileSync(modelFile("broken"), '{\n  "id": "broken",\n  "name" "Broken"\n}\n');
    const good = JSON.parse(readFileSync(modelFile("trend"), "utf8"));
    writeFileSync(modelFile("hot"), JSON.stringify({ ...good, id: "hot", signature: "hot", strategy: { kind: "llm", model: "m", parameters: { temperature: 9 } } }));
    writeFileSync(modelFile("renamed"), JSON.stringify(good));
    writeFileSync(modelFile("Bad Name"), JSON.stringify(good));

    const corrupt = refusal(() => store.get("broken"));
    expect(corrupt.where).toEqual({ file: modelFile("broken"), line: 3 });
    expect(corrupt.message).toMatch(/not valid JSON.*left as it is/);
    const invalid = refusal(() => store.get("hot"));
    expect(invalid.where).toEqual({ file: modelFile("hot"), field: "strategy.parameters.temperature" });
    expect(invalid.message).toContain("must be at most 2");
    expect(refusal(() => store.get("renamed")).message).toMatch(/holds the model "trend", not "renamed"/);

    const { models, problems } = store.list();
    expect(models.map((m) => m.id)).toEqual(["trend"]);
    expect(problems.map((p) => path.basename(p.file))).toEqual(["Bad Name.json", "broken.json", "hot.json", "renamed.json"]);
    expect(problems[0]!.message).toMatch(/Bad Name\.json: the file name is not a model id/);
    expect(problems[2]!.message).toContain("strategy.parameters.temperature");
    // Reading never rewrites: the broken file is exactly as it was.
    expect(readFileSync(modelFile("broken"), "utf8")).toBe('{\n  "id": "broken",\n  "name" "Broken"\n}\n');
  });

  it("a stale version is a VersionConflictError naming both versions, and changes nothing", () => {
    store.create(TREND);
    store.update("trend", { description: "first" }, 1);
    const before = readFileSync(modelFile("trend"), "utf8");
    const error = refusal(() => store.update("trend", { description: "second" }, 1));
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    expect(error.message).toMatch(/changed by someone else since version 1 \(it is now version 2\)\. Reload it and apply your change again/);
    expect(readFileSync(modelFile("trend"), "utf8")).toBe(before);
  });

  it("an invalid update leaves the file byte-identical", () => {
    store.create(MOMENTUM);
    const before = readFileSync(modelFile("gpt-5-momentum"), "utf8");
    const attempts: [unknown, string][] = [
      [{ strategy: { kind: "llm", model: "m", parameters: { temperature: 3 } } }, "strategy.parameters.temperature"],
      [{ strategy: { kind: "coded", name: "sma-cross", parameters: { fast: 9, slow: 3 } } }, "strategy.parameters.fast"],
      [{ initialCash: -1 }, "initialCash"],
      [{ risk: { apiKey: "sk-x" } }, "risk.apiKey"],
      [{ signature: "renamed" }, "signature"],
      [{ version: 7 }, "version"],
      [{ apiKey: "x" }, "apiKey"],
      [{ colour: "red" }, "colour"],
    ];
    for (const [patch, field] of attempts) {
      const error = refusal(() => store.update("gpt-5-momentum", patch as never, 1));
      expect(error.where.field).toBe(field);
      expect(readFileSync(modelFile("gpt-5-momentum"), "utf8")).toBe(before);
    }
    expect(refusal(() => store.update("gpt-5-momentum", { apiKey: "x" } as never, 1)).message).toContain("never in model files");
    expect(readdirSync(path.dirname(modelFile("x")))).toEqual(["gpt-5-momentum.json"]);
  });

  it("refuses a workspace folder that does not exist", () => {
    expect(refusal(() => new ModelStore(path.join(workspace, "missing"))).message).toMatch(/does not exist/);
  });

  describe("lock files", () => {
    const lockOf = (id: string) => `${modelFile(id)}.lock`;

    it("recovers a lock left by a process that is gone", () => {
      store.create(TREND);
      writeFileSync(lockOf("trend"), "99999999 left-by-a-crash\n"); // above Linux's pid_max: never alive
      expect(store.update("trend", { description: "after the crash" }, 1).version).toBe(2);
      expect(existsSync(lockOf("trend"))).toBe(false);
    });

    it("recovers a lock older than 10 s even when its pid is alive (pids are reused)", () => {
      store.create(TREND);
      writeFileSync(lockOf("trend"), `${process.pid} old\n`);
      const old = new Date(Date.now() - 20_000);
      utimesSync(lockOf("trend"), old, old);
      expect(store.update("trend", { description: "later" }, 1).version).toBe(2);
      expect(existsSync(lockOf("trend"))).toBe(false);
    });

    it("gives up after about 2 s on a fresh lock held by a live process, and changes nothing", () => {
      store.create(TREND);
      const before = readFileSync(modelFile("trend"), "utf8");
      writeFileSync(lockOf("trend"), `${process.pid} busy\n`);
      const started = Date.now();
      const error = refusal(() => store.update("trend", { description: "blocked" }, 1));
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(error.message).toMatch(new RegExp(`another process \\(pid ${process.pid}\\) has held .*trend\\.json\\.lock.*delete`));
      expect(readFileSync(modelFile("trend"), "utf8")).toBe(before);
      expect(readFileSync(lockOf("trend"), "utf8")).toBe(`${process.pid} busy\n`); // not ours to remove
    });
  });
});
