/**
 * Data the product ships, so it runs on a fresh machine with no download: S&P 500 index daily bars
 * 2000-01-03..2020-04-17 from the vega-datasets package (BSD-3-Clause), copied into dist/data at build.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";

export const SAMPLE_DAILY = {
  file: "sp500-2000.csv",
  symbol: "SPX",
  description: "S&P 500 index, daily bars 2000-01-03 to 2020-04-17 (vega-datasets, BSD-3-Clause)",
} as const;

/** Finds a shipped data file: beside the bundle (dist/data) or, from source or another bundle, in the package. */
export function sampleDataPath(file: string = SAMPLE_DAILY.file): string {
  const root = packageRoot(__dirname);
  const candidates = [
    path.join(__dirname, "data", file),
    ...(root ? [path.join(root, "dist/data", file), path.join(root, "node_modules/vega-datasets/data", file)] : []),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new InputError(`the shipped sample ${file} is missing`, "Rebuild with `npm run build`, or pass --data FILE");
  return found;
}

/** The nearest folder above `from` holding AIBT's own package.json. */
function packageRoot(from: string): string | undefined {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    try {
      if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "aibt") return dir;
    } catch {
      // no package.json here (or not JSON): keep looking upward
    }
  }
  return undefined;
}
