// A script the tslab kernel process loads before tslab (`node --require`). tslab prints a cell's last
// value and its errors with console.log/console.error, indistinguishable on the wire from what the cell
// prints itself; the script recognises tslab's own executor as the writer and sends that text as a
// display_data with a private mime type instead, which the client turns into execute_result / error
// outputs. It also names each compiled cell's script `tslab-cell-N` (instead of
// `evalmachine.<anonymous>`) and sends its compiled JavaScript, so stack frames can be mapped back to
// the lines of the cell that defined the function. It queues the kernel's ZeroMQ sends (tslab loses
// output of cells that print fast otherwise), shows tslab's type checker the aibt package and
// @types/node inside the notebook's node_modules when the folder has none (./aibt-package), and ends
// the kernel when its client process is gone.
//
// Checked against tslab 1.0.22 (dist/executor.js, dist/jupyter.js, dist/converter.js). If tslab
// changes, the hooks fall through: outputs then arrive as plain streams and nothing breaks.

/** The private mime type of the messages the preload sends; never shown as an output. */
export const INTERNAL_MIME = "application/vnd.aibt.kernel-internal+json";

/** The script file name prefix of compiled cells in stack frames. */
export const CELL_FILE_PREFIX = "tslab-cell-";

export type InternalMessage =
  | { kind: "compiled"; file: string; code: string }
  | { kind: "value"; text: string }
  | { kind: "error"; text: string }
  | { kind: "diagnostic"; text: string };

