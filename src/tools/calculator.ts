/**
 * A safe arithmetic evaluator for the `calculate` tool: an LLM sends it text, so it never reaches eval
 * or Function. A small Pratt parser over a closed grammar: numbers, + - * / % ^, unary signs,
 * parentheses, a fixed table of functions and constants. Anything else is an error that names the
 * position (1-based character) and the problem, so the model can fix its expression.
 */

export class CalculatorError extends Error {
  override readonly name = "CalculatorError";
  constructor(
    readonly problem: string,
    /** 1-based character position in the expression. */
    readonly position: number,
  ) {
    super(`at position ${position}: ${problem}`);
  }
}

export const MAX_EXPRESSION_LENGTH = 500;
export const MAX_NESTING = 50;

type Token =
  | { kind: "number"; value: number; at: number; text: string }
  | { kind: "name"; name: string; at: number; text: string }
  | { kind: "operator"; op: string; at: number; text: string }
  | { kind: "end"; at: number; text: string }
  /** A character outside the grammar; reported when the parser reaches it, so errors come in reading order. */
  | { kind: "invalid"; at: number; text: string };

// Maps, not object literals: a lookup of "constructor" or "__proto__" in a plain object finds
// Object.prototype's members; a Map finds only what was put in it.
const CONSTANTS = new Map<string, number>([
  ["pi", Math.PI],
  ["e", Math.E],
]);

interface Fn {
  min: number;
  max: number;
  apply(args: number[], at: number): number;
}

const FUNCTIONS = new Map<string, Fn>([
  ["min", { min: 1, max: Infinity, apply: (a) => Math.min(...a) }],
  ["max", { min: 1, max: Infinity, apply: (a) => Math.max(...a) }],
  ["abs", { min: 1, max: 1, apply: ([x]) => Math.abs(x!) }],
  ["sqrt", { min: 1, max: 1, apply: ([x], at) => (x! < 0 ? fail(`sqrt of a negative number (${x})`, at) : Math.sqrt(x!)) }],
  ["round", { min: 1, max: 2, apply: ([x, digits], at) => roundTo(x!, digits ?? 0, at) }],
  ["floor", { min: 1, max: 1, apply: ([x]) => Math.floor(x!) }],
  ["ceil", { min: 1, max: 1, apply: ([x]) => Math.ceil(x!) }],
  ["log", { min: 1, max: 1, apply: ([x], at) => (x! <= 0 ? fail(`log of a number that is not positive (${x})`, at) : Math.log(x!)) }],
  ["exp", { min: 1, max: 1, apply: ([x]) => Math.exp(x!) }],
  ["pow", { min: 2, max: 2, apply: ([x, y]) => Math.pow(x!, y!) }],
]);

const NAMES = `functions ${[...FUNCTIONS.keys()].join(", ")}; constants ${[...CONSTANTS.keys()].join(", ")}`;

/** Binding powers: higher binds tighter. `^` is right-associative and binds tighter than unary minus. */
const INFIX: Record<string, { left: number; right: number }> = {
  "+": { left: 10, right: 11 },
  "-": { left: 10, right: 11 },
  "*": { left: 20, right: 21 },
  "/": { left: 20, right: 21 },
  "%": { left: 20, right: 21 },
  "^": { left: 41, right: 40 },
};
/** Unary signs bind looser than `^`, so -2^2 is -(2^2) = -4, as in mathematics. */
const PREFIX_POWER = 30;

function fail(problem: string, at: number): never {
  throw new CalculatorError(problem, at);
}

/** Evaluates an arithmetic expression; throws CalculatorError on anything it does not understand. */
export function evaluate(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    fail(`the expression is ${expression.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`, MAX_EXPRESSION_LENGTH + 1);
  }
  const parser = new Parser(tokenize(expression));
  if (parser.peek().kind === "end") fail("the expression is empty", 1);
  const value = parser.expression(0, 0);
  const rest = parser.peek();
  if (rest.kind === "invalid") unexpectedCharacter(rest);
  if (rest.kind !== "end") {
    fail(rest.text === ")" ? "unbalanced parentheses: a ')' without a matching '('" : `unexpected ${describeToken(rest)} after a complete expression`, rest.at);
  }
  if (!Number.isFinite(value)) fail(`the result is not a finite number (${value})`, 1);
  return value;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const at = i + 1;
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0]), at, text: number[0] });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      tokens.push({ kind: "name", name: name[0], at, text: name[0] });
      i += name[0].length;
      continue;
    }
    if ("+-*/%^(),".includes(c)) {
      tokens.push({ kind: "operator", op: c, at, text: c });
      i++;
      continue;
    }
    tokens.push({ kind: "invalid", at, text: c });
    return tokens;
  }
  tokens.push({ kind: "end", at: text.length + 1, text: "" });
  return tokens;
}

