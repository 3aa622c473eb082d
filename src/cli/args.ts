/** Command-line parsing on node:util's parseArgs, with messages that say which flag is wrong and how to fix it. */
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { InputError } from "../errors";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseFlags(command: string, argv: string[], options: Options): Record<string, string | boolean | undefined> {
  const { flags, positionals } = parseCommandLine(command, argv, options);
  if (positionals.length > 0) {
    throw new InputError(`unexpected argument "${positionals[0]}"`, `Flags start with --; see \`aibt ${command} --help\``);
  }
  return flags;
}

/** Flags and the plain arguments between them (e.g. the runs a command acts on). */
export function parseCommandLine(command: string, argv: string[], options: Options): { flags: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    return { flags: values as Record<string, string | boolean | undefined>, positionals };
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

export interface NumberCheck {
  integer?: boolean;
  min?: number;
  exclusiveMin?: number;
  max?: number;
  /** A sensible value to show in the fix. */
  example: number;
}

// The messages name the flag themselves, so they carry no separate field location.
export function numberFlag(values: Record<string, unknown>, name: string, check: NumberCheck): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = Number(text);
  const kind = check.integer ? "a whole number" : "a number";
  const fix = `e.g. --${name} ${check.example}`;
  if (text === "" || !Number.isFinite(value) || (check.integer && !Number.isInteger(value))) {
    throw new InputError(`--${name} must be ${kind}, not "${raw}"`, fix);
  }
  if (check.exclusiveMin !== undefined && !(value > check.exclusiveMin)) {
    throw new InputError(`--${name} must be greater than ${check.exclusiveMin}, not ${value}`, fix);
  }
  if (check.min !== undefined && value < check.min) {
    throw new InputError(`--${name} must be at least ${check.min}, not ${value}`, fix);
  }
  if (check.max !== undefined && value > check.max) {
    throw new InputError(`--${name} must be at most ${check.max}, not ${value}`, fix);
  }
  return value;
}

export function choiceFlag<T extends string>(values: Record<string, unknown>, name: string, choices: readonly T[]): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) {
    throw new InputError(`--${name} must be one of ${choices.join(", ")}, not "${raw}"`, `e.g. --${name} ${choices[0]}`);
  }
  return raw as T;
}

export function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || raw.trim() === "") throw new InputError(`--${name} is empty`, `Give a value, e.g. --${name} VALUE, or leave the flag out`);
  return raw;
}

/** JSON with non-finite numbers as null (JSON has no Infinity). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
}
