/**
 * sql.js (SQLite compiled to WebAssembly): loaded once per process. The wasm sits beside the bundle in
 * dist/ (copied at build) or, from source, in the package.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import initSqlJs from "sql.js";
import type { SqlJsStatic } from "sql.js";

let loading: Promise<SqlJsStatic> | undefined;

export function sqlite(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: (file: string) => wasmPath(file) });
  return loading;
}

function wasmPath(file: string): string {
  const beside = path.join(__dirname, file);
  if (existsSync(beside)) return beside;
  return require.resolve(`sql.js/dist/${file}`);
}
