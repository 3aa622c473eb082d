/**
 * The `aibt` command. User mistakes print one clear line and exit 1 (never a stack trace); anything
 * else is a bug and prints its stack with exit 2.
 */
import { InputError, isUserFacing } from "../errors";
const VERSION = "0.1.0";

const HELP = `aibt ${VERSION}: AI trading research, from the command line

Usage: aibt <command> [options]

Commands:
  backtest    run a backtest (default data: the shipped S&P 500 sample)
  bars        aggregate trade ticks into OHLCV bars (a normalized CSV)
  bench       measure the engine against a hand-written reference loop
  generate    write SYNTHETIC market data as a normalized CSV
  mcp         serve the workspace to MCP clients (stdio or HTTP)
  models      create, list, show and delete model definitions (.aibt/models)
  replay      replay one trading day's session bar by bar
  report      write a recorded run's report: one self-contained HTML file
  runs        list, show, compare, delete and export recorded runs
  help        show this help, or \`aibt help <command>\`

\`aibt <command> --help\` shows a command's options.
`;

type Command = (argv: string[], out: (text: string) => void, signal?: AbortSignal) => void | Promise<void>;

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

export async function main(argv: string[], out: (text: string) => void, signal?: AbortSignal): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? rest[0] : undefined;
    if (topic !== undefined) {
      if (!COMMANDS[topic]) throw new InputError(`no command "${topic}"`, `Commands: ${Object.keys(COMMANDS).join(", ")}`);
      return main([topic, "--help"], out, signal);
    }
    out(HELP);
    return 0;
  }
  if (name === "--version" || name === "-v") {
    out(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`aibt: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")} (see \`aibt help\`)\n`);
    return 1;
  }
  await (await command())(rest, out, signal);
  return 0;
}

if (require.main === module) {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  main(process.argv.slice(2), (text) => process.stdout.write(text), controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (isUserFacing(error)) {
        process.stderr.write(`aibt: ${error.message}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`aibt: internal error (please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exitCode = 2;
      }
    },
  );
}
