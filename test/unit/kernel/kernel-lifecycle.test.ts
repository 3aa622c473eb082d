// A REAL tslab kernel's life: interrupts (a busy loop, a promise that never settles), restart, death
// (process.exit in a cell, SIGKILL from outside), two kernels side by side, failed starts, shutdown, a
// client that dies. Every test leaves no kernel process behind.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { KernelError, TslabKernel } from "../../../kernel/jupyter";
import { repoRoot } from "../../shared-data";
import { expectNoKernelLeft, KERNEL_TEST, kernelProcesses, notebookFolder } from "./kernel-helpers";

const folder = notebookFolder();
const started: TslabKernel[] = [];

async function start(): Promise<TslabKernel> {
  const kernel = await TslabKernel.start({ cwd: folder.dir });
  started.push(kernel);
  return kernel;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((kernel) => kernel.shutdown()));
  await expectNoKernelLeft();
}, 30_000);
afterAll(() => folder.cleanup());

function abortAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

describe("interrupting a cell", KERNEL_TEST, () => {
  it("stops a busy loop and a never-settling await; earlier state survives and the kernel goes on", async () => {
    const kernel = await start();
    expect((await kernel.execute("let kept = 41;")).status).toBe("ok");

    let began = performance.now();
    const loop = await kernel.execute("let spins = 0;\nwhile (true) { spins++; }", {}, abortAfter(300));
    expect(loop).toMatchObject({ status: "aborted", outputs: [] });
    expect(performance.now() - began).toBeLessThan(5_000);

    began = performance.now();
    const waiting = await kernel.execute('console.log("waiting");\nawait new Promise(() => {});', {}, abortAfter(300));
    expect(waiting).toMatchObject({ status: "aborted", outputs: [{ output_type: "stream", name: "stdout", text: "waiting\n" }] });
    expect(performance.now() - began).toBeLessThan(5_000);

    // An abort right after sending lands while tslab compiles (SIGINT is then lost): it is repeated.
    const early = await kernel.execute("while (true) {}", {}, abortAfter(5));
    expect(early.status).toBe("aborted");

    // interrupt() without a signal does the same.
    const running = kernel.execute("while (true) {}");
    setTimeout(() => void kernel.interrupt(), 300);
    expect((await running).status).toBe("aborted");

    const after = await kernel.execute("kept + 1");
    expect(after.status).toBe("ok");
    expect(after.outputs).toEqual([expect.objectContaining({ data: { "text/plain": "42" } })]);

    // A cell whose signal is already aborted is not sent: the count does not move.
    const controller = new AbortController();
    controller.abort();
    const skipped = await kernel.execute("console.log('never')", {}, controller.signal);
    expect(skipped).toMatchObject({ status: "aborted", executionCount: null, outputs: [], durationMs: 0 });
    expect((await kernel.execute("1")).executionCount).toBe(after.executionCount! + 1);
  });
});

describe("restarting, and a kernel that dies", KERNEL_TEST, () => {
  it("restart loses the state, aborts running and queued cells, and counts from 1 again", async () => {
    const kernel = await start();
    await kernel.execute("let state = 'before';");
    const running = kernel.execute("while (true) {}");
    const queued = kernel.execute("state");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kernel.restart();
    expect((await running).status).toBe("aborted");
    expect((await queued).status).toBe("aborted");

    const gone = await kernel.execute("state");
    expect(gone.status).toBe("error");
    expect(gone.executionCount).toBe(1);
    expect(gone.outputs).toEqual([expect.objectContaining({ ename: "CompileError", evalue: "1:1 - Cannot find name 'state'." })]);
    expect((await kernel.execute("2 + 2")).outputs).toEqual([expect.objectContaining({ data: { "text/plain": "4" } })]);
    expect(kernel.dead).toBe(false);
  });

  it("process.exit in a cell or SIGKILL from outside: the cell fails saying the kernel died, execute rejects until restart", async () => {
    const kernel = await start();
    const reasons: string[] = [];
    kernel.onDidDie((reason) => reasons.push(reason));
    const result = await kernel.execute('console.log("bye");\nprocess.exit(3);');
    expect(result.status).toBe("error");
    expect(result.executionCount).toBeNull();
    expect(result.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "bye\n" },
      {
        output_type: "error",
        ename: "KernelError",
        evalue: "the tslab kernel died (exit code 3); restart it",
        traceback: ["the tslab kernel died (exit code 3); restart it"],
      },
    ]);
    expect(kernel.dead).toBe(true);
    expect(reasons).toEqual(["the tslab kernel died (exit code 3); restart it"]);
    await expect(kernel.execute("1")).rejects.toThrow(new KernelError("the tslab kernel died (exit code 3); restart it"));

    await kernel.restart();
    expect(kernel.dead).toBe(false);
    expect((await kernel.execute("1 + 2")).outputs).toEqual([expect.objectContaining({ data: { "text/plain": "3" } })]);

    // Killed from outside while idle: reported dead too.
    const died = new Promise<string>((resolve) => kernel.onDidDie(resolve));
    const processes = kernelProcesses();
    expect(processes).toHaveLength(1);
    process.kill(processes[0]!.pid, "SIGKILL");
    expect(await died).toBe("the tslab kernel died (killed by SIGKILL); restart it");
    expect(kernel.dead).toBe(true);
  });
});

