import { describe, expect, it } from "vitest";
import { CalculatorError, evaluate } from "../../../src/tools/calculator";

/** The error an expression throws (failing the test if it does not throw a CalculatorError). */
function errorOf(expression: string): CalculatorError {
  try {
    evaluate(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(CalculatorError);
    return error as CalculatorError;
  }
  throw new Error(`${JSON.stringify(expression)} was accepted`);
}

describe("calculator arithmetic", () => {
  it("follows precedence: * / % before + -, parentheses first", () => {
    // python3: 2+3*4 = 14, (2+3)*4 = 20, 7%3 = 1
    expect(evaluate("2+3*4")).toBe(14);
    expect(evaluate("(2+3)*4")).toBe(20);
    expect(evaluate("7 % 3")).toBe(1);
    expect(evaluate("1 + 7 % 3 * 2")).toBe(3);
  });

  it("is left-associative for - and /, right-associative for ^", () => {
    // 10-4-3 = 3 (not 9); 100/10/5 = 2 (not 50); 2^3^2 = 2^9 = 512 (not 64)
    expect(evaluate("10-4-3")).toBe(3);
    expect(evaluate("100/10/5")).toBe(2);
    expect(evaluate("2^3^2")).toBe(512);
  });

  it("binds unary minus looser than ^, as in mathematics", () => {
    // python3: -2**2 = -4, (-2)**2 = 4, 2**-1 = 0.5
    expect(evaluate("-2^2")).toBe(-4);
    expect(evaluate("(-2)^2")).toBe(4);
    expect(evaluate("2^-1")).toBe(0.5);
    expect(evaluate("--3")).toBe(3);
    expect(evaluate("+3 - -2")).toBe(5);
    expect(evaluate("-3 * -2")).toBe(6);
  });

  it("reads decimals and exponent notation", () => {
    // 1.5e3 + .5 = 1500.5; 2.5e-3 * 4 = 0.01; 1E2 = 100; 3. = 3
    expect(evaluate("1.5e3 + .5")).toBe(1500.5);
    expect(evaluate("2.5e-3 * 4")).toBeCloseTo(0.01, 15);
    expect(evaluate("1E2")).toBe(100);
    expect(evaluate("3.")).toBe(3);
    expect(evaluate("  1 +\t2 ")).toBe(3);
  });

  it("has the trading arithmetic an agent needs", () => {
    // 150.25 * 37 = 5559.25 (cost of 37 shares); floor(10000 / 150.25) = 66 shares;
    // 100000 * 1.05^2 = 110250 (two years at 5%)
    expect(evaluate("150.25 * 37")).toBe(5559.25);
    expect(evaluate("floor(10000 / 150.25)")).toBe(66);
    expect(evaluate("100000 * (1 + 0.05)^2")).toBeCloseTo(110250, 8);
  });

  it("has functions and constants", () => {
    expect(evaluate("sqrt(16) + abs(-3)")).toBe(7);
    expect(evaluate("min(3, 1, 2) * max(4, 5)")).toBe(5);
    expect(evaluate("max(7)")).toBe(7);
    expect(evaluate("log(e)")).toBe(1);
    expect(evaluate("exp(0)")).toBe(1);
    expect(evaluate("floor(-1.5)")).toBe(-2);
    expect(evaluate("ceil(1.2)")).toBe(2);
    expect(evaluate("pow(2, 10)")).toBe(1024);
    expect(evaluate("2 * pi")).toBe(2 * Math.PI);
    expect(evaluate("round(pi, 2)")).toBe(3.14);
  });

  it("rounds half away from zero, as written in decimal", () => {
    // 1.005 is 1.00499999999999989... in binary; as written it rounds to 1.01
    expect(evaluate("round(1.005, 2)")).toBe(1.01);
    expect(evaluate("round(2.5)")).toBe(3);
    expect(evaluate("round(-2.5)")).toBe(-3);
    expect(evaluate("round(1234.5678, 2)")).toBe(1234.57);
    expect(evaluate("round(1250, -2)")).toBe(1300);
    expect(errorOf("round(1.5, 0.5)").message).toMatch(/round's digits must be a whole number/);
  });

  it("takes the remainder with the sign of the dividend", () => {
    // JavaScript semantics: -7 % 3 = -1 (python's math.fmod(-7, 3) = -1.0)
    expect(evaluate("-7 % 3")).toBe(-1);
  });
});

describe("calculator errors name the position and the problem", () => {
  const cases: [string, RegExp][] = [
    ["1 / 0", /^at position 3: division by zero/],
    ["5 % (2 - 2)", /^at position 3: remainder of division by zero/],
    ["(1 + 2", /^at position 7: unbalanced parentheses: the '\(' at position 1 is never closed/],
    ["1 + 2)", /^at position 6: unbalanced parentheses: a '\)' without a matching '\('/],
    [")", /^at position 1: unbalanced parentheses/],
    ["2 3", /^at position 3: unexpected '3' after a complete expression/],
    ["2pi", /^at position 2: unexpected 'pi' after a complete expression/],
    ["2 +", /^at position 4: the expression ends where a number/],
    ["", /^at position 1: the expression is empty/],
    ["   ", /the expression is empty/],
    ["foo + 1", /^at position 1: unknown name 'foo' \(known: functions min, max/],
    ["sqrt 4", /^at position 6: sqrt is a function: call it like sqrt\(x\)/],
    ["sqrt(1, 2)", /^at position 1: sqrt takes 1 argument, got 2/],
    ["pow(2)", /^at position 1: pow takes 2 arguments, got 1/],
    ["min()", /^at position 1: min takes at least 1 argument, got 0/],
    ["round(1, 2, 3)", /round takes 1 to 2 arguments, got 3/],
    ["max(1 2)", /^at position 7: expected '\)' or an operator but found '2'/],
    ["sqrt(-4)", /sqrt of a negative number \(-4\)/],
    ["log(0)", /log of a number that is not positive \(0\)/],
    ["10^400", /the result is not a finite number \(Infinity\)/],
    ["1e400", /the result is not a finite number/],
    ["2 * * 3", /^at position 5: expected a number, name or '\(' but found '\*'/],
    ["1.2.3", /unexpected '.3' after a complete expression/],
  ];
  for (const [expression, message] of cases) {
    it(`${JSON.stringify(expression)} -> ${message.source}`, () => {
      expect(errorOf(expression).message).toMatch(message);
    });
  }

  it("carries the position as a number too", () => {
    const error = errorOf("1 + 2 + bogus");
    expect(error.position).toBe(9);
    expect(error.problem).toMatch(/unknown name 'bogus'/);
  });

  it("refuses input longer than 500 characters", () => {
    const long = "1+".repeat(250) + "1"; // 501 characters
    expect(errorOf(long).message).toMatch(/the expression is 501 characters long; the limit is 500/);
    expect(evaluate("1+".repeat(249) + "1")).toBe(250); // 499 characters is fine
  });

  it("refuses nesting deeper than 50 levels, and accepts 50", () => {
    expect(evaluate("(".repeat(50) + "1" + ")".repeat(50))).toBe(1);
    expect(errorOf("(".repeat(51) + "1" + ")".repeat(51)).message).toMatch(/^at position 51: nesting deeper than 50 levels/);
    expect(errorOf("-".repeat(51) + "1").message).toMatch(/nesting deeper than 50 levels/);
    expect(errorOf("abs(".repeat(51) + "1" + ")".repeat(51)).message).toMatch(/nesting deeper than 50 levels/);
    expect(errorOf(Array(52).fill("2").join("^")).message).toMatch(/nesting deeper than 50 levels/);
  });
});

describe("calculator is not a way into JavaScript", () => {
  const attempts: [string, RegExp][] = [
    ["constructor", /unknown name 'constructor'/],
    ["__proto__", /unknown name '__proto__'/],
    ["toString", /unknown name 'toString'/],
    ["hasOwnProperty(1)", /unknown name 'hasOwnProperty'/],
    ["this", /unknown name 'this'/],
    ["process.exit()", /^at position 1: unknown name 'process'/],
    ["Math.PI", /unknown name 'Math'/],
    ["1;2", /^at position 2: unexpected character ';'/],
    ["1, 2", /^at position 2: unexpected ',' after a complete expression/],
    ["min.constructor", /^at position 4: min is a function/],
    ["[1]", /unexpected character '\['/],
    ["'1'", /unexpected character '''/],
    ["`1`", /unexpected character '`'/],
    ["1 == 1", /unexpected character '='/],
    ["a = 1", /unknown name 'a'/],
    ["require('fs')", /unknown name 'require'/],
    ["globalThis", /unknown name 'globalThis'/],
    ["x => 1", /unknown name 'x'/],
    ["0x10", /unexpected 'x10' after a complete expression/],
    ["NaN", /unknown name 'NaN'/],
    ["Infinity", /unknown name 'Infinity'/],
  ];
  for (const [expression, message] of attempts) {
    it(`rejects ${expression}`, () => {
      expect(errorOf(expression).message).toMatch(message);
    });
  }
});
