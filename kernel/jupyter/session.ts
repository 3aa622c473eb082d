// One tslab kernel process and the client's ZeroMQ sockets to it: spawning, the kernel_info handshake,
// routing of replies and iopub messages by the request they answer, and stopping.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Dealer, Subscriber } from "zeromq";
import { defaultAibtPackage, linkAibtPackage, nodeTypesFor } from "./aibt-package";
import { address, newConnectionInfo, writeConnectionFile, type ConnectionInfo } from "./connection";
import { PRELOAD_SOURCE } from "./preload";
import { decodeMessage, encodeMessage, newMessage, type JupyterMessage } from "./wire";

export interface SessionOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  startTimeoutMs?: number;
  /**
   * The aibt package (the folder holding its package.json and dist/) that cells import as
   * `aibt/notebook` and `aibt/engine` when neither the notebook's folder nor any folder above it has a
   * node_modules/aibt of its own. Default: the package this code is part of.
   */
  aibtPackage?: string;
}

/** What a request's sender hears about it: the reply on its channel and iopub messages with it as parent. */
export interface RequestListener {
  reply?(message: JupyterMessage): void;
  iopub?(message: JupyterMessage): void;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Raised for start failures, a dead kernel and protocol errors; `userFacing`, so front ends show the message alone. */
export class KernelError extends Error {
  override readonly name = "KernelError";
  readonly userFacing = true;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const IOPUB_RETRY_MS = 100;
const STOP_GRACE_MS = 1_500;
const TAIL_CHARS = 4_000;
const START_ATTEMPTS = 3;

export class KernelSession {
  private readonly listeners = new Map<string, RequestListener>();
  private readonly sessionId = randomUUID();
  private readonly sends = new Map<Dealer, Promise<void>>();
  private stdoutTail = "";
  private stderrTail = "";
  private exitInfo: Exit | undefined;
  private stopping: Promise<void> | undefined;
  private readonly exitWaiters: ((exit: Exit) => void)[] = [];
  private iopubSeen = false;
  private wake: (() => void) | undefined;
  /** Called once when the process exits, expected (stop) or not. */
  onExit: ((exit: Exit) => void) | undefined;
  /** Called for messages the client cannot read (bad signature, bad JSON). */
  onProtocolError: ((error: Error) => void) | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly info: ConnectionInfo,
    private readonly shell: Dealer,
    private readonly control: Dealer,
    private readonly iopub: Subscriber,
    private tempDir: string | undefined,
  ) {
    child.stdout?.setEncoding("utf8").on("data", (text: string) => {
      this.stdoutTail = (this.stdoutTail + text).slice(-TAIL_CHARS);
    });
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-TAIL_CHARS);
      this.wake?.();
    });
    const exited = (exit: Exit) => {
      if (this.exitInfo) return;
      this.exitInfo = exit;
      this.cleanup();
      for (const waiter of this.exitWaiters.splice(0)) waiter(exit);
      this.wake?.();
      this.onExit?.(exit);
    };
    child.once("exit", (code, signal) => exited({ code, signal }));
    // Spawning failed (no process at all): there will be no exit event.
    child.once("error", (error) => {
      this.stderrTail += `${error.message}\n`;
      if (child.pid === undefined) exited({ code: null, signal: null });
    });
    void this.pump(shell);
    void this.pump(control);
    void this.pump(iopub);
  }

  /** Spawns `tslab kernel` in `options.cwd` and resolves after its kernel_info_reply (and a first iopub message). */
  static async start(options: SessionOptions, signal?: AbortSignal): Promise<KernelSession> {
    signal?.throwIfAborted();
    if (!existsSync(options.cwd) || !statSync(options.cwd).isDirectory()) {
      throw new KernelError(`cannot start the tslab kernel: the folder ${options.cwd} does not exist`);
    }
    const tslab = tslabPackage();
    const aibtPackage = options.aibtPackage ?? defaultAibtPackage();
    const nodeTypes = nodeTypesFor(aibtPackage, tslab.folder);
    const zmq = await import("zeromq");
    const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const info = await newConnectionInfo();
      // The folder holds the key (in the connection file): removed when the process ends.
      const dir = mkdtempSync(path.join(os.tmpdir(), "aibt-tslab-"));
      const preload = path.join(dir, "aibt-kernel-preload.cjs");
      writeFileSync(preload, PRELOAD_SOURCE);
      const connectionFile = writeConnectionFile(dir, info);
      const env: Record<string, string | undefined> = { ...process.env, ...options.env, AIBT_KERNEL_PARENT_PID: String(process.pid) };
      // Inside VS Code process.execPath is Electron, which runs scripts as Node only when asked.
      if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = "1";
      // Run time: Node finds the package through NODE_PATH. Type checking: the preload shows it to
      // tslab's compiler inside the notebook's node_modules, where tslab (Node10 resolution) looks.
      // Set or cleared: a kernel started from a cell must not inherit its parent kernel's.
      env.AIBT_KERNEL_PACKAGE = aibtPackage;
      env.AIBT_KERNEL_NODE_TYPES = nodeTypes;
      const linked = aibtPackage === undefined ? undefined : linkAibtPackage(dir, aibtPackage);
      if (linked) env.NODE_PATH = [env.NODE_PATH, linked].filter(Boolean).join(path.delimiter);
      for (const name of Object.keys(env)) if (env[name] === undefined) delete env[name];
      const child = spawn(process.execPath, ["--require", preload, tslab.bin, "kernel", "--config-path", connectionFile], {
        cwd: options.cwd,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const shell = new zmq.Dealer({ linger: 0 });
      const control = new zmq.Dealer({ linger: 0 });
      // No receive limit: a cell printing thousands of lines would otherwise lose some (PUB drops when full).
      const iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
      iopub.subscribe();
      shell.connect(address(info, info.shell_port));
      control.connect(address(info, info.control_port));
      iopub.connect(address(info, info.iopub_port));
      const session = new KernelSession(child, info, shell, control, iopub, dir);
      try {
        await session.handshake(deadline, timeoutMs, signal);
        return session;
      } catch (error) {
        await session.kill();
        if (!(error instanceof PortTaken)) throw error;
        if (attempt >= START_ATTEMPTS) throw new KernelError(`cannot start the tslab kernel: ${error.message}`);
      }
    }
  }

  /** The last lines the process wrote to stderr (or stdout when stderr is empty), for error messages. */
  tail(lines = 8): string {
    const text = (this.stderrTail.trim() !== "" ? this.stderrTail : this.stdoutTail).trim();
    return text.split("\n").slice(-lines).join("\n");
  }

  /** Sends a request; the listener hears its reply and its iopub messages until `forget`. */
  request(channel: "shell" | "control", msgType: string, content: Record<string, unknown>, listener: RequestListener): JupyterMessage {
    const message = newMessage(msgType, this.sessionId, content);
    this.listeners.set(message.header.msg_id, listener);
    const socket = channel === "shell" ? this.shell : this.control;
    const frames = encodeMessage(message, this.info.key);
    // zeromq allows one pending send per socket: chain them.
    const previous = this.sends.get(socket) ?? Promise.resolve();
    const sent = previous.then(() => (socket.closed ? undefined : socket.send(frames))).catch((error: unknown) => {
      if (!socket.closed) this.onProtocolError?.(new KernelError(`cannot send ${msgType} to the tslab kernel: ${String(error)}`));
    });
    this.sends.set(socket, sent);
    return message;
  }

  forget(msgId: string): void {
    this.listeners.delete(msgId);
  }

  /** SIGINT: tslab breaks a running synchronous script and rejects the awaited promise of the cell. */
  interrupt(): void {
    if (this.exitInfo === undefined) this.child.kill("SIGINT");
  }

  /** Resolves when the process has exited. */
  waitExit(timeoutMs?: number): Promise<Exit | undefined> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => resolve(undefined), timeoutMs);
      this.exitWaiters.push((exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
  }

  /** shutdown_request on the control channel, SIGKILL if the process has not exited after a grace period; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exitInfo === undefined) {
        this.request("control", "shutdown_request", { restart: false }, {});
        if ((await this.waitExit(STOP_GRACE_MS)) === undefined) await this.kill();
      }
      this.cleanup();
    })();
    return this.stopping;
  }

  /** SIGKILL, wait for the exit, close the sockets. */
  async kill(): Promise<void> {
    if (this.exitInfo === undefined) {
      this.child.kill("SIGKILL");
      await this.waitExit(STOP_GRACE_MS);
    }
    this.cleanup();
  }

  private cleanup(): void {
    this.closeSockets();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    this.tempDir = undefined;
  }

  private closeSockets(): void {
    for (const socket of [this.shell, this.control, this.iopub]) socket.close();
  }

  /**
   * One kernel_info_request (the Dealer holds it until the kernel binds its ports), then, once the
   * reply is in, again every 100 ms until an iopub message has arrived too: iopub messages published
   * before the subscription reached the kernel are lost, and cells must not lose their first outputs.
   */
  private async handshake(deadline: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    let replied = false;
    let sent = 0;
    const onAbort = () => this.wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      for (;;) {
        signal?.throwIfAborted();
        this.checkStarting();
        if (replied && this.iopubSeen) return;
        if (Date.now() >= deadline) {
          const tail = this.tail();
          throw new KernelError(
            `the tslab kernel did not answer kernel_info_request within ${(timeoutMs / 1000).toFixed(1)} s${tail ? `: ${tail}` : ""}`,
          );
        }
        if (sent === 0 || replied) {
          sent++;
          const request = this.request("shell", "kernel_info_request", {}, {
            reply: () => {
              replied = true;
              this.forget(request.header.msg_id);
              this.wake?.();
            },
          });
        }
        const left = Math.max(1, deadline - Date.now());
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, replied ? Math.min(IOPUB_RETRY_MS, left) : left);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.wake = undefined;
    }
  }

  private checkStarting(): void {
    if (this.exitInfo) {
      const tail = this.tail();
      throw new KernelError(`the tslab kernel exited while starting (${describeExit(this.exitInfo)})${tail ? `: ${tail}` : ""}`);
    }
    if (/EADDRINUSE|Address already in use/.test(this.stderrTail)) throw new PortTaken("a port of its connection file was taken");
  }

  private async pump(socket: Dealer | Subscriber): Promise<void> {
    try {
      for await (const frames of socket) this.dispatch(socket === this.iopub, frames);
    } catch (error) {
      if (!socket.closed) this.onProtocolError?.(new KernelError(`the connection to the tslab kernel failed: ${String(error)}`));
    }
  }

  private dispatch(fromIopub: boolean, frames: Buffer[]): void {
    let message: JupyterMessage;
    try {
      message = decodeMessage(frames, this.info.key);
    } catch (error) {
      this.onProtocolError?.(new KernelError(`the tslab kernel sent an unreadable message: ${(error as Error).message}`));
      return;
    }
    if (fromIopub) this.iopubSeen = true;
    const parent = message.parent_header.msg_id;
    const listener = parent === undefined ? undefined : this.listeners.get(parent);
    if (fromIopub) listener?.iopub?.(message);
    else listener?.reply?.(message);
    if (fromIopub) this.wake?.();
  }
}

class PortTaken extends Error {}

export function describeExit(exit: Exit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  return exit.code === null ? "no process" : `exit code ${exit.code}`;
}

/** tslab's folder and command, resolved from this module (the repository's or the extension's node_modules). */
function tslabPackage(): { folder: string; bin: string } {
  let manifest: string;
  try {
    manifest = require.resolve("tslab/package.json");
  } catch {
    throw new KernelError("cannot start the tslab kernel: the tslab package is not installed (npm install tslab)");
  }
  const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin?: string | Record<string, string> };
  const relative = typeof bin === "string" ? bin : bin?.tslab;
  if (!relative) throw new KernelError(`cannot start the tslab kernel: ${manifest} names no tslab command`);
  return { folder: path.dirname(manifest), bin: path.join(path.dirname(manifest), relative) };
}
