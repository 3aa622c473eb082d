/**
 * How the agent treats each failure of the model's endpoint. Nothing is ever turned into a silent
 * HOLD: authentication and request errors stop the run at once; rate limits, server errors, timeouts
 * and dropped connections are retried with backoff and jitter, then stop the run.
 */
import OpenAI from "openai";

export class AgentError extends Error {
  override readonly name = "AgentError";
  /** An expected failure of the model's endpoint: shown as a clear message, not as a bug. */
  readonly userFacing = true;
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Maps an error from the openai client to what the run must do with it. */
export function classify(error: unknown, endpoint: string): AgentError {
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) {
    return new AgentError(
      `the model endpoint ${endpoint} refused the API key (${error.status}): set a valid OPENAI_API_KEY (or the key in VS Code's "AIBT: Set API Key"); the run stopped at once`,
      false,
    );
  }
  if (error instanceof OpenAI.RateLimitError) return new AgentError(`rate limited by ${endpoint} (429)`, true);
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new AgentError(`${endpoint} did not answer in time`, true);
  if (error instanceof OpenAI.APIConnectionError) return new AgentError(`cannot reach ${endpoint} (${error.message})`, true);
  if (error instanceof OpenAI.InternalServerError) return new AgentError(`${endpoint} failed (${error.status})`, true);
  if (error instanceof OpenAI.NotFoundError) {
    return new AgentError(`${endpoint} does not know this model or path (404: ${error.message}); check the model id and base URL`, false);
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    return new AgentError(`${endpoint} rejected the request (${error.status}: ${error.message})`, error.status >= 500);
  }
  if (error instanceof AgentError) return error;
  // A body that is not JSON, an unexpected shape: the endpoint is not behaving; retrying may help.
  return new AgentError(`unexpected answer from ${endpoint}: ${error instanceof Error ? error.message : String(error)}`, true);
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/** Exponential backoff with full jitter from a seeded source (runs stay repeatable). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt) * (0.5 + random() / 2);
}
