// Bundles the browser side of the editor into media/out/: the notebook renderer (an ES module VS Code
// imports into the notebook's webview), the report webview's script and stylesheet, and the codicon
// font the report's buttons use. Called by esbuild.mjs; `node media/build.mjs` runs it alone.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const media = path.dirname(fileURLToPath(import.meta.url));

/**
 * Builds every media bundle, minified, into `outdir` (default media/out). Resolves to the files
 * written with their sizes in bytes.
 */
export async function buildMedia({ outdir = path.join(media, "out"), minify = true } = {}) {
  mkdirSync(outdir, { recursive: true });
  const browser = {
    bundle: true,
    platform: "browser",
    target: "es2022",
    minify,
    sourcemap: false,
    logLevel: "warning",
    absWorkingDir: media,
    outdir,
    // Lit and vega read process.env.NODE_ENV to pick their production paths.
    define: { "process.env.NODE_ENV": '"production"' },
    // The chart stylesheet is shared: a <link> in the report, adopted as text by the renderer.
    loader: { ".css": "text" },
    legalComments: "eof",
  };
  await Promise.all([
    build({ ...browser, entryPoints: { renderer: path.join(media, "renderer/index.ts") }, format: "esm" }),
    build({ ...browser, entryPoints: { report: path.join(media, "report/main.ts") }, format: "iife" }),
    build({ ...browser, entryPoints: { report: path.join(media, "report/report.css") }, loader: { ".css": "css" } }),
  ]);
  // vscode-icon looks for the codicon stylesheet by id; the font is loaded from beside it.
  const codicons = path.dirname(require.resolve("@vscode/codicons/dist/codicon.css"));
  for (const file of ["codicon.css", "codicon.ttf"]) copyFileSync(path.join(codicons, file), path.join(outdir, file));
  return ["renderer.js", "report.js", "report.css", "codicon.css", "codicon.ttf"].map((name) => ({ file: path.join(outdir, name), bytes: statSync(path.join(outdir, name)).size }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const { file, bytes } of await buildMedia()) console.log(`${path.relative(process.cwd(), file)}  ${(bytes / 1024).toFixed(0)} KB`);
}
