// The Jupyter wire protocol (5.3): a message as ZeroMQ frames, signed with HMAC-SHA256 over the
// header, parent header, metadata and content.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface JupyterMessage {
  header: MessageHeader;
  /** Empty (`{}`) for a request; the request's header for replies and iopub messages. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

export function newMessage(msgType: string, session: string, content: Record<string, unknown>): JupyterMessage {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: "aibt",
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: {},
    metadata: {},
    content,
  };
}

function sign(key: string, parts: readonly (string | Buffer)[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/** The frames a Dealer sends: no routing prefix (the kernel's Router adds our identity). */
export function encodeMessage(message: JupyterMessage, key: string): string[] {
  const parts = [
    JSON.stringify(message.header),
    JSON.stringify(message.parent_header),
    JSON.stringify(message.metadata),
    JSON.stringify(message.content),
  ];
  return [DELIMITER, sign(key, parts), ...parts];
}

/** Parses received frames (routing identities, delimiter, signature, four JSON parts, buffers) and checks the signature. */
export function decodeMessage(frames: readonly Buffer[], key: string): JupyterMessage {
  const delimiter = frames.findIndex((frame) => frame.length === DELIMITER.length && frame.toString("latin1") === DELIMITER);
  if (delimiter < 0) throw new Error("a Jupyter message without the <IDS|MSG> delimiter");
  const signature = frames[delimiter + 1];
  const parts = frames.slice(delimiter + 2, delimiter + 6);
  if (signature === undefined || parts.length < 4) throw new Error(`a Jupyter message with ${frames.length} frames, too few`);
  const expected = Buffer.from(sign(key, parts), "latin1");
  if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) {
    throw new Error("a Jupyter message with a wrong HMAC signature");
  }
  const [header, parent, metadata, content] = parts.map((part) => JSON.parse(part.toString("utf8")) as unknown);
  return {
    header: header as MessageHeader,
    parent_header: (parent ?? {}) as Partial<MessageHeader>,
    metadata: (metadata ?? {}) as Record<string, unknown>,
    content: (content ?? {}) as Record<string, unknown>,
  };
}