function unexpectedCharacter(token: Token): never {
  return fail(`unexpected character '${token.text}' (use numbers, + - * / % ^, parentheses, commas between function arguments, ${NAMES})`, token.at);
}

function describeToken(token: Token): string {
  return token.kind === "end" ? "end of expression" : `'${token.text}'`;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.index]!;
  }

  private take(): Token {
    return this.tokens[this.index++]!;
  }

  /** Parses operators binding tighter than `minPower`; `depth` counts nested sub-expressions. */
  expression(minPower: number, depth: number): number {
    let left = this.prefix(depth);
    for (;;) {
      const token = this.peek();
      if (token.kind !== "operator") break;
      const power = INFIX[token.op];
      if (!power || power.left < minPower) break;
      this.take();
      const right = this.expression(power.right, this.deeper(depth, token));
      left = apply(token, left, right);
    }
    return left;
  }

  private deeper(depth: number, token: Token): number {
    if (depth + 1 > MAX_NESTING) fail(`nesting deeper than ${MAX_NESTING} levels`, token.at);
    return depth + 1;
  }

  private prefix(depth: number): number {
    const token = this.take();
    switch (token.kind) {
      case "number":
        return token.value;
      case "name":
        return this.name(token, depth);
      case "operator":
        if (token.op === "-" || token.op === "+") {
          const operand = this.expression(PREFIX_POWER, this.deeper(depth, token));
          return token.op === "-" ? -operand : operand;
        }
        if (token.op === "(") {
          const inner = this.expression(0, this.deeper(depth, token));
          this.close(token);
          return inner;
        }
        return fail(token.op === ")" ? "unbalanced parentheses: a ')' without a matching '('" : `expected a number, name or '(' but found '${token.op}'`, token.at);
      case "end":
        return fail("the expression ends where a number, name or '(' was expected", token.at);
      case "invalid":
        return unexpectedCharacter(token);
    }
  }

  private name(token: Token & { kind: "name" }, depth: number): number {
    const constant = CONSTANTS.get(token.name);
    const fn = FUNCTIONS.get(token.name);
    if (fn) {
      const open = this.peek();
      if (open.kind !== "operator" || open.op !== "(") fail(`${token.name} is a function: call it like ${token.name}(x)`, open.at);
      this.take();
      const args: number[] = [];
      if (!(this.peek().kind === "operator" && this.peek().text === ")")) {
        for (;;) {
          args.push(this.expression(0, this.deeper(depth, open)));
          const next = this.peek();
          if (next.kind === "operator" && next.op === ",") {
            this.take();
            continue;
          }
          break;
        }
      }
      this.close(open);
      if (args.length < fn.min || args.length > fn.max) {
        const wanted = fn.min === fn.max ? `${fn.min}` : fn.max === Infinity ? `at least ${fn.min}` : `${fn.min} to ${fn.max}`;
        fail(`${token.name} takes ${wanted} argument${wanted.endsWith("1") ? "" : "s"}, got ${args.length}`, token.at);
      }
      return fn.apply(args, token.at);
    }
    if (constant !== undefined) return constant;
    return fail(`unknown name '${token.name}' (known: ${NAMES})`, token.at);
  }

  private close(open: Token): void {
    const token = this.peek();
    if (token.kind === "operator" && token.op === ")") {
      this.take();
      return;
    }
    if (token.kind === "end") fail(`unbalanced parentheses: the '(' at position ${open.at} is never closed`, token.at);
    if (token.kind === "invalid") unexpectedCharacter(token);
    fail(`expected ')' or an operator but found ${describeToken(token)}`, token.at);
  }
}

function apply(operator: Token & { kind: "operator" }, left: number, right: number): number {
  switch (operator.op) {
    case "+":
      return left + right;
    case "-":
      return left - right;
    case "*":
      return left * right;
    case "/":
      return right === 0 ? fail("division by zero", operator.at) : left / right;
    case "%":
      return right === 0 ? fail("remainder of division by zero", operator.at) : left % right;
    default:
      return Math.pow(left, right);
  }
}

/** Rounds half away from zero to `digits` decimals (negative digits round to tens, hundreds...). */
function roundTo(x: number, digits: number, at: number): number {
  if (!Number.isInteger(digits) || digits < -15 || digits > 15) fail(`round's digits must be a whole number from -15 to 15, got ${digits}`, at);
  const scale = Math.pow(10, digits);
  // toPrecision(15) drops binary noise first, so round(1.005, 2) is 1.01 as written, not 1.00.
  const scaled = Number((Math.abs(x) * scale).toPrecision(15));
  return (Math.sign(x) * Math.round(scaled)) / scale;
}
