// A scripted, OpenAI-compatible HTTP server for tests: the one stand-in for a paid LLM.
//
// It speaks just enough of POST /v1/chat/completions (plain and streaming) for the real `openai`
// client to parse its answers, and it can misbehave on cue (HTTP errors, a request that never
// answers, a body that is not JSON, a dropped connection). Real HTTP on 127.0.0.1, node:http only.
//
// Every chat-completions request with a JSON body is recorded in `requests`, in arrival order, with
// its Authorization header redacted: the server never stores, echoes or logs an API key.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type ScriptedReply =
  | { kind: "message"; content: string }
  | { kind: "tool_calls"; calls: { name: string; arguments: string | Record<string, unknown>; id?: string }[]; content?: string }
  | { kind: "error"; status: number; message?: string; type?: string; code?: string; retryAfterSeconds?: number }
  | { kind: "timeout" } // accept the request and never answer (until the client gives up / the server closes)
  | { kind: "malformed-json" } // 200 with a body that is not JSON
  | { kind: "hang-up" }; // destroy the socket without a response

export interface ScriptedRequest {
  /** Position in `requests` (0-based). Tool call ids default to `call_<index>_<n>`. */
  index: number;
  /** The parsed JSON request body (model, messages, tools, stream, ...). */
  body: any;
  /** Request headers, names lower-cased; `authorization` (when sent) is replaced by "Bearer [redacted]". */
  headers: Record<string, string | string[] | undefined>;
  /** Date.now() when the body had been read. */
  receivedAt: number;
}

export interface ScriptedServerOptions {
  /** The replies, in order (one per request; requests past the end get a 500 naming the script's length), or a function of the request. */
  replies: ScriptedReply[] | ((request: ScriptedRequest) => ScriptedReply);
  /** Delay before every response, in milliseconds. */
  latencyMs?: number;
  /** If set, any other (or missing) bearer token -> 401 in OpenAI's error shape. Such requests are recorded but do not consume a scripted reply. */
  apiKey?: string;
  /** Token counts to report; default: ceil(chars/4) of the request messages and of the reply. */
  usage?: (request: ScriptedRequest, reply: ScriptedReply) => { prompt_tokens: number; completion_tokens: number };
}

export interface ScriptedServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:PORT/v1 (pass it as the client's baseURL). */
  url: string;
  /** Every chat-completions request with a JSON body, in arrival order. */
  requests: ScriptedRequest[];
  /** Stops listening, ends pending "timeout" requests and destroys every socket. Idempotent. */
  close(): Promise<void>;
}

/** Largest request body accepted; larger ones get a 413. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** The fixed `created` timestamp of every completion, so responses are deterministic. */
export const SCRIPTED_CREATED = 1_700_000_000;

const CHAT_PATH = "/v1/chat/completions";

interface ErrorBody {
  error: { message: string; type: string; code: string | null; param: null };
}

function errorDefaults(status: number): { message: string; type: string; code: string | null } {
  switch (status) {
    case 400:
      return { message: "Bad request.", type: "invalid_request_error", code: null };
    case 401:
      return { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" };
    case 403:
      return { message: "You are not allowed to make this request.", type: "invalid_request_error", code: "permission_denied" };
    case 404:
      return { message: "Not found.", type: "invalid_request_error", code: "not_found" };
    case 413:
      return { message: "Request body too large.", type: "invalid_request_error", code: "request_too_large" };
    case 429:
      return { message: "Rate limit reached. Please try again later.", type: "requests", code: "rate_limit_exceeded" };
    case 500:
      return { message: "The server had an error while processing your request.", type: "server_error", code: "server_error" };
    case 503:
      return { message: "The engine is currently overloaded, please try again later.", type: "server_error", code: "overloaded" };
    default:
      return status >= 500
        ? { message: `Server error (${status}).`, type: "server_error", code: null }
        : { message: `Request failed (${status}).`, type: "invalid_request_error", code: null };
  }
}

function errorBody(status: number, overrides: { message?: string; type?: string; code?: string } = {}): ErrorBody {
  const defaults = errorDefaults(status);
  return {
    error: {
      message: overrides.message ?? defaults.message,
      type: overrides.type ?? defaults.type,
      code: overrides.code ?? defaults.code,
      param: null,
    },
  };
}

/** Characters of text in the request's messages: string content, text parts, and assistant tool calls. */
function messageChars(body: any): number {
  const messages: unknown[] = Array.isArray(body?.messages) ? body.messages : [];
  let chars = 0;
  for (const message of messages as any[]) {
    const content = message?.content;
    if (typeof content === "string") chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) if (typeof part?.text === "string") chars += part.text.length;
    }
    if (Array.isArray(message?.tool_calls)) {
      for (const call of message.tool_calls) {
        if (typeof call?.function?.name === "string") chars += call.function.name.length;
        if (typeof call?.function?.arguments === "string") chars += call.function.arguments.length;
      }
    }
  }
  return chars;
}

