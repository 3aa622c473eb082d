/** `aibt report`: a recorded run as one self-contained HTML file (charts, metrics, trades, reasoning). */
import path from "node:path";
import { InputError } from "../errors";
import { writeRunReport } from "../report/report";
import { parseCommandLine, stringFlag } from "./args";

export const REPORT_HELP = `Usage: aibt report RUN [--workspace DIR] [--out FILE]

Writes one self-contained HTML file for a recorded run: the summary metrics, charts (equity against its
benchmark, drawdown, candlesticks with the trades when the run's data file is still there, exposure,
returns), the trades, blocked orders with their reasons, the strategy snapshot and, for LLM runs,
excerpts of the reasoning. It fetches nothing: open it anywhere, offline.

  RUN                 MODEL/run-NNNN (or MODEL/N), or a path to a .sqlite run file
  --workspace DIR     the workspace holding the run (default: the current folder)
  --out FILE          where to write (default: MODEL-run-NNNN.html in the current folder; a folder
                      puts that name inside it)
`;

export async function reportCommand(argv: string[], out: (text: string) => void): Promise<void> {
  const { flags, positionals } = parseCommandLine("report", argv, {
    workspace: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) return out(REPORT_HELP);
  if (positionals.length !== 1) {
    throw new InputError(positionals.length === 0 ? "report needs a run" : `report takes one run, got ${positionals.length}`, "e.g. aibt report sma-cross/run-0001 (see `aibt runs list`)");
  }
  const workspace = path.resolve(stringFlag(flags, "workspace") ?? ".");
  const target = stringFlag(flags, "out");
  const { file, bytes } = await writeRunReport(positionals[0]!, { workspace, ...(target !== undefined ? { out: target } : {}) });
  out(`wrote ${file} (${Math.ceil(bytes / 1024).toLocaleString("en-US")} KB)\n`);
}
