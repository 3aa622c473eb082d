// The real market data beside the project (../shared/data): read in place, never copied into the repo.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The repository: the nearest folder above this file holding AIBT's package.json (also from a bundled bench). */
function findRepoRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "aibt") return dir;
  }
  return path.resolve(from, "..");
}

export const repoRoot = findRepoRoot(__dirname);

export const sharedDataDir = process.env.AIBT_SHARED_DATA ?? path.resolve(repoRoot, "../shared/data");

export function sharedData(relative: string): string {
  const file = path.join(sharedDataDir, relative);
  if (!existsSync(file)) {
    throw new Error(`test data missing: ${file} (set AIBT_SHARED_DATA to the shared data folder)`);
  }
  return file;
}
