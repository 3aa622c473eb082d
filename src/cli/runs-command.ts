/** `aibt runs`: list, show, compare, delete and export the runs recorded in a workspace. */
import path from "node:path";
import { formatMarketTime } from "../data/calendar";
import { InputError } from "../errors";
import type { RunCard } from "../store/run-record";
import { RunStore } from "../store/runs";
import { parseCommandLine, stringFlag, toJson } from "./args";
import { columns } from "./table";

export const RUNS_HELP = `Usage: aibt runs <list|show|compare|delete|export> [options]

  aibt runs list [--model ID] [--json]          every recorded run, newest first per model
  aibt runs show RUN [--json]                   one run: status, data, metrics, fills, blocked orders
  aibt runs compare RUN RUN [...] [--json]      metrics side by side, and how the settings differ
  aibt runs delete RUN                          delete a finished run's files
  aibt runs export RUN --out FILE|DIR           copy the run file (it is self-contained)

RUN is MODEL/run-NNNN (or MODEL/N), or a path to a .sqlite run file.
All take --workspace DIR (default: the current folder).
`;

export async function runsCommand(argv: string[], out: (text: string) => void): Promise<void> {
  const [action, ...rest] = argv;
  if (action === undefined || action === "--help" || action === "-h") return out(RUNS_HELP);
  const { flags, positionals: refs } = parseCommandLine(`runs ${action}`, rest, {
    workspace: { type: "string" },
    model: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) return out(RUNS_HELP);
  const store = new RunStore(path.resolve(stringFlag(flags, "workspace") ?? "."));
  const json = flags.json === true;
  switch (action) {
    case "list": {
      const { runs, problems } = await store.list(stringFlag(flags, "model"));
      if (json) return out(`${toJson({ runs, problems })}\n`);
      out(runs.length === 0 ? `no runs in ${store.runsDir}\n` : `${table(runs)}\n`);
      for (const p of problems) out(`problem: ${p.file}: ${p.message}\n`);
      return;
    }
    case "show": {
      const reader = await store.open(one(refs, "show"));
      try {
        const card = reader.card();
        const fills = reader.fills();
        const blocked = reader.blocked();
        if (json) return out(`${toJson({ ...card, snapshot: reader.snapshot(), fills, blocked })}\n`);
        out(`${describe(card)}\n`);
        out(`  snapshot   ${JSON.stringify(reader.snapshot())}\n`);
        out(`  fills      ${fills.length}${fills.length ? `, last: ${fills.at(-1)!.side} ${fills.at(-1)!.quantity} ${fills.at(-1)!.symbol} at ${fills.at(-1)!.price} on ${formatMarketTime(fills.at(-1)!.time)}` : ""}\n`);
        if (blocked.length) out(`  blocked    ${blocked.length}, first: ${blocked[0]!.rule}: ${blocked[0]!.reason}\n`);
        return;
      } finally {
        reader.close();
      }
    }
    case "compare": {
      const comparison = await store.compare(refs);
      if (json) return out(`${toJson(comparison)}\n`);
      const names = comparison.runs.map((r) => `${r.modelId}/${r.id}`);
      const rows = [["", ...names], ...comparison.metrics.filter((m) => m.values.some((v) => typeof v === "number")).map((m) => [m.name, ...m.values.map(cell)])];
      out(`${columns(rows)}\n`);
      out(comparison.snapshotDifferences.length === 0 ? "settings: identical\n" : `settings that differ:\n${columns([["", ...names], ...comparison.snapshotDifferences.map((d) => [d.path, ...d.values.map(cell)])])}\n`);
      return;
    }
    case "delete": {
      const card = await store.delete(one(refs, "delete"));
      return out(`deleted ${card.modelId}/${card.id}\n`);
    }
    case "export": {
      const target = stringFlag(flags, "out");
      if (!target) throw new InputError("export needs --out FILE or DIR", "e.g. aibt runs export sma-cross/run-0001 --out run.sqlite");
      return out(`exported to ${await store.export(one(refs, "export"), path.resolve(target))}\n`);
    }
    default:
      throw new InputError(`unknown runs action "${action}"`, "Use list, show, compare, delete or export (see `aibt runs --help`)");
  }
}

function one(refs: string[], action: string): string {
  if (refs.length !== 1) throw new InputError(`${action} takes one run, got ${refs.length}`, `e.g. aibt runs ${action} sma-cross/run-0001`);
  return refs[0]!;
}

function cell(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(4);
  return value === undefined ? "-" : JSON.stringify(value);
}

function describe(card: RunCard): string {
  const data = card.data as { symbol?: string; from?: string; to?: string } | null;
  const m = card.metrics ?? {};
  const metric = (name: string) => (typeof m[name] === "number" ? (m[name] as number).toFixed(4) : "-");
  return [
    `${card.modelId}/${card.id}  ${card.status}${card.error ? ` (${card.error})` : ""}`,
    `  data       ${data?.symbol ?? "?"} ${data?.from ?? ""} to ${data?.to ?? ""}, ${card.stepsDone}/${card.stepsTotal} steps (${card.mode})`,
    `  started    ${card.startedAt}${card.endedAt ? `, ended ${card.endedAt}` : ""}`,
    `  metrics    return ${metric("totalReturn")}, sharpe ${metric("sharpe")}, max drawdown ${metric("maxDrawdown")}, fills ${m.fills ?? "-"}`,
  ].join("\n");
}

function table(runs: RunCard[]): string {
  const rows = [["RUN", "STATUS", "MODE", "DATA", "STEPS", "RETURN", "SHARPE"]];
  for (const run of runs) {
    const data = run.data as { symbol?: string; from?: string; to?: string } | null;
    const m = run.metrics ?? {};
    rows.push([
      `${run.modelId}/${run.id}`,
      run.status,
      run.mode,
      `${data?.symbol ?? "?"} ${data?.from ?? ""}..${data?.to ?? ""}`,
      `${run.stepsDone}/${run.stepsTotal}`,
      typeof m.totalReturn === "number" ? `${(m.totalReturn * 100).toFixed(2)}%` : "-",
      typeof m.sharpe === "number" ? m.sharpe.toFixed(2) : "-",
    ]);
  }
  return columns(rows);
}
