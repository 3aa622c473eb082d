/** `aibt bench`: the engine against a hand-written reference loop (see src/bench). */
import { runBench } from "../bench/bench";
import { runReplayBench } from "../bench/replay-bench";
import { runStoreBench } from "../bench/store-bench";
import { numberFlag, parseFlags, toJson } from "./args";

export const BENCH_HELP = `Usage: aibt bench [--json] [--bars N] [--repetitions N] [--seed N]
       aibt bench store [--json]
       aibt bench replay [--json]

Runs sma-cross 10/50 on generated minute bars (default 1,000,000) through the engine and through a
tight reference loop over typed arrays, alternated in one process (a full GC before each timed run); prints bars/s (medians), their
ratio (target >= 1/3) and whether both produced identical results.

\`aibt bench store\` measures the workspace store in a temporary folder: recording a 100,000-step run
with its durability (target >= 50,000 steps/s), opening a finished run's summary (target < 50 ms) and
listing 1,000 runs (target < 1 s).

\`aibt bench replay\` times the replay of one 390-minute session with a coded strategy (target < 50 ms).
`;

export async function benchCommand(argv: string[], out: (text: string) => void, signal?: AbortSignal): Promise<void> {
  if (argv[0] === "store") return storeBench(argv.slice(1), out, signal);
  if (argv[0] === "replay") return replayBench(argv.slice(1), out, signal);
  const flags = parseFlags("bench", argv, {
    json: { type: "boolean" },
    bars: { type: "string" },
    repetitions: { type: "string" },
    seed: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) return out(BENCH_HELP);
  const bars = numberFlag(flags, "bars", { integer: true, min: 1000, max: 50_000_000, example: 1_000_000 });
  const repetitions = numberFlag(flags, "repetitions", { integer: true, min: 1, max: 100, example: 7 });
  const seed = numberFlag(flags, "seed", { integer: true, min: 0, example: 42 });
  const report = await runBench({ ...(bars ? { bars } : {}), ...(repetitions ? { repetitions } : {}), ...(seed !== undefined ? { seed } : {}) }, signal);
  if (flags.json) return out(`${toJson(report)}\n`);
  const rate = (value: number) => `${(value / 1e6).toFixed(1)} M bars/s`;
  out(
    [
      `Workload: ${report.workload}, ${report.repetitions} alternated repetitions (medians)`,
      `  engine     ${rate(report.engineBarsPerSec)}`,
      `  reference  ${rate(report.referenceBarsPerSec)}`,
      `  ratio      ${report.ratio.toFixed(2)} (target >= ${report.target.toFixed(2)})  ${report.meetsTarget ? "OK" : "BELOW TARGET"}`,
      `  results    ${report.identical ? "identical" : "DIFFERENT"} (${report.result.fills} fills, ${report.result.roundTrips} round trips, final equity ${report.result.finalEquity})`,
      "",
    ].join("\n"),
  );
}

async function storeBench(argv: string[], out: (text: string) => void, signal?: AbortSignal): Promise<void> {
  const flags = parseFlags("bench store", argv, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } });
  if (flags.help) return out(BENCH_HELP);
  const report = await runStoreBench({}, signal);
  if (flags.json) return out(`${toJson(report)}\n`);
  out(
    [
      `Workspace store (a temporary folder):`,
      `  record a ${report.steps.toLocaleString("en-US")}-step run   ${Math.round(report.recordStepsPerSec).toLocaleString("en-US")} steps/s (target >= 50,000; unrecorded ${Math.round(report.unrecordedStepsPerSec).toLocaleString("en-US")})`,
      `  open a finished run     ${report.openSummaryMs.toFixed(1)} ms (target < 50)`,
      `  list ${report.listedRuns} runs          ${report.listMs.toFixed(0)} ms (target < 1000)`,
      "",
    ].join("\n"),
  );
}

async function replayBench(argv: string[], out: (text: string) => void, signal?: AbortSignal): Promise<void> {
  const flags = parseFlags("bench replay", argv, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } });
  if (flags.help) return out(BENCH_HELP);
  const report = await runReplayBench(21, signal);
  if (flags.json) return out(`${toJson(report)}\n`);
  out(`Replay of one ${report.bars}-minute session (medians): sma-cross ${report.smaCrossMs.toFixed(2)} ms, opening-range ${report.openingRangeMs.toFixed(2)} ms (target < 50)\n`);
}
