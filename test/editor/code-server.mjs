// A real VS Code for the editor tests: code-server (VS Code's web workbench and its Node extension
// host), installed offline by test/setup/ensure-code-server.sh into a cache outside the repository,
// started headless on 127.0.0.1 in its own process group, and driven by Debian's Chromium through
// playwright-core. Plain ESM, so the runTests launcher (./launcher.mjs) and the vitest suites share it.
// See /work/shared/notes/real-editor-testing.md.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export const CODE_SERVER_VERSION = "4.117.0";
export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const INSTALL_TIMEOUT = 15 * 60_000;
const HEALTH_TIMEOUT = 90_000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the setup scripts; code-server's prints AIBT_CODE_SERVER_NODE=... and AIBT_CODE_SERVER=... last. */
export function ensureEditor() {
  const chromium = spawnSync("sh", [path.join(repoRoot, "test/setup/ensure-chromium.sh")], { encoding: "utf8", timeout: INSTALL_TIMEOUT });
  const setup = spawnSync("sh", [path.join(repoRoot, "test/setup/ensure-code-server.sh")], { encoding: "utf8", timeout: INSTALL_TIMEOUT, maxBuffer: 64 * 1024 * 1024 });
  const value = (key) => setup.stdout?.match(new RegExp(`^${key}=(.*)$`, "m"))?.[1] ?? "";
  const why = [chromium, setup]
    .filter((run) => run.status !== 0)
    .map((run) => `${run.error ? `${run.error.message}\n` : ""}${run.stderr ?? ""}${run.stdout ?? ""}`.trim() || `exit ${run.status}`)
    .join("\n");
  return { ok: chromium.status === 0 && setup.status === 0, why, nodeBin: value("AIBT_CODE_SERVER_NODE"), codeServer: value("AIBT_CODE_SERVER"), chromium: "/usr/bin/chromium" };
}

/** Installing needs root and apt-get; without them a developer's run skips (CI fails instead). */
export function canInstall() {
  return process.getuid?.() === 0 && spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
}

export async function freePort() {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Pids of live processes in process group `pgid` or whose command line mentions `marker`. */
export function processesOf(pgid, marker) {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z") continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (Number(fields[2]) === pgid || (marker !== "" && cmdline.includes(marker))) found.push(Number(entry));
    } catch {
      // the process ended while being read
    }
  }
  return found;
}

/** HOME and XDG folders inside `temp`: code-server writes config and data under home. */
export function isolatedHome(temp) {
  const home = path.join(temp, "home");
  const dirs = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_DATA_HOME: path.join(home, ".local/share"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    XDG_STATE_HOME: path.join(home, ".local/state"),
    XDG_RUNTIME_DIR: path.join(temp, "runtime"),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dirs;
}

/**
 * Starts code-server on a free loopback port and waits for /healthz. `stop()` ends it and everything
 * it started (its process group, and anything mentioning `temp`), and returns what is still alive.
 */
export async function startCodeServer({ codeServer, nodeBin, temp, workspace, userDataDir, extensionsDir, env = {}, trust = false }) {
  const port = await freePort();
  mkdirSync(path.join(userDataDir, "User"), { recursive: true });
  // Offline and quiet: no gallery lookups, no welcome page over the editors under test.
  const settings = path.join(userDataDir, "User", "settings.json");
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify({ "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "extensions.ignoreRecommendations": true, "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "workbench.tips.enabled": false }, null, 2));
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const args = ["--auth", "none", "--disable-telemetry", "--disable-update-check", ...(trust ? [] : ["--disable-workspace-trust"]), "--config", "/dev/null", "--user-data-dir", userDataDir, "--extensions-dir", extensionsDir, "--bind-addr", `127.0.0.1:${port}`, workspace];
  const child = spawn(codeServer, args, {
    // Its own process group, so that stop() reaches every process it starts.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...isolatedHome(temp), ...env, PATH: `${nodeBin}:${process.env.PATH}` },
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  let exited;
  child.once("exit", (code, signal) => (exited = `code-server exited (${code ?? signal})`));
  const base = `http://127.0.0.1:${port}`;

  const stop = async () => {
    const pgid = child.pid;
    const signal = (name) => {
      try {
        process.kill(-pgid, name);
      } catch {
        // the group is already gone
      }
    };
    signal("SIGTERM");
    const deadline = Date.now() + 10_000;
    while (processesOf(pgid, temp).length > 0 && Date.now() < deadline) await sleep(100);
    if (processesOf(pgid, temp).length > 0) {
      signal("SIGKILL");
      for (const pid of processesOf(pgid, temp)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await sleep(500);
    }
    return processesOf(pgid, temp);
  };

  const started = Date.now();
  let healthy = false;
  while (!healthy && !exited && Date.now() - started < HEALTH_TIMEOUT) {
    try {
      healthy = (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok;
    } catch {
      // not listening yet
    }
    if (!healthy) await sleep(200);
  }
  if (!healthy) {
    await stop();
    throw new Error(`${exited ?? `code-server's /healthz did not answer within ${HEALTH_TIMEOUT / 1000} s`}\n${output}`);
  }
  return { port, base, child, stop, output: () => output };
}

/** The workbench URL that opens `workspace` with extension development and test settings (the web form of the CLI flags). */
export function workbenchUrl(base, port, workspace, { extensionDevelopmentPaths = [], extensionTestsPath } = {}) {
  const remote = (file) => `vscode-remote://127.0.0.1:${port}${file}`;
  const payload = [...extensionDevelopmentPaths.map((dir) => ["extensionDevelopmentPath", remote(dir)]), ...(extensionTestsPath ? [["extensionTestsPath", remote(extensionTestsPath)]] : [])];
  return `${base}/?folder=${encodeURIComponent(workspace)}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ""}`;
}
