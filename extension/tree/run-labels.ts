/**
 * How a model and a run read in the tree: pure functions of the stored cards, so what a person sees is
 * tested without an editor.
 */
import type { ModelDefinition } from "../../src/store/model-definition";
import type { RunCard } from "../../src/store/run-record";

export interface RunLabel {
  label: string;
  description: string;
  tooltip: string;
  /** A codicon id (with ~spin for a live run). */
  icon: string;
  /** The icon's theme color id, so a failure is red at a glance. */
  color?: string;
  /** Context value the menus match on: running runs can be cancelled, ended ones deleted and compared. */
  contextValue: "aibt.run.running" | "aibt.run.ended";
}

const percent = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}%` : undefined);
const fixed = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value.toFixed(2) : undefined);

/** "SPX 2020-01-02..2020-12-31" for a daily run; "SYNA session 2024-03-05" for a replay (a session other than the regular one named). */
export function runSpan(card: Pick<RunCard, "mode" | "data">): string {
  const data = (card.data ?? {}) as Record<string, unknown>;
  const symbol = typeof data.symbol === "string" ? `${data.symbol} ` : "";
  if (card.mode === "intraday") {
    const day = typeof data.date === "string" ? data.date : typeof data.from === "string" ? data.from : "";
    const session = typeof data.session === "string" && data.session !== "regular" ? ` (${data.session})` : "";
    return `${symbol}session ${day}${session}`.trim();
  }
  return typeof data.from === "string" && typeof data.to === "string" ? `${symbol}${data.from}..${data.to}` : symbol.trim();
}

export function runLabel(card: RunCard, live = card.status === "running"): RunLabel {
  const span = runSpan(card);
  const mode = card.mode === "intraday" ? "replay" : "daily";
  const metrics = card.metrics ?? {};
  const totalReturn = percent(metrics.totalReturn);
  const sharpe = fixed(metrics.sharpe);
  const progress = card.stepsTotal > 0 ? Math.floor((100 * card.stepsDone) / card.stepsTotal) : 0;
  const parts = [mode, span];
  let icon: string;
  let color: string | undefined;
  if (live) {
    parts.push(`${progress}%`);
    icon = "sync~spin";
  } else {
    if (card.status === "completed") {
      icon = "pass";
      color = "testing.iconPassed";
    } else if (card.status === "cancelled") {
      icon = "circle-slash";
      color = "testing.iconSkipped";
    } else {
      icon = "error";
      color = "testing.iconFailed";
    }
    if (card.status !== "completed") parts.push(card.status === "running" ? "interrupted" : card.status);
    if (totalReturn) parts.push(totalReturn);
    if (sharpe) parts.push(`Sharpe ${sharpe}`);
  }
  const tooltip = [
    `${card.modelId}/${card.id}: ${live ? `running, ${card.stepsDone} of ${card.stepsTotal} steps` : card.status}`,
    `${mode} ${span}`,
    `started ${card.startedAt}${card.endedAt ? `, ended ${card.endedAt}` : ""}`,
    ...(totalReturn ? [`return ${totalReturn}`] : []),
    ...(sharpe ? [`Sharpe ${sharpe}`] : []),
    ...(typeof metrics.maxDrawdown === "number" ? [`max drawdown ${percent(-Math.abs(metrics.maxDrawdown))}`] : []),
    ...(card.error ? [`error: ${card.error}`] : []),
  ].join("\n");
  return { label: card.id, description: parts.filter(Boolean).join(" · "), tooltip, icon, ...(color ? { color } : {}), contextValue: live ? "aibt.run.running" : "aibt.run.ended" };
}

export function modelDescription(model: Pick<ModelDefinition, "strategy" | "allowedTickers">, runs: number): string {
  const strategy = model.strategy.kind === "llm" ? `LLM ${model.strategy.model}` : model.strategy.name;
  const tickers = model.allowedTickers.length ? model.allowedTickers.join(", ") : "any ticker";
  return `${strategy} · ${tickers} · ${runs} run${runs === 1 ? "" : "s"}`;
}
