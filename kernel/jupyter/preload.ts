// A script the tslab kernel process loads before tslab (`node --require`). tslab prints a cell's last
// value and its errors with console.log/console.error, indistinguishable on the wire from what the cell
// prints itself; the script recognises tslab's own executor as the writer and sends that text as a
// display_data with a private mime type instead, which the client turns into execute_result / error
// outputs. It also names each compiled cell's script `tslab-cell-N` (instead of
// `evalmachine.<anonymous>`) and sends its compiled JavaScript, so stack frames can be mapped back to
// the lines of the cell that defined the function. It queues the kernel's ZeroMQ sends (tslab loses
// output of cells that print fast otherwise), and ends the kernel when its client process is gone.
//
// Checked against tslab 1.0.22 (dist/executor.js, dist/jupyter.js). If tslab changes, the hooks fall
// through: outputs then arrive as plain streams and nothing breaks.

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
  // lines in a burst lost most of them. Queue sends per socket instead.
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
    return exported;
  };
  const QUEUE = Symbol("aibt.sendQueue");
  function queueSends(zmq) {
    const proto = zmq && zmq.Socket && zmq.Socket.prototype;
    if (!proto || typeof proto.send !== "function" || proto[QUEUE]) return;
    const send = proto.send;
    // The native prototype's send is read-only, not fixed.
    Object.defineProperty(proto, "send", { configurable: true, writable: true, value: queuedSend });
    Object.defineProperty(proto, QUEUE, { value: true });
    function queuedSend(message) {
      const socket = this;
      const rest = Array.prototype.slice.call(arguments, 1);
      let queue = socket[QUEUE];
      if (!Array.isArray(queue)) queue = socket[QUEUE] = [];
      return new Promise((resolve, reject) => {
        queue.push({ message, rest, resolve, reject });
        if (queue.length === 1) drain(socket, queue);
      });
    }
    async function drain(socket, queue) {
      while (queue.length > 0) {
        const item = queue[0];
        try {
          item.resolve(await send.call(socket, item.message, ...item.rest));
        } catch (error) {
          // tslab never looks at the promise: a send on a closed socket (shutdown) must not become an
          // unhandled rejection, which tslab would print, which would send again.
          if (socket.closed) item.resolve(undefined);
          else item.reject(error);
        }
        queue.shift();
      }
    }
  }

  // A kernel whose client is gone (crashed, killed) would run forever: exit when the parent changes.
  const parent = Number(process.env.AIBT_KERNEL_PARENT_PID);
  if (parent > 0) {
    setInterval(() => {
      if (process.ppid !== parent) process.exit(0);
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