export const PRELOAD_SOURCE = String.raw`"use strict";
(function () {
  const path = require("path");
  const vm = require("vm");
  const MIME = ${JSON.stringify(INTERNAL_MIME)};
  const CELL_PREFIX = ${JSON.stringify(CELL_FILE_PREFIX)};
  const EXECUTOR = /[\\/]tslab[\\/]dist[\\/]executor\.js$/;

  function callers(skip) {
    const limit = Error.stackTraceLimit;
    const prepare = Error.prepareStackTrace;
    const holder = {};
    try {
      Error.stackTraceLimit = 12;
      Error.prepareStackTrace = (_error, sites) => sites;
      Error.captureStackTrace(holder, skip);
      return Array.isArray(holder.stack) ? holder.stack : [];
    } catch (_) {
      return [];
    } finally {
      Error.stackTraceLimit = limit;
      Error.prepareStackTrace = prepare;
    }
  }

  // The first frame outside Node's own code and this file: tslab's executor, or the cell, or a library.
  function executorFrame(skip) {
    for (const site of callers(skip)) {
      const file = site.getFileName() || "";
      if (file.startsWith("node:") || file === __filename) continue;
      return EXECUTOR.test(file) ? { dir: path.dirname(file), fn: site.getFunctionName() || "" } : null;
    }
    return null;
  }

  // tslab's display channel of the running cell (jupyter.js, next to the executor that is writing).
  function send(dir, message) {
    const mod = require.cache[path.join(dir, "jupyter.js")];
    const write = mod && mod.exports && mod.exports.lastWriteDisplayData;
    if (typeof write !== "function") return false;
    write({ data: { [MIME]: message }, metadata: {}, transient: {} }, false);
    return true;
  }

  function hookStream(stream, kindOf) {
    let current = stream.write;
    function write(chunk) {
      if (typeof chunk === "string") {
        const frame = executorFrame(write);
        if (frame && send(frame.dir, { kind: kindOf(frame.fn), text: chunk })) return true;
      }
      return current.apply(this, arguments);
    }
    // tslab assigns process.stdout.write for every execution; keep its writer behind ours.
    Object.defineProperty(stream, "write", {
      configurable: true,
      enumerable: false,
      get: () => write,
      set: (fn) => { current = fn; },
    });
  }

  try {
    hookStream(process.stdout, () => "value");
    hookStream(process.stderr, (fn) => (fn === "printDiagnostics" ? "diagnostic" : "error"));
  } catch (_) {
    // Leave the streams alone: outputs stay plain text.
  }

  // tslab sends every message without waiting for the previous send; zeromq 6 resolves a few hundred
  // sends at once and then refuses the next ones (EBUSY) until it has written, so a cell printing many
  // lines in a burst lost most of them. Queue sends per socket instead, and merge the stream messages
  // waiting in a queue into one (signed again), so that a burst goes out as a few messages.
  const Module = require("module");
  const load = Module._load;
  Module._load = function (request) {
    const exported = load.apply(this, arguments);
    if (request === "zeromq") {
      try {
        queueSends(exported);
      } catch (_) {
        // Leave zeromq as it is: the kernel works, only fast output may be lost.
      }
    }
    // tslab's own TypeScript (converter.js), loaded here so the hook patches the instance tslab uses.
    if (request === "@tslab/typescript-for-tslab") {
      try {
        forwardPackages(exported && exported.sys);
      } catch (_) {
        // Leave the compiler alone: cells importing aibt then fail to type-check with "Cannot find module".
      }
    }
    return exported;
  };

  // tslab type-checks cells with Node10 resolution from the notebook's folder, which in a user's
  // folder holds no node_modules. As tslab does for its own package (forwardTslabPath in
  // converter.js), make <folder>/node_modules/aibt read from the aibt package (AIBT_KERNEL_PACKAGE), and
  // <folder>/node_modules/@types/node from AIBT_KERNEL_NODE_TYPES, each only when Node's lookup from
  // the folder (its node_modules and those above it) finds none: at run time the package comes from
  // NODE_PATH, which Node reads only after those, so both see the same package. Decided once, at start,
  // as Node's require keeps its first resolution too. Patched on the base ts.sys, which the compiler's
  // host inherits from (Object.create) and calls for the paths tslab forwards itself.
  const FORWARDED = Symbol("aibt.forwardedPackages");
  function forwardPackages(sys) {
    if (!sys || sys[FORWARDED] || typeof sys.fileExists !== "function") return;
    Object.defineProperty(sys, FORWARDED, { value: true });
    const fs = require("fs");
    const slash = (file) => file.replace(/\\/g, "/");
    const cwd = process.cwd();
    const lookupFinds = (relative) => {
      for (let dir = cwd; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "node_modules", relative))) return true;
        if (path.dirname(dir) === dir) return false;
      }
    };
    const modules = slash(cwd).replace(/\/+$/, "") + "/node_modules";
    const links = [];
    // Folders that exist only through a link, with the names they hold.
    const folders = new Map();
    function link(name, target) {
      if (!target || lookupFinds(name)) return;
      links.push({ from: modules + "/" + name, to: slash(target).replace(/\/+$/, "") });
      let parent = modules;
      for (const part of name.split("/")) {
        if (!folders.has(parent)) folders.set(parent, new Set());
        folders.get(parent).add(part);
        parent += "/" + part;
      }
    }
    link("aibt", process.env.AIBT_KERNEL_PACKAGE);
    link("@types/node", process.env.AIBT_KERNEL_NODE_TYPES);
    if (links.length === 0) return;

    function target(file) {
      if (typeof file !== "string") return undefined;
      const name = slash(file);
      for (const { from, to } of links) if (name === from || name.startsWith(from + "/")) return to + name.slice(from.length);
      return undefined;
    }
    const base = {};
    for (const method of ["fileExists", "directoryExists", "readFile", "realpath", "getDirectories", "readDirectory", "getModifiedTime", "getFileSize"]) {
      if (typeof sys[method] === "function") base[method] = sys[method];
    }
    // Each real path first: nothing is forwarded that exists (tslab's own forwarding goes through here too).
    sys.fileExists = function (file) {
      if (base.fileExists.apply(this, arguments)) return true;
      const to = target(file);
      return to !== undefined && base.fileExists.call(this, to);
    };
    sys.directoryExists = function (dir) {
      if (base.directoryExists.apply(this, arguments)) return true;
      if (typeof dir === "string" && folders.has(slash(dir).replace(/\/+$/, ""))) return true;
      const to = target(dir);
      return to !== undefined && base.directoryExists.call(this, to);
    };
    sys.readFile = function (file, encoding) {
      const to = target(file);
      return to !== undefined && !base.fileExists.call(this, file) ? base.readFile.call(this, to, encoding) : base.readFile.apply(this, arguments);
    };
    // The package's real path, as for an installed symlink: what its declarations import (zod,
    // undici-types, ...) then resolves from where the package really is, with its own node_modules.
    if (base.realpath) {
      sys.realpath = function (file) {
        const to = target(file);
        return to !== undefined && !base.fileExists.call(this, file) && !base.directoryExists.call(this, file) ? base.realpath.call(this, to) : base.realpath.apply(this, arguments);
      };
    }
    // The automatic type roots: tslab lists <folder>/node_modules/@types to include every package there.
    if (base.getDirectories) {
      sys.getDirectories = function (dir) {
        const real = base.directoryExists.call(this, dir) ? base.getDirectories.apply(this, arguments) : [];
        const virtual = typeof dir === "string" ? folders.get(slash(dir).replace(/\/+$/, "")) : undefined;
        if (virtual) return Array.from(new Set(real.concat(Array.from(virtual))));
        const to = target(dir);
        return to !== undefined && real.length === 0 ? base.getDirectories.call(this, to) : real;
      };
    }
    if (base.readDirectory) {
      sys.readDirectory = function (dir) {
        const to = target(dir);
        if (to === undefined || base.directoryExists.call(this, dir)) return base.readDirectory.apply(this, arguments);
        const args = Array.prototype.slice.call(arguments);
        args[0] = to;
        const from = slash(dir).replace(/\/+$/, "");
        return base.readDirectory.apply(this, args).map((file) => from + slash(file).slice(to.length));
      };
    }
    for (const method of ["getModifiedTime", "getFileSize"]) {
      if (!base[method]) continue;
      sys[method] = function (file) {
        const to = target(file);
        return to !== undefined && !base.fileExists.call(this, file) ? base[method].call(this, to) : base[method].apply(this, arguments);
      };
    }
  }

  const DELIMITER = "<IDS|MSG>";
  const MERGED_TEXT_LIMIT = 1 << 20;
  const key = (() => {
    try {
      const info = JSON.parse(require("fs").readFileSync(process.argv[process.argv.indexOf("--config-path") + 1], "utf8"));
      return info.signature_scheme === "hmac-sha256" && typeof info.key === "string" && info.key !== "" ? info.key : null;
    } catch (_) {
      return null;
    }
  })();

  // [identities..., delimiter, signature, header, parent, metadata, content] of a stream message, or null.
  function streamMessage(frames) {
    if (!Array.isArray(frames) || frames.length < 6) return null;
    const at = frames.length - 6;
    if (String(frames[at]) !== DELIMITER) return null;
    const header = String(frames[at + 2]);
    if (!header.includes('"msg_type":"stream"')) return null;
    try {
      const content = JSON.parse(String(frames[at + 5]));
      if (typeof content.text !== "string") return null;
      const identities = frames.slice(0, at).map(String).join("\n");
      return { frames, at, header, parent: String(frames[at + 3]), metadata: String(frames[at + 4]), content, identities };
    } catch (_) {
      return null;
    }
  }

  // The first queued message, merged with the stream messages right behind it when they continue it.
  function nextSend(queue) {
    const first = key ? streamMessage(queue[0].message) : null;
    if (!first) return { message: queue[0].message, count: 1 };
    let text = first.content.text;
    let count = 1;
    for (; count < queue.length; count++) {
      const next = streamMessage(queue[count].message);
      if (!next || next.parent !== first.parent || next.identities !== first.identities || next.content.name !== first.content.name) break;
      if (text.length + next.content.text.length > MERGED_TEXT_LIMIT) break;
      text += next.content.text;
    }
    if (count === 1) return { message: queue[0].message, count: 1 };
    const content = JSON.stringify(Object.assign({}, first.content, { text }));
    const hmac = require("crypto").createHmac("sha256", key);
    for (const part of [first.header, first.parent, first.metadata, content]) hmac.update(part);
    const frames = first.frames.slice(0, first.at + 1).concat([hmac.digest("hex"), first.header, first.parent, first.metadata, content]);
    return { message: frames, count };
  }

  const PATCHED = Symbol("aibt.queuedSend");
  const states = new WeakMap();
  function queueSends(zmq) {
    const proto = zmq && zmq.Socket && zmq.Socket.prototype;
    if (!proto || typeof proto.send !== "function" || proto[PATCHED]) return;
    const send = proto.send;
    // The native prototype's send is read-only, not fixed.
    Object.defineProperty(proto, "send", { configurable: true, writable: true, value: queuedSend });
    Object.defineProperty(proto, PATCHED, { value: true });

    // tslab never looks at the promise: a send on a closed socket (shutdown) must not become an
    // unhandled rejection, which tslab would print, which would send again.
    function settled(socket, promise) {
      return promise.catch((error) => {
        if (socket.closed) return undefined;
        throw error;
      });
    }

    // Straight to zeromq when nothing waits (the message leaves now, even if the cell then calls
    // process.exit); behind the queue when zeromq is still writing an earlier one.
    function queuedSend(message) {
      const socket = this;
      const rest = Array.prototype.slice.call(arguments, 1);
      let state = states.get(socket);
      if (!state) states.set(socket, (state = { queue: [], last: null, draining: false }));
      if (state.queue.length === 0) {
        try {
          const sent = settled(socket, send.call(socket, message, ...rest));
          state.last = sent;
          return sent;
        } catch (error) {
          if (!error || error.code !== "EBUSY") throw error;
        }
      }
      return new Promise((resolve, reject) => {
        state.queue.push({ message, rest, resolve, reject });
        if (!state.draining) drain(socket, state);
      });
    }

    async function drain(socket, state) {
      state.draining = true;
      while (state.queue.length > 0) {
        if (state.last) await state.last.catch(() => undefined);
        const { message, count } = nextSend(state.queue);
        const items = state.queue.slice(0, count);
        let sent;
        try {
          sent = settled(socket, send.call(socket, message, ...items[0].rest));
        } catch (error) {
          if (error && error.code === "EBUSY") {
            await new Promise((resolve) => setImmediate(resolve));
            continue;
          }
          sent = Promise.reject(error);
        }
        state.queue.splice(0, count);
        state.last = sent;
        sent.then(
          (value) => items.forEach((item) => item.resolve(value)),
          (error) => items.forEach((item) => item.reject(error)),
        );
      }
      state.draining = false;
    }
  }

  // Nobody else will remove this folder (this script and the connection file with its key) when the
  // client is gone, or when the kernel is terminated together with it (an editor stopping its process group).
  const removeOwnFolder = () => {
    if (!path.basename(__dirname).startsWith("aibt-tslab-")) return;
    try {
      require("fs").rmSync(__dirname, { recursive: true, force: true });
    } catch (_) {
      // Exit all the same.
    }
  };
  process.once("SIGTERM", () => {
    removeOwnFolder();
    process.exit(143);
  });

  // A kernel whose client is gone (crashed, killed) would run forever: exit when the parent changes.
  const parent = Number(process.env.AIBT_KERNEL_PARENT_PID);
  if (parent > 0) {
    setInterval(() => {
      if (process.ppid === parent) return;
      removeOwnFolder();
      process.exit(0);
    }, 1000).unref();
  }

  const runInThisContext = vm.runInThisContext;
  let cells = 0;
  vm.runInThisContext = function (code, options) {
    if (typeof code === "string" && (code.startsWith("(function(exports, require) { ") || code.startsWith("(async function(exports, require) { "))) {
      const frame = executorFrame(vm.runInThisContext);
      if (frame) {
        const file = CELL_PREFIX + String(++cells);
        options = Object.assign({}, typeof options === "object" && options !== null ? options : {}, { filename: file });
        send(frame.dir, { kind: "compiled", file: file, code: code });
      }
    }
    return runInThisContext.call(this, code, options);
  };
})();
`;
