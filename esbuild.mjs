// Builds every entry of the project into dist/: the engine library (`aibt/engine`, CommonJS so tslab
// cells can require it), the `aibt` command, the shipped sample data and the engine's type declarations.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { buildMedia } from "./media/build.mjs";

const require = createRequire(import.meta.url);
const root = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(root, "dist");
const args = new Set(process.argv.slice(2));

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "linked",
  logLevel: "warning",
  external: ["vscode"],
  // vega-canvas's Node build top-level-awaits the native `canvas` package, which a CommonJS bundle
  // cannot hold; its browser build needs nothing and headless SVG rendering never draws on a canvas.
  alias: { "vega-canvas": path.join(path.dirname(require.resolve("vega-canvas")), "vega-canvas.browser.js") },
};

// Overwrite in place rather than delete first: a test or a running `aibt` may be reading dist/.
mkdirSync(path.join(dist, "data"), { recursive: true });

// Sample data the product may redistribute: S&P 500 daily bars from vega-datasets (BSD-3-Clause).
// The package exports only its JS entry, so locate its folder from that entry (build/index.js).
const datasets = path.resolve(path.dirname(require.resolve("vega-datasets")), "..", "data");
copyFileSync(path.join(datasets, "sp500-2000.csv"), path.join(dist, "data", "sp500-2000.csv"));

// sql.js loads its WebAssembly from beside the bundle (see src/store/sqlite.ts).
copyFileSync(path.join(path.dirname(require.resolve("sql.js")), "sql-wasm.wasm"), path.join(dist, "sql-wasm.wasm"));

await Promise.all([
  build({ ...common, entryPoints: { engine: "src/index.ts" }, outdir: dist }),
  // What notebook cells import (aibt/notebook): the engine plus display helpers for tslab.
  build({ ...common, entryPoints: { notebook: "kernel/notebook.ts" }, outdir: dist, external: [...common.external, "tslab", "tslab/*"] }),
  build({
    ...common,
    // The bin: kernel/cli.ts adds `aibt notebook` (which needs the kernel) to the engine's commands.
    entryPoints: { cli: "kernel/cli.ts" },
    // zeromq is a native addon (tslab's); it is loaded from node_modules, not bundled.
    external: [...common.external, "zeromq", "tslab", "tslab/*"],
    outdir: dist,
    banner: { js: "#!/usr/bin/env node" },
  }),
  // The VS Code extension, and the worker thread its runs execute in (off the extension host's thread).
  build({
    ...common,
    entryPoints: { extension: "extension/extension.ts", "run-worker": "extension/runs/run-worker.ts" },
    external: [...common.external, "zeromq", "tslab", "tslab/*"],
    outdir: dist,
    // When loading began, so the activation figure counts loading the bundle, not only activate().
    banner: { js: "var __aibtLoadStart = performance.now();" },
  }),
  // The notebook renderer and the report webview's script, for the browser side of the editor.
  buildMedia(),
]);

// The model definition's JSON Schema, for editors validating .aibt/models/*.json files.
const engine = require(path.join(dist, "engine.js"));
writeFileSync(path.join(dist, "model.schema.json"), `${JSON.stringify(engine.modelDefinitionJsonSchema(), null, 2)}\n`);

// Declarations let tslab (which type-checks every cell) and editors see the engine's API.
if (!args.has("--no-types")) {
  execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
}
