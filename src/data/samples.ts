/**
 * Data the product ships, so it runs on a fresh machine with no download: S&P 500 index daily bars
 * 2000-01-03..2020-04-17 from the vega-datasets package (BSD-3-Clause), copied into dist/data at build.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";

export const SAMPLE_DAILY = {
  file: "sp500-2000.csv",
  symbol: "SPX",
  description: "S&P 500 index, daily bars 2000-01-03 to 2020-04-17 (vega-datasets, BSD-3-Clause)",
} as const;

/** Finds a shipped data file: beside the bundle (dist/data) or, when running from source, in the package. */
export function sampleDataPath(file: string = SAMPLE_DAILY.file): string {
  const candidates = [
    path.join(__dirname, "data", file),
    path.resolve(__dirname, "../../dist/data", file),
    path.resolve(__dirname, "../../node_modules/vega-datasets/data", file),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new InputError(`the shipped sample ${file} is missing`, "Rebuild with `npm run build`, or pass --data FILE");
  return found;
}
