// The kernel's connection file: five free TCP ports on the loopback interface and a signing key.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

const LOOPBACK = "127.0.0.1";

/** Ports the system hands out for port 0, all held open together so they differ, then released. */
export async function freePorts(count: number, host = LOOPBACK): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import("node:net").Server>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, host, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("a TCP server without a port");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

export async function newConnectionInfo(): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  return {
    transport: "tcp",
    ip: LOOPBACK,
    shell_port: shell!,
    iopub_port: iopub!,
    stdin_port: stdin!,
    control_port: control!,
    hb_port: hb!,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: "tslab",
  };
}

/** Writes the file readable by its owner only: it holds the key that lets anyone run code in the kernel. */
export function writeConnectionFile(dir: string, info: ConnectionInfo): string {
  const file = path.join(dir, "connection.json");
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function address(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}
