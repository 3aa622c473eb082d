// The real market data beside the project (../shared/data): read in place, never copied into the repo.
import { existsSync } from "node:fs";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "..");

export const sharedDataDir = process.env.AIBT_SHARED_DATA ?? path.resolve(repoRoot, "../shared/data");

export function sharedData(relative: string): string {
  const file = path.join(sharedDataDir, relative);
  if (!existsSync(file)) {
    throw new Error(`test data missing: ${file} (set AIBT_SHARED_DATA to the shared data folder)`);
  }
  return file;
}
