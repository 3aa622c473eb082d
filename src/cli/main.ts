/**
 * The `aibt` commands of the engine. The process entry is kernel/cli.ts, which adds the commands that
 * need the notebook kernel and prints errors (a user mistake as one line with exit 1, a bug as its stack
 * with exit 2).
 */
import { InputError } from "../errors";
const VERSION = "0.1.0";

/** One line per command in `aibt help`. */
const SUMMARIES: Record<string, string> = {
  backtest: "run a backtest (default data: the shipped S&P 500 sample)",
  bars: "aggregate trade ticks into OHLCV bars (a normalized CSV)",
  bench: "measure the engine against a hand-written reference loop",
  generate: "write SYNTHETIC market data as a normalized CSV",
  mcp: "serve the workspace to MCP clients (stdio or HTTP)",
  models: "create, list, show and delete model definitions (.aibt/models)",
  replay: "replay one trading day's session bar by bar",
  report: "write a recorded run's report: one self-contained HTML file",
  runs: "list, show, compare, delete and export recorded runs",
};

function helpText(summaries: Record<string, string>): string {
  const lines = Object.entries(summaries)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, summary]) => `  ${name.padEnd(10)}  ${summary}`);
  return `aibt ${VERSION}: AI trading research, from the command line

Usage: aibt <command> [options]

Commands:
${lines.join("\n")}
  help        show this help, or \`aibt help <command>\`

\`aibt <command> --help\` shows a command's options.
`;
}

export type Command = (argv: string[], out: (text: string) => void, signal?: AbortSignal) => void | Promise<void>;

// Each command's code is loaded when it runs: `aibt mcp` starts without loading the chart renderer,
// and `aibt --version` without any of it (the bundle is large; evaluating all of it takes time).
const COMMANDS: Record<string, () => Promise<Command>> = {
  backtest: async () => (await import("./backtest-command")).backtestCommand,
  bars: async () => (await import("./bars-command")).barsCommand,
  bench: async () => (await import("./bench-command")).benchCommand,
  generate: async () => (await import("./generate-command")).generateCommand,
  mcp: async () => (await import("./mcp-command")).mcpCommand,
  models: async () => (await import("./models-command")).modelsCommand,
  replay: async () => (await import("./replay-command")).replayCommand,
  report: async () => (await import("./report-command")).reportCommand,
  runs: async () => (await import("./runs-command")).runsCommand,
};

/** A command defined outside src/, which may not import it (kernel/cli.ts adds `notebook`). */
export interface ExtraCommand {
  summary: string;
  load: () => Promise<Command>;
}

export async function main(argv: string[], out: (text: string) => void, extra: Record<string, ExtraCommand> = {}, signal?: AbortSignal): Promise<number> {
  const commands: Record<string, () => Promise<Command>> = { ...COMMANDS };
  const summaries = { ...SUMMARIES };
  for (const [name, command] of Object.entries(extra)) {
    commands[name] = command.load;
    summaries[name] = command.summary;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic !== undefined) {
      if (!commands[topic]) throw new InputError(`no command "${topic}"`, `Commands: ${Object.keys(commands).sort().join(", ")}`);
      return main([topic, "--help"], out, extra, signal);
    }
    out(helpText(summaries));
    return 0;
  }
  if (name === "--version" || name === "-v") {
    out(`${VERSION}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`aibt: unknown command "${name}". Commands: ${Object.keys(commands).sort().join(", ")} (see \`aibt help\`)\n`);
    return 1;
  }
  await (await command())(rest, out, signal);
  return 0;
}
