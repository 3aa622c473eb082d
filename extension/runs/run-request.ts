/**
 * What a run started from the editor (a command, the chat) is asked to do: the model (a built-in
 * strategy when the workspace has no model file of that name; otherwise the model, which the engine
 * reports clearly when it does not exist), the run's own options, and what the worker needs from the
 * editor: the key (in memory only) and the endpoint setting.
 */
import { BUILT_IN_STRATEGIES } from "../../src/run/backtest";
import { ModelStore } from "../../src/store/models";
import type { ApiKeys } from "../secrets";
import { readSettings } from "../settings";
import type { RunJobRequest } from "./run-messages";

export async function runRequest(keys: ApiKeys, kind: RunJobRequest["kind"], workspace: string, model: string, options: Record<string, unknown>): Promise<RunJobRequest> {
  const builtIn = BUILT_IN_STRATEGIES.includes(model as (typeof BUILT_IN_STRATEGIES)[number]) && !new ModelStore(workspace).exists(model);
  const which = builtIn ? { strategy: model } : { model };
  const key = await keys.get();
  const { baseUrl } = readSettings();
  return { kind, options: { workspace, ...which, ...options }, ...(key ? { apiKey: key.key } : {}), ...(baseUrl ? { baseUrl } : {}) };
}