function argumentsText(args: string | Record<string, unknown>): string {
  return typeof args === "string" ? args : JSON.stringify(args);
}

function replyChars(reply: ScriptedReply): number {
  if (reply.kind === "message") return reply.content.length;
  if (reply.kind === "tool_calls") {
    let chars = reply.content?.length ?? 0;
    for (const call of reply.calls) chars += call.name.length + argumentsText(call.arguments).length;
    return chars;
  }
  return 0;
}

/** Splits text into at most `parts` non-empty pieces on code-point boundaries (no pieces for ""). */
function split(text: string, parts: number): string[] {
  const points = Array.from(text);
  const count = Math.min(parts, points.length);
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    pieces.push(points.slice(Math.floor((i * points.length) / count), Math.floor(((i + 1) * points.length) / count)).join(""));
  }
  return pieces;
}

function redactedHeaders(headers: http.IncomingHttpHeaders): Record<string, string | string[] | undefined> {
  const copy: Record<string, string | string[] | undefined> = { ...headers };
  if (copy.authorization !== undefined) copy.authorization = "Bearer [redacted]";
  return copy;
}

export async function startScriptedServer(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let cursor = 0; // next reply of an array script
  let closed = false;
  let closing: Promise<void> | undefined;

  const later = (fn: () => void): void => {
    const delay = options.latencyMs ?? 0;
    if (delay <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) fn();
    }, delay);
    timers.add(timer);
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    if (res.destroyed || res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const nextReply = (request: ScriptedRequest): ScriptedReply => {
    const { replies } = options;
    if (typeof replies === "function") {
      try {
        return replies(request);
      } catch (err) {
        return { kind: "error", status: 500, message: `Scripted server: the reply function threw for request #${request.index}: ${(err as Error)?.message ?? String(err)}`, code: "script_error" };
      }
    }
    const position = cursor++;
    const reply = replies[position];
    if (reply === undefined) {
      return {
        kind: "error",
        status: 500,
        message: `Scripted server: no reply scripted for request #${position} (the script has ${replies.length} ${replies.length === 1 ? "reply" : "replies"})`,
        code: "script_exhausted",
      };
    }
    return reply;
  };

  const usageFor = (request: ScriptedRequest, reply: ScriptedReply) => {
    const counts = options.usage
      ? options.usage(request, reply)
      : { prompt_tokens: Math.ceil(messageChars(request.body) / 4), completion_tokens: Math.ceil(replyChars(reply) / 4) };
    return { prompt_tokens: counts.prompt_tokens, completion_tokens: counts.completion_tokens, total_tokens: counts.prompt_tokens + counts.completion_tokens };
  };

  const toolCallsOf = (request: ScriptedRequest, reply: Extract<ScriptedReply, { kind: "tool_calls" }>) =>
    reply.calls.map((call, n) => ({
      id: call.id ?? `call_${request.index}_${n}`,
      type: "function" as const,
      function: { name: call.name, arguments: argumentsText(call.arguments) },
    }));

  const sendCompletion = (res: http.ServerResponse, request: ScriptedRequest, reply: Extract<ScriptedReply, { kind: "message" | "tool_calls" }>): void => {
    const model = typeof request.body.model === "string" ? request.body.model : "scripted";
    const id = `chatcmpl-scripted-${request.index}`;
    const headers = { "x-request-id": `req_scripted_${request.index}` };
    const usage = usageFor(request, reply);
    const toolCalls = reply.kind === "tool_calls" ? toolCallsOf(request, reply) : undefined;
    const content = reply.kind === "message" ? reply.content : (reply.content ?? null);
    const finishReason = reply.kind === "tool_calls" ? "tool_calls" : "stop";

    if (request.body.stream !== true) {
      sendJson(
        res,
        200,
        {
          id,
          object: "chat.completion",
          created: SCRIPTED_CREATED,
          model,
          choices: [
            {
              index: 0,
              message: { role: "assistant", content, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
              logprobs: null,
              finish_reason: finishReason,
            },
          ],
          usage,
        },
        headers,
      );
      return;
    }

    const includeUsage = request.body.stream_options?.include_usage === true;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      id,
      object: "chat.completion.chunk",
      created: SCRIPTED_CREATED,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
    const chunks: unknown[] = [chunk({ role: "assistant", content: content === null ? null : "" })];
    for (const piece of split(content ?? "", 3)) chunks.push(chunk({ content: piece }));
    for (const [n, call] of (toolCalls ?? []).entries()) {
      chunks.push(chunk({ tool_calls: [{ index: n, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] }));
      for (const piece of split(call.function.arguments, 3)) chunks.push(chunk({ tool_calls: [{ index: n, function: { arguments: piece } }] }));
    }
    chunks.push(chunk({}, finishReason));
    if (includeUsage) chunks.push({ id, object: "chat.completion.chunk", created: SCRIPTED_CREATED, model, choices: [], usage });

    if (res.destroyed) return;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", ...headers });
    for (const c of chunks) res.write(`data: ${JSON.stringify(c)}\n\n`);
    res.end("data: [DONE]\n\n");
  };

  const respond = (req: http.IncomingMessage, res: http.ServerResponse, request: ScriptedRequest, reply: ScriptedReply): void => {
    switch (reply.kind) {
      case "message":
      case "tool_calls":
        sendCompletion(res, request, reply);
        return;
      case "error": {
        const headers: Record<string, string> = { "x-request-id": `req_scripted_${request.index}` };
        if (reply.retryAfterSeconds !== undefined) headers["retry-after"] = String(reply.retryAfterSeconds);
        const overrides: { message?: string; type?: string; code?: string } = {};
        if (reply.message !== undefined) overrides.message = reply.message;
        if (reply.type !== undefined) overrides.type = reply.type;
        if (reply.code !== undefined) overrides.code = reply.code;
        sendJson(res, reply.status, errorBody(reply.status, overrides), headers);
        return;
      }
      case "timeout":
        // Never answer: the socket stays open until the client aborts or close() destroys it.
        return;
      case "malformed-json":
        if (res.destroyed) return;
        if (request.body.stream === true) {
          res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
          res.end('data: {"id": "chatcmpl-scripted-broken", "choices": [\n\ndata: [DONE]\n\n');
        } else {
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"id": "chatcmpl-scripted-broken", "object": "chat.completion", "choices": [');
        }
        return;
      case "hang-up":
        req.socket.destroy();
        return;
      default:
        sendJson(res, 500, errorBody(500, { message: `Scripted server: unknown reply kind ${JSON.stringify((reply as { kind?: unknown }).kind)}`, code: "script_error" }));
    }
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    req.on("error", () => {});
    res.on("error", () => {});
    const pathname = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const isChat = req.method === "POST" && pathname === CHAT_PATH;

    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (data: Buffer) => {
      size += data.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (isChat && !tooLarge) chunks.push(data);
    });
    req.on("end", () => {
      if (closed) return;
      if (!isChat) {
        later(() => sendJson(res, 404, errorBody(404, { message: `Unknown request URL: ${req.method} ${pathname}. The scripted server only serves POST ${CHAT_PATH}.`, code: "unknown_url" })));
        return;
      }
      if (tooLarge) {
        later(() => sendJson(res, 413, errorBody(413, { message: `Request body of ${size} bytes exceeds the ${MAX_BODY_BYTES}-byte limit.` })));
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        later(() => sendJson(res, 400, errorBody(400, { message: "We could not parse the JSON body of your request." })));
        return;
      }
      if (body === null || typeof body !== "object" || Array.isArray(body)) {
        later(() => sendJson(res, 400, errorBody(400, { message: "The request body must be a JSON object." })));
        return;
      }
      const request: ScriptedRequest = { index: requests.length, body, headers: redactedHeaders(req.headers), receivedAt: Date.now() };
      requests.push(request);

      if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        later(() => sendJson(res, 401, errorBody(401), { "x-request-id": `req_scripted_${request.index}` }));
        return;
      }
      const reply = nextReply(request);
      later(() => respond(req, res, request, reply));
    });
  };

  const server = http.createServer(handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close(): Promise<void> {
      if (closing) return closing;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      closing = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      return closing;
    },
  };
}