describe("kernels side by side, starting and stopping", KERNEL_TEST, () => {
  it("keeps two kernels' variables apart", async () => {
    const [one, two] = await Promise.all([start(), start()]);
    await Promise.all([one.execute("const owner = 'one';"), two.execute("const other = 'two';")]);
    const [fromOne, fromTwo] = await Promise.all([one.execute("typeof other"), two.execute("owner")]);
    expect(fromOne.status).toBe("error"); // a compile error: `other` is not declared in kernel one
    expect(fromTwo.outputs).toEqual([expect.objectContaining({ ename: "CompileError", evalue: "1:1 - Cannot find name 'owner'." })]);
    expect((await one.execute("owner")).outputs).toEqual([expect.objectContaining({ data: { "text/plain": "one" } })]);
    expect(kernelProcesses()).toHaveLength(2);
  });

  it("fails to start in a folder that does not exist, and stops starting when aborted", async () => {
    await expect(TslabKernel.start({ cwd: `${folder.dir}/missing` })).rejects.toThrow(
      new KernelError(`cannot start the tslab kernel: the folder ${folder.dir}/missing does not exist`),
    );
    await expect(TslabKernel.start({ cwd: folder.dir }, abortAfter(200))).rejects.toThrow(/aborted/);
    await expectNoKernelLeft();
  });

  /** A client in its own process (an extension host, a test worker) with one kernel: their pids and the connection file. */
  async function clientWithKernel(): Promise<{ client: ReturnType<typeof spawn>; pid: number; connectionFile: string; alive(): boolean }> {
    const script = path.join(folder.dir, "client.js");
    await build({
      entryPoints: [path.join(repoRoot, "kernel/jupyter/index.ts")],
      bundle: true,
      platform: "node",
      format: "cjs",
      external: ["zeromq"],
      outfile: path.join(folder.dir, "kernel.js"),
      logLevel: "silent",
    });
    writeFileSync(
      script,
      `require("./kernel.js").TslabKernel.start({ cwd: ${JSON.stringify(folder.dir)} }).then(() => { console.log("ready"); setInterval(() => {}, 1000); });`,
    );
    const client = spawn(process.execPath, [script], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      client.stdout!.on("data", (data: Buffer) => data.toString().includes("ready") && resolve());
      client.once("exit", (code) => reject(new Error(`the client exited (${code}) before the kernel started`)));
    });
    const kernel = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(client.pid)], { encoding: "utf8" }).trim();
    const [, pid, connectionFile] = /^(\d+) .*--config-path (\S+)$/.exec(kernel) ?? [];
    const alive = () => {
      try {
        process.kill(Number(pid), 0);
        return true;
      } catch {
        return false;
      }
    };
    return { client, pid: Number(pid), connectionFile: connectionFile!, alive };
  }

  it("a kernel whose client process is killed exits by itself and removes its connection file", async () => {
    const { client, connectionFile, alive } = await clientWithKernel();
    expect(existsSync(connectionFile)).toBe(true);
    client.kill("SIGKILL");
    for (let i = 0; i < 50 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive()).toBe(false);
    expect(existsSync(path.dirname(connectionFile))).toBe(false);
  });

  it("a kernel terminated along with its client (SIGTERM, as when an editor stops) removes its connection file too", async () => {
    const { client, pid, connectionFile, alive } = await clientWithKernel();
    try {
      expect(existsSync(connectionFile)).toBe(true);
      // Both at once, as a process group is stopped: the client cannot clean up after the kernel.
      client.kill("SIGKILL");
      process.kill(pid, "SIGTERM");
      for (let i = 0; i < 50 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(alive()).toBe(false);
      expect(existsSync(path.dirname(connectionFile))).toBe(false);
    } finally {
      client.kill("SIGKILL");
    }
  });

  it("shuts down once however often asked; execute then rejects", async () => {
    const kernel = await start();
    await Promise.all([kernel.shutdown(), kernel.shutdown()]);
    await kernel.shutdown();
    expect(kernelProcesses()).toEqual([]);
    expect(kernel.dead).toBe(false);
    await expect(kernel.execute("1")).rejects.toThrow(new KernelError("the tslab kernel was shut down; start a new one"));
  });
});
