/**
 * The LLM cassette: every exchange with a model, keyed by a hash of the exact request. A run replayed
 * from its cassette makes the same decisions without calling the model; a changed prompt or parameter
 * changes the key, misses, and (in replay-or-live) is called live. This is what makes LLM backtests
 * repeatable, comparable and free to re-score.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../errors";

export const CassetteModeSchema = z.enum(["live", "record", "replay", "replay-or-live"]);
/**
 * live: always call the model, keep nothing; record: call and keep every exchange; replay: answer
 * only from the cassette (a miss fails the run); replay-or-live: answer from the cassette, call (and
 * keep) on a miss.
 */
export type CassetteMode = z.infer<typeof CassetteModeSchema>;

/** One request and its response, as sent and received (never any header, so never a key). */
export interface Exchange {
  key: string;
  model: string;
  request: unknown;
  response: unknown;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  /** The run step it was made for. */
  step: number;
}

/** A stable hash of a request: key order does not matter, every value does. */
export function requestKey(request: unknown): string {
  return createHash("sha256").update(canonical(request)).digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export class Cassette {
  private readonly exchanges = new Map<string, Exchange>();

  constructor(exchanges: Iterable<Exchange> = []) {
    for (const exchange of exchanges) this.exchanges.set(exchange.key, exchange);
  }

  get size(): number {
    return this.exchanges.size;
  }

  find(key: string): Exchange | undefined {
    return this.exchanges.get(key);
  }

  add(exchange: Exchange): void {
    this.exchanges.set(exchange.key, exchange);
  }

  all(): Exchange[] {
    return [...this.exchanges.values()];
  }

  /** One exchange per line: the form a sample notebook ships its cassette in. */
  toJsonl(): string {
    return this.all()
      .map((exchange) => JSON.stringify(exchange))
      .join("\n")
      .concat("\n");
  }

  static fromJsonl(text: string, file = "cassette"): Cassette {
    const exchanges: Exchange[] = [];
    text.split("\n").forEach((line, index) => {
      if (line.trim() === "") return;
      try {
        const parsed = JSON.parse(line) as Exchange;
        if (typeof parsed.key !== "string" || parsed.response === undefined) throw new Error("no key or response");
        exchanges.push(parsed);
      } catch (error) {
        throw new InputError(`not a cassette line (${error instanceof Error ? error.message : String(error)})`, "Use a cassette written by AIBT", { file, line: index + 1 });
      }
    });
    return new Cassette(exchanges);
  }

  static fromFile(file: string): Cassette {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new InputError(`cannot read the cassette (${(error as NodeJS.ErrnoException).code})`, "Check the --cassette path", { file });
    }
    return Cassette.fromJsonl(text, file);
  }
}
