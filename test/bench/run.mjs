// Runs a TypeScript benchmark from test/bench (bundled on the fly with esbuild): node test/bench/run.mjs agent [--json]
// (or any script by path: node test/bench/run.mjs test/setup/record-llm-sample.ts)
import { buildSync } from "esbuild";
import { spawnSync } from "node:child_process";
import path from "node:path";

const [name, ...rest] = process.argv.slice(2);
const here = path.dirname(new URL(import.meta.url).pathname);
// Inside the repository, so the bundle resolves packages (sql.js's wasm) as the sources do.
const outfile = path.resolve(here, "../../node_modules/.cache/aibt-bench", `${path.basename(name, ".ts")}.cjs`);
const entry = name.endsWith(".ts") ? path.resolve(name) : path.join(here, `${name}-bench.ts`);
// Native addons (zeromq, for the kernel) load from node_modules, as in the CLI build.
buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", outfile, logLevel: "warning", external: ["vscode", "zeromq", "tslab", "tslab/*"] });
const result = spawnSync(process.execPath, [outfile, ...rest], { stdio: "inherit", cwd: path.resolve(here, "../..") });
process.exit(result.status ?? 1);
