/** Command-line parsing on node:util's parseArgs, with messages that say which flag is wrong and how to fix it. */
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { InputError } from "../errors";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseFlags(command: string, argv: string[], options: Options): Record<string, string | boolean | undefined> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    if (positionals.length > 0) {
      throw new InputError(`unexpected argument "${positionals[0]}"`, `Flags start with --; see \`aibt ${command} --help\``);
    }
    return values as Record<string, string | boolean | undefined>;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if ((error as { code?: unknown }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      // node's own text advises passing it as a positional after "--", which no aibt command accepts.
      const flag = /'([^']*)'/.exec(message)?.[1] ?? message;
      throw new InputError(`unknown option ${flag}`, `See \`aibt ${command} --help\` for the options`);
    }
    // One line: node's "argument is ambiguous" message (e.g. --cash -5) spans three.
    throw new InputError(message.replace(/\s*\n\s*/g, " ").replace(/\.$/, ""), `See \`aibt ${command} --help\``);
  }
}

export function numberFlag(values: Record<string, unknown>, name: string, check: { integer?: boolean; min?: number; exclusiveMin?: number; max?: number } = {}): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = Number(text);
  const kind = check.integer ? "a whole number" : "a number";
  if (text === "" || !Number.isFinite(value) || (check.integer && !Number.isInteger(value))) {
    throw new InputError(`--${name} must be ${kind}, not "${raw}"`, `e.g. --${name} ${check.integer ? 10 : 0.001}`, { field: name });
  }
  if (check.exclusiveMin !== undefined && !(value > check.exclusiveMin)) {
    throw new InputError(`--${name} must be greater than ${check.exclusiveMin}, not ${value}`, `Give a positive --${name}`, { field: name });
  }
  if (check.min !== undefined && value < check.min) {
    throw new InputError(`--${name} must be at least ${check.min}, not ${value}`, `Give --${name} of ${check.min} or more`, { field: name });
  }
  if (check.max !== undefined && value > check.max) {
    throw new InputError(`--${name} must be at most ${check.max}, not ${value}`, `Give --${name} of ${check.max} or less`, { field: name });
  }
  return value;
}

export function choiceFlag<T extends string>(values: Record<string, unknown>, name: string, choices: readonly T[]): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) {
    throw new InputError(`--${name} must be one of ${choices.join(", ")}, not "${raw}"`, `e.g. --${name} ${choices[0]}`, { field: name });
  }
  return raw as T;
}

export function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  const raw = values[name];
  return typeof raw === "string" ? raw : undefined;
}

/** JSON with non-finite numbers as null (JSON has no Infinity). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
}
