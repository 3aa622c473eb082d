// Help and version, through the built CLI.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../shared-data";
import { runCli } from "./cli-helpers";

function ok(args: string[]): string {
  const result = runCli(args);
  expect(result.stderr, `aibt ${args.join(" ")}`).toBe("");
  expect(result.status, `aibt ${args.join(" ")}`).toBe(0);
  return result.stdout;
}

describe("aibt help and version", () => {
  it("--help, -h, help and no arguments print the command list", () => {
    const help = ok(["--help"]);
    expect(help).toMatch(/^aibt \d+\.\d+\.\d+/);
    expect(help).toContain("Usage: aibt <command> [options]");
    for (const command of ["backtest", "bench", "generate", "help"]) expect(help).toMatch(new RegExp(`^  ${command}\\s+\\S`, "m"));
    expect(ok(["-h"])).toBe(help);
    expect(ok(["help"])).toBe(help);
    expect(ok([])).toBe(help);
  });

  it("`aibt help backtest` and `aibt backtest --help` print the backtest options", () => {
    const help = ok(["backtest", "--help"]);
    expect(help).toMatch(/^Usage: aibt backtest \[options\]/);
    for (const flag of ["--data", "--symbol", "--from", "--to", "--strategy", "--fast", "--slow", "--cash", "--commission", "--slippage-bps", "--fill", "--fractional", "--json"]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain("sma-cross | buy-and-hold");
    expect(ok(["help", "backtest"])).toBe(help);
    expect(ok(["backtest", "-h"])).toBe(help);
  });

  it("generate and bench have their own help", () => {
    const generate = ok(["help", "generate"]);
    expect(generate).toMatch(/^Usage: aibt generate /);
    expect(generate).toContain("SYNTHETIC");
    expect(ok(["generate", "--help"])).toBe(generate);
    const bench = ok(["bench", "--help"]);
    expect(bench).toMatch(/^Usage: aibt bench /);
    expect(ok(["help", "bench"])).toBe(bench);
  });

  it("--version prints the package's version", () => {
    const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
    expect(ok(["--version"])).toBe(`${version}\n`);
    expect(ok(["-v"])).toBe(`${version}\n`);
  });
});
