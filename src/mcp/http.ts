/**
 * MCP over Streamable HTTP, for clients that do not spawn processes. Loopback only, a bearer token on
 * every request, Host and Origin checked against the loopback names (a web page cannot reach it
 * through DNS rebinding), request bodies capped. One MCP session per client.
 */
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { createMcpServer } from "./server";
import type { AibtMcp, AibtMcpOptions } from "./server";

export interface HttpOptions extends AibtMcpOptions {
  /** 0 picks a free port. */
  port: number;
  /** Generated when not given. */
  token?: string;
  maxBodyBytes?: number;
}

export interface HttpServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";

export async function serveHttp(options: HttpOptions): Promise<HttpServer> {
  const token = options.token ?? randomBytes(24).toString("base64url");
  const maxBody = options.maxBodyBytes ?? 1_000_000;
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; mcp: AibtMcp }>();
  let port = options.port;

  const refuse = (res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
  };

  const server = http.createServer(async (req, res) => {
    try {
      const allowedHosts = [`${HOST}:${port}`, `localhost:${port}`];
      if (!allowedHosts.includes(req.headers.host ?? "")) return refuse(res, 403, `forbidden Host "${req.headers.host ?? ""}": this server answers only to ${allowedHosts.join(" or ")}`);
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) return refuse(res, 403, `forbidden Origin "${origin}"`);
      if (!authorized(req.headers.authorization, token)) return refuse(res, 401, "a bearer token is required (Authorization: Bearer <token>, printed when the server started)", { "www-authenticate": 'Bearer realm="aibt"' });
      if (new URL(req.url ?? "/", `http://${HOST}`).pathname !== "/mcp") return refuse(res, 404, "the MCP endpoint is /mcp");
      const body = req.method === "POST" ? await readJson(req, maxBody) : undefined;
      if (body === TOO_LARGE) return refuse(res, 413, `request body over ${maxBody} bytes`);
      if (body === NOT_JSON) return refuse(res, 400, "the request body is not JSON");
      const sessionId = req.headers["mcp-session-id"];
      const known = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
      if (known) return await known.transport.handleRequest(req, res, body);
      if (req.method !== "POST" || !isInitializeRequest(body)) return refuse(res, 400, "no MCP session: start with an initialize request");
      const mcp = createMcpServer(options);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, { transport, mcp }),
        enableDnsRebindingProtection: true,
        allowedHosts,
        allowedOrigins: allowedHosts.map((h) => `http://${h}`),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
        void mcp.close();
      };
      await mcp.server.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      // The server keeps serving: one bad request never takes it down.
      if (!res.headersSent) refuse(res, 500, error instanceof Error ? error.message : String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, HOST, resolve);
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/mcp`,
    token,
    async close() {
      for (const { transport, mcp } of sessions.values()) {
        await transport.close();
        await mcp.close();
      }
      sessions.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function authorized(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? "")?.[1];
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const TOO_LARGE = Symbol("too large");
const NOT_JSON = Symbol("not JSON");

function readJson(req: http.IncomingMessage, max: number): Promise<unknown> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    let done = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max && !done) {
        done = true;
        resolve(TOO_LARGE);
        req.resume();
        return;
      }
      if (!done) chunks.push(chunk);
    });
    req.on("end", () => {
      if (done) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        resolve(NOT_JSON);
      }
    });
  });
}
