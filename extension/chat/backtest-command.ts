/**
 * `@aibt /backtest MODEL [data=FILE] [from=YYYY-MM-DD] [to=YYYY-MM-DD]`: says what it would run and asks
 * for confirmation with a button that sends the same request with `confirm`; confirmed, it starts the
 * run (in a worker, like Run Backtest) and streams its progress into the answer.
 */
import * as vscode from "vscode";
import { BUILT_IN_STRATEGIES } from "../../src/run/backtest";
import { ModelStore } from "../../src/store/models";
import type { RunJobs } from "../runs/run-jobs";
import { runRequest } from "../runs/run-request";
import type { ApiKeys } from "../secrets";
import { trustedOrExplain } from "../trust";

export interface BacktestRequest {
  model: string;
  data?: string;
  from?: string;
  to?: string;
  confirmed: boolean;
}

/** Reads the words after /backtest; undefined when no model is named. */
export function parseBacktest(prompt: string): BacktestRequest | undefined {
  const words = prompt.trim().split(/\s+/).filter(Boolean);
  const request: Partial<BacktestRequest> = { confirmed: false };
  for (const word of words) {
    const [key, value] = word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [undefined, word];
    if (key === "data" || key === "from" || key === "to") request[key] = value;
    else if (word.toLowerCase() === "confirm") request.confirmed = true;
    else if (!request.model) request.model = value;
  }
  return request.model ? (request as BacktestRequest) : undefined;
}

export async function chatBacktest(deps: { jobs: RunJobs; keys: ApiKeys }, folder: string, prompt: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<string | undefined> {
  const parsed = parseBacktest(prompt);
  const models = new ModelStore(folder);
  const known = [...models.list().models.map((m) => m.id), ...BUILT_IN_STRATEGIES];
  if (!parsed || !known.includes(parsed.model)) {
    stream.markdown(`${parsed ? `There is no model \`${parsed.model}\`. ` : ""}Name one: \`/backtest MODEL [data=FILE] [from=YYYY-MM-DD] [to=YYYY-MM-DD]\`. Models here: ${known.map((id) => `\`${id}\``).join(", ")}.`);
    return undefined;
  }
  const what = `a daily backtest of \`${parsed.model}\` on ${parsed.data ? `\`${parsed.data}\`` : "the shipped S&P 500 sample"}${parsed.from || parsed.to ? `, ${parsed.from ?? "start"} to ${parsed.to ?? "end"}` : ""}`;
  if (!parsed.confirmed) {
    stream.markdown(`This starts ${what}, recorded in this folder's \`.aibt/runs\`.`);
    stream.button({ command: "workbench.action.chat.open", arguments: [{ query: `@aibt /backtest ${prompt.trim()} confirm`, isPartialQuery: false }], title: "Start the backtest" });
    return undefined;
  }
  if (!trustedOrExplain("Run Backtest")) {
    stream.markdown("This folder is in Restricted Mode: no run starts until you trust it.");
    return undefined;
  }
  const options: Record<string, unknown> = {};
  if (parsed.data) options.data = parsed.data;
  if (parsed.from) options.from = parsed.from;
  if (parsed.to) options.to = parsed.to;
  const job = deps.jobs.start(await runRequest(deps.keys, "backtest", folder, parsed.model, options), `backtesting ${parsed.model}`);
  const onCancel = token.onCancellationRequested(() => job.cancel());
  stream.progress(`Starting ${what}...`);
  const timer = setInterval(() => {
    if (job.total > 0) stream.progress(`${job.ref ?? parsed.model}: ${job.step.toLocaleString("en-US")} of ${job.total.toLocaleString("en-US")} bars`);
  }, 500);
  try {
    const outcome = await job.outcome;
    if (outcome.status === "error") {
      stream.markdown(`The backtest failed: ${outcome.message}`);
      return undefined;
    }
    const { summary, run } = outcome;
    const ref = run ? `${run.modelId}/${run.id}` : undefined;
    stream.markdown(
      `**${ref ?? parsed.model}** ${summary.status}: ${(summary.totalReturn * 100).toFixed(2)}% return, Sharpe ${summary.sharpe.toFixed(2)}, max drawdown ${(summary.maxDrawdown * 100).toFixed(2)}%, ${summary.fills} fills over ${summary.bars.toLocaleString("en-US")} bars (${summary.from} to ${summary.to}).`,
    );
    return ref;
  } finally {
    clearInterval(timer);
    onCancel.dispose();
  }
}
