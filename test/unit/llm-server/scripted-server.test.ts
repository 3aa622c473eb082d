// The scripted OpenAI-compatible server, exercised with the real `openai` client over loopback HTTP.
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { SCRIPTED_CREATED, startScriptedServer } from "../../llm/scripted-server";
import type { ScriptedServer, ScriptedServerOptions } from "../../llm/scripted-server";

const servers: ScriptedServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const server = await startScriptedServer(options);
  servers.push(server);
  return server;
}

function clientFor(server: ScriptedServer, overrides: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({ apiKey: "test-key", baseURL: server.url, maxRetries: 0, timeout: 5_000, ...overrides });
}

const user = (content: string) => [{ role: "user" as const, content }];

const quoteTool = {
  type: "function" as const,
  function: { name: "get_quote", description: "Latest price", parameters: { type: "object", properties: { symbol: { type: "string" } }, required: ["symbol"] } },
};

/** Resolves to the rejection of `promise` (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the promise to reject");
}

describe("scripted server: successful completions", () => {
  it("answers a plain message in the chat.completion shape, echoing the model", async () => {
    const server = await serve({ replies: [{ kind: "message", content: "Hold AAPL." }] });
    const completion = await clientFor(server).chat.completions.create({ model: "gpt-test", messages: user("What now?") });

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toBe("chatcmpl-scripted-0");
    expect(completion.created).toBe(SCRIPTED_CREATED);
    expect(completion.model).toBe("gpt-test");
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0].index).toBe(0);
    expect(completion.choices[0].finish_reason).toBe("stop");
    expect(completion.choices[0].message.role).toBe("assistant");
    expect(completion.choices[0].message.content).toBe("Hold AAPL.");
    expect(completion.choices[0].message.tool_calls).toBeUndefined();
    expect(completion._request_id).toBe("req_scripted_0");
  });

  it("parses tool calls (non-streaming) into message.tool_calls with names, arguments and ids", async () => {
    const server = await serve({
      replies: [
        {
          kind: "tool_calls",
          calls: [
            { name: "get_quote", arguments: { symbol: "AAPL" } },
            { name: "place_order", arguments: '{"symbol":"MSFT","qty":3}', id: "call_custom" },
          ],
        },
        { kind: "tool_calls", calls: [{ name: "get_quote", arguments: { symbol: "NVDA" } }], content: "Checking NVDA." },
      ],
    });
    const client = clientFor(server);
    const first = await client.chat.completions.create({ model: "m", messages: user("trade"), tools: [quoteTool] });
    const choice = first.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: "call_0_0", type: "function", function: { name: "get_quote", arguments: '{"symbol":"AAPL"}' } },
      { id: "call_custom", type: "function", function: { name: "place_order", arguments: '{"symbol":"MSFT","qty":3}' } },
    ]);

    const second = await client.chat.completions.create({ model: "m", messages: user("again"), tools: [quoteTool] });
    expect(second.choices[0].message.content).toBe("Checking NVDA.");
    expect(second.choices[0].message.tool_calls?.[0].id).toBe("call_1_0");
  });

  it("streams content and tool calls that chat.completions.stream() reassembles", async () => {
    const server = await serve({
      replies: [
        {
          kind: "tool_calls",
          content: "Let me look up both quotes.",
          calls: [
            { name: "get_quote", arguments: { symbol: "AAPL" } },
            { name: "get_quote", arguments: { symbol: "MSFT" }, id: "call_msft" },
          ],
        },
      ],
    });
    const stream = clientFor(server).chat.completions.stream({ model: "gpt-stream", messages: user("quotes"), tools: [quoteTool] });
    const contentDeltas: string[] = [];
    const argumentDeltas: Record<number, string[]> = {};
    stream.on("content.delta", ({ delta }) => contentDeltas.push(delta));
    stream.on("tool_calls.function.arguments.delta", ({ index, arguments_delta }) => (argumentDeltas[index] ??= []).push(arguments_delta));
    const final = await stream.finalChatCompletion();

    expect(contentDeltas.length).toBeGreaterThan(1);
    // One (empty) delta for the chunk carrying id and name, then the 2-3 argument fragments.
    expect(argumentDeltas[0][0]).toBe("");
    expect(argumentDeltas[0].slice(1).length).toBeGreaterThanOrEqual(2);
    expect(argumentDeltas[0].slice(1).length).toBeLessThanOrEqual(3);
    expect(final.id).toBe("chatcmpl-scripted-0");
    expect(final.model).toBe("gpt-stream");
    expect(final.created).toBe(SCRIPTED_CREATED);
    expect(final.choices[0].finish_reason).toBe("tool_calls");
    expect(final.choices[0].message.content).toBe("Let me look up both quotes.");
    expect(final.choices[0].message.tool_calls?.map(({ id, type, function: fn }) => ({ id, type, name: fn.name, arguments: fn.arguments }))).toEqual([
      { id: "call_0_0", type: "function", name: "get_quote", arguments: '{"symbol":"AAPL"}' },
      { id: "call_msft", type: "function", name: "get_quote", arguments: '{"symbol":"MSFT"}' },
    ]);
    expect(server.requests[0].body.stream).toBe(true);
  });

  it("streams a plain message, with usage only when stream_options.include_usage is set", async () => {
    const server = await serve({ replies: [{ kind: "message", content: "Buy the dip, cautiously." }, { kind: "message", content: "Sell." }] });
    const client = clientFor(server);

    const withUsage = await client.chat.completions.stream({ model: "m", messages: user("12345678"), stream_options: { include_usage: true } }).finalChatCompletion();
    expect(withUsage.choices[0].message.content).toBe("Buy the dip, cautiously.");
    expect(withUsage.choices[0].finish_reason).toBe("stop");
    expect(withUsage.usage).toEqual({ prompt_tokens: 2, completion_tokens: 6, total_tokens: 8 });

    const chunks = [];
    for await (const chunk of await client.chat.completions.create({ model: "m", messages: user("x"), stream: true })) chunks.push(chunk);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe("stop");
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk" && chunk.usage === undefined)).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? "").join("")).toBe("Sell.");
  });

  it("reports usage as ceil(chars/4) by default, or from the usage option", async () => {
    const byDefault = await serve({
      replies: [{ kind: "message", content: "abcde" }, { kind: "tool_calls", calls: [{ name: "get_quote", arguments: { symbol: "AAPL" } }] }],
    });
    const client = clientFor(byDefault);
    const messages = [
      { role: "system" as const, content: "You trade." }, // 10
      { role: "user" as const, content: [{ type: "text" as const, text: "Go" }] }, // 2
      { role: "assistant" as const, content: null, tool_calls: [{ id: "c1", type: "function" as const, function: { name: "f", arguments: "{}" } }] }, // 3
      { role: "tool" as const, tool_call_id: "c1", content: "42" }, // 2
    ];
    const first = await client.chat.completions.create({ model: "m", messages });
    expect(first.usage).toEqual({ prompt_tokens: Math.ceil(17 / 4), completion_tokens: 2, total_tokens: 5 + 2 });
    const second = await client.chat.completions.create({ model: "m", messages: user("") });
    // "get_quote" (9) + '{"symbol":"AAPL"}' (17) = 26 chars
    expect(second.usage).toEqual({ prompt_tokens: 0, completion_tokens: 7, total_tokens: 7 });

    const custom = await serve({
      replies: [{ kind: "message", content: "ok" }],
      usage: (request, reply) => ({ prompt_tokens: 1000 + request.index, completion_tokens: reply.kind === "message" ? 7 : 0 }),
    });
    const third = await clientFor(custom).chat.completions.create({ model: "m", messages: user("hi") });
    expect(third.usage).toEqual({ prompt_tokens: 1000, completion_tokens: 7, total_tokens: 1007 });
  });

  it("passes malformed tool arguments through verbatim, streaming or not", async () => {
    const broken = '{"symbol": "AAPL"';
    const server = await serve({
      replies: [
        { kind: "tool_calls", calls: [{ name: "get_quote", arguments: broken }] },
        { kind: "tool_calls", calls: [{ name: "get_quote", arguments: broken }] },
      ],
    });
    const client = clientFor(server);
    const plain = await client.chat.completions.create({ model: "m", messages: user("q"), tools: [quoteTool] });
    expect(plain.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: "get_quote", arguments: broken } });
    const streamed = await client.chat.completions.stream({ model: "m", messages: user("q"), tools: [quoteTool] }).finalChatCompletion();
    expect(streamed.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: "get_quote", arguments: broken } });
    expect(() => JSON.parse(broken)).toThrow(SyntaxError);
  });
});

describe("scripted server: errors and misbehaviour", () => {
  it("rejects a wrong bearer token with 401 (AuthenticationError) without consuming a reply or keeping the key", async () => {
    const server = await serve({ apiKey: "right-key", replies: [{ kind: "message", content: "welcome" }] });
    const err = await rejection(clientFor(server, { apiKey: "wrong-key" }).chat.completions.create({ model: "m", messages: user("hi") }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const auth = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(auth.status).toBe(401);
    expect(auth.code).toBe("invalid_api_key");
    expect(auth.type).toBe("invalid_request_error");
    expect(auth.param).toBeNull();
    expect(auth.message).toBe("401 Incorrect API key provided");
    expect(auth.message).not.toContain("wrong-key");

    const ok = await clientFor(server, { apiKey: "right-key" }).chat.completions.create({ model: "m", messages: user("hi") });
    expect(ok.choices[0].message.content).toBe("welcome");

    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) expect(request.headers.authorization).toBe("Bearer [redacted]");
    expect(JSON.stringify(server.requests)).not.toMatch(/wrong-key|right-key/);
  });

  it("maps a scripted 401 to AuthenticationError", async () => {
    const server = await serve({ replies: [{ kind: "error", status: 401 }] });
    const err = await rejection(clientFor(server).chat.completions.create({ model: "m", messages: user("hi") }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toEqual({ message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key", param: null });
  });

  it("maps 429 to RateLimitError with the retry-after header visible", async () => {
    const server = await serve({ replies: [{ kind: "error", status: 429, retryAfterSeconds: 7, message: "Slow down." }] });
    const err = await rejection(clientFor(server).chat.completions.create({ model: "m", messages: user("hi") }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.status).toBe(429);
    expect(limited.code).toBe("rate_limit_exceeded");
    expect(limited.message).toBe("429 Slow down.");
    expect(limited.headers.get("retry-after")).toBe("7");
  });

  it("maps 500 and 503 to InternalServerError", async () => {
    const server = await serve({ replies: [{ kind: "error", status: 500 }, { kind: "error", status: 503 }, { kind: "error", status: 418, type: "teapot", code: "short_and_stout" }] });
    const client = clientFor(server);
    const internal = await rejection(client.chat.completions.create({ model: "m", messages: user("hi") }));
    expect(internal).toBeInstanceOf(OpenAI.InternalServerError);
    expect((internal as InstanceType<typeof OpenAI.APIError>).code).toBe("server_error");
    const overloaded = await rejection(client.chat.completions.create({ model: "m", messages: user("hi") }));
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).code).toBe("overloaded");
    const other = await rejection(client.chat.completions.create({ model: "m", messages: user("hi") }));
    expect(other).toBeInstanceOf(OpenAI.APIError);
    expect(other).toMatchObject({ status: 418, type: "teapot", code: "short_and_stout" });
  });

  it("surfaces HTTP errors from a streaming request as the same error classes", async () => {
    const server = await serve({ replies: [{ kind: "error", status: 429, retryAfterSeconds: 1 }] });
    const err = await rejection(clientFor(server).chat.completions.stream({ model: "m", messages: user("hi") }).finalChatCompletion());
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it("lets a timeout reply run into the client's timeout (APIConnectionTimeoutError)", async () => {
    const server = await serve({ replies: [{ kind: "timeout" }, { kind: "message", content: "back" }] });
    const client = clientFor(server, { timeout: 200 });
    const started = performance.now();
    const err = await rejection(client.chat.completions.create({ model: "m", messages: user("hi") }));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError); // the timeout class is a subclass
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    // The server keeps serving after the client gave up.
    expect((await client.chat.completions.create({ model: "m", messages: user("hi") })).choices[0].message.content).toBe("back");
  });

  it("answers malformed-json with a body the client cannot parse: an error, not a crash", async () => {
    const server = await serve({ replies: [{ kind: "malformed-json" }, { kind: "message", content: "fine" }] });
    const client = clientFor(server);
    const err = await rejection(client.chat.completions.create({ model: "m", messages: user("hi") }));
    expect(err).toBeInstanceOf(SyntaxError);
    expect(err).not.toBeInstanceOf(OpenAI.APIError);
    expect((await client.chat.completions.create({ model: "m", messages: user("hi") })).choices[0].message.content).toBe("fine");
  });

  it("answers a streaming malformed-json with an SSE event the stream helper cannot parse", async () => {
    const server = await serve({ replies: [{ kind: "malformed-json" }] });
    // logLevel "off": the client would otherwise console.error the unparseable event.
    const client = clientFor(server, { logLevel: "off" });
    const err = await rejection(client.chat.completions.stream({ model: "m", messages: user("hi") }).finalChatCompletion());
    expect(err).toBeInstanceOf(OpenAI.OpenAIError);
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("hangs up on a hang-up reply: APIConnectionError (not a timeout)", async () => {
    const server = await serve({ replies: [{ kind: "hang-up" }, { kind: "message", content: "still here" }] });
    const client = clientFor(server);
    const err = await rejection(client.chat.completions.create({ model: "m", messages: user("hi") }));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(err).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect((err as Error).message).toBe("Connection error.");
    expect((await client.chat.completions.create({ model: "m", messages: user("hi") })).choices[0].message.content).toBe("still here");
  });

  it("answers requests past the end of the script with a 500 naming the script's length", async () => {
    const server = await serve({ replies: [{ kind: "message", content: "only one" }] });
    const client = clientFor(server);
    await client.chat.completions.create({ model: "m", messages: user("1") });
    const err = await rejection(client.chat.completions.create({ model: "m", messages: user("2") }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as Error).message).toContain("the script has 1 reply");
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe("script_exhausted");
  });

  it("answers other paths with 404, invalid JSON with 400 and bodies over 5 MB with 413, in OpenAI's error shape", async () => {
    const server = await serve({ replies: [] });
    const client = clientFor(server);
    const notFound = await rejection(client.models.list());
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect((notFound as Error).message).toContain("GET /v1/models");

    const getChat = await fetch(`${server.url}/chat/completions`);
    expect(getChat.status).toBe(404);

    const badJson = await fetch(`${server.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"model": ' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: { message: expect.any(String), type: "invalid_request_error", code: null, param: null } });

    const tooLarge = await rejection(client.chat.completions.create({ model: "m", messages: user("x".repeat(5 * 1024 * 1024 + 1)) }));
    expect(tooLarge).toBeInstanceOf(OpenAI.APIError);
    expect((tooLarge as InstanceType<typeof OpenAI.APIError>).status).toBe(413);

    expect(server.requests).toHaveLength(0); // none of these reached the script
  });
});

describe("scripted server: recording, latency, function replies, close", () => {
  it("records requests in order with their bodies and headers", async () => {
    const server = await serve({ replies: [{ kind: "message", content: "a" }, { kind: "message", content: "b" }] });
    const client = clientFor(server);
    const before = Date.now();
    await client.chat.completions.create({ model: "m1", messages: user("first"), tools: [quoteTool], temperature: 0 });
    await client.chat.completions.stream({ model: "m2", messages: user("second") }, { timeout: 5_000 }).finalChatCompletion();

    expect(server.requests.map((r) => r.index)).toEqual([0, 1]);
    expect(server.requests[0].body).toEqual({ model: "m1", messages: user("first"), tools: [quoteTool], temperature: 0 });
    expect(server.requests[1].body).toMatchObject({ model: "m2", messages: user("second"), stream: true });
    expect(server.requests[0].receivedAt).toBeGreaterThanOrEqual(before);
    expect(server.requests[1].receivedAt).toBeGreaterThanOrEqual(server.requests[0].receivedAt);
    expect(server.requests[0].headers["content-type"]).toBe("application/json");
    expect(server.requests[0].headers["x-stainless-retry-count"]).toBe("0");
    // X-Stainless-Timeout is only sent for a per-request timeout, not the client-wide one.
    expect(server.requests[0].headers["x-stainless-timeout"]).toBeUndefined();
    expect(server.requests[1].headers["x-stainless-timeout"]).toBe("5");
    expect(server.requests[0].headers["user-agent"]).toMatch(/^OpenAI\/JS /);
  });

  it("delays every response by latencyMs", async () => {
    const server = await serve({ latencyMs: 150, replies: [{ kind: "message", content: "slow" }, { kind: "error", status: 500 }] });
    const client = clientFor(server);
    let started = performance.now();
    await client.chat.completions.create({ model: "m", messages: user("hi") });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    started = performance.now();
    await rejection(client.chat.completions.create({ model: "m", messages: user("hi") }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("gives function replies the request", async () => {
    const server = await serve({
      replies: (request) => {
        const last = request.body.messages.at(-1);
        if (last.role === "tool") return { kind: "message", content: `The quote is ${last.content}.` };
        return { kind: "tool_calls", calls: [{ name: "get_quote", arguments: { symbol: last.content } }] };
      },
    });
    const client = clientFor(server);
    const first = await client.chat.completions.create({ model: "m", messages: user("TSLA"), tools: [quoteTool] });
    const call = first.choices[0].message.tool_calls![0];
    expect(call.type === "function" && JSON.parse(call.function.arguments)).toEqual({ symbol: "TSLA" });
    const second = await client.chat.completions.create({
      model: "m",
      messages: [...user("TSLA"), first.choices[0].message, { role: "tool", tool_call_id: call.id, content: "251.3" }],
      tools: [quoteTool],
    });
    expect(second.choices[0].message.content).toBe("The quote is 251.3.");
    expect(server.requests[1].body.messages[2]).toEqual({ role: "tool", tool_call_id: "call_0_0", content: "251.3" });
  });

  it("turns a throwing reply function into a 500 instead of crashing", async () => {
    const server = await serve({
      replies: () => {
        throw new Error("script bug");
      },
    });
    const err = await rejection(clientFor(server).chat.completions.create({ model: "m", messages: user("hi") }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as Error).message).toContain("script bug");
  });

  it("close() ends a pending timeout request promptly", async () => {
    const server = await serve({ replies: [{ kind: "timeout" }] });
    const pending = rejection(clientFor(server, { timeout: 10_000 }).chat.completions.create({ model: "m", messages: user("hi") }));
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    await server.close();
    await server.close(); // idempotent
    const err = await pending;
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(err).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });
});

describe("the openai client's own behaviour, as the agent will meet it", () => {
  it("retries 429/5xx and connection failures itself when maxRetries > 0, honouring retry-after", async () => {
    const server = await serve({
      replies: [{ kind: "error", status: 500, retryAfterSeconds: 0 }, { kind: "hang-up" }, { kind: "error", status: 429, retryAfterSeconds: 0.05 }, { kind: "message", content: "third time lucky" }],
    });
    const completion = await clientFor(server, { maxRetries: 3 }).chat.completions.create({ model: "m", messages: user("hi") });
    expect(completion.choices[0].message.content).toBe("third time lucky");
    expect(server.requests.map((r) => r.headers["x-stainless-retry-count"])).toEqual(["0", "1", "2", "3"]);
  });

  it("does not retry 400/401/404-class errors", async () => {
    const server = await serve({ replies: [{ kind: "error", status: 401 }, { kind: "message", content: "never reached" }] });
    const err = await rejection(clientFor(server, { maxRetries: 3 }).chat.completions.create({ model: "m", messages: user("hi") }));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(server.requests).toHaveLength(1);
  });

  it("parses strict tools' arguments in finalChatCompletion(), so malformed arguments then throw", async () => {
    const server = await serve({ replies: [{ kind: "tool_calls", calls: [{ name: "get_quote", arguments: '{"symbol": "AAPL"' }] }] });
    const strictTool = { ...quoteTool, function: { ...quoteTool.function, strict: true } };
    const err = await rejection(clientFor(server).chat.completions.stream({ model: "m", messages: user("q"), tools: [strictTool] }).finalChatCompletion());
    // The stream helper wraps non-OpenAI errors: an OpenAIError whose cause is the SyntaxError.
    expect(err).toBeInstanceOf(OpenAI.OpenAIError);
    expect(err).not.toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
  });
});
