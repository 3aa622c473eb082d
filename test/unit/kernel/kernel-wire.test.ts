// The Jupyter wire format: HMAC-SHA256 over the four JSON parts, routing prefixes, bad signatures.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, newMessage } from "../../../kernel/jupyter/wire";

const KEY = "5ecret-key";

describe("Jupyter wire messages", () => {
  it("signs header, parent header, metadata and content with HMAC-SHA256, hex", () => {
    const message = newMessage("execute_request", "session-1", { code: "1 + 1" });
    const frames = encodeMessage(message, KEY);
    expect(frames[0]).toBe("<IDS|MSG>");
    expect(frames.slice(2).map((part) => JSON.parse(part))).toEqual([message.header, {}, {}, { code: "1 + 1" }]);
    const hmac = createHmac("sha256", KEY);
    for (const part of frames.slice(2)) hmac.update(part);
    expect(frames[1]).toBe(hmac.digest("hex"));
    expect(message.header).toMatchObject({ msg_type: "execute_request", session: "session-1", version: "5.3" });
    expect(message.header.msg_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("decodes what it encodes, skipping the routing identities before the delimiter", () => {
    const message = newMessage("kernel_info_request", "s", { a: [1, "é"] });
    message.parent_header = { msg_id: "parent" };
    const frames = [Buffer.from("identity"), ...encodeMessage(message, KEY).map((part) => Buffer.from(part))];
    expect(decodeMessage(frames, KEY)).toEqual(message);
  });

  it("rejects a wrong signature, a missing delimiter and missing parts", () => {
    const frames = encodeMessage(newMessage("status", "s", {}), KEY).map((part) => Buffer.from(part));
    expect(() => decodeMessage(frames, "other-key")).toThrow("wrong HMAC signature");
    expect(() => decodeMessage(frames.slice(1), KEY)).toThrow("without the <IDS|MSG> delimiter");
    expect(() => decodeMessage(frames.slice(0, 4), KEY)).toThrow("too few");
  });
});
