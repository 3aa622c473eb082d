/**
 * Loading market data files into a DataSet. Three formats: the normalized CSV the project writes, the
 * Alpha Vantage JSONL of the AI-Trader benchmark, and any other CSV with a header row. Every problem in
 * a file surfaces as an InputError naming the file, line and field.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";
import { parseAlphaVantageJsonl } from "./alpha-vantage";
import { firstLine } from "./csv-lines";
import type { GenericCsvOptions } from "./generic-csv";
import { parseColumnMapping, parseGenericCsv } from "./generic-csv";
import { isNormalizedHeader, parseNormalizedCsv } from "./normalized-csv";
import type { DataSet } from "./series";

export type DataFormat = "normalized-csv" | "alpha-vantage-jsonl" | "csv";

export interface LoadOptions extends GenericCsvOptions {
  /** Default: detected from the file's extension and first line. */
  format?: DataFormat;
}

export type { ColumnMapping } from "./generic-csv";
export { parseAlphaVantageJsonl, parseColumnMapping, parseGenericCsv, parseNormalizedCsv };

const PARSERS: Record<DataFormat, (text: string, file: string, options: LoadOptions) => DataSet> = {
  "normalized-csv": parseNormalizedCsv,
  "alpha-vantage-jsonl": parseAlphaVantageJsonl,
  csv: parseGenericCsv,
};

function readDataFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new InputError("data file not found", "Make sure the file exists and check the --data path", { file });
    }
    if (code === "EISDIR") {
      throw new InputError("this is a folder, not a data file", "Point it at a .csv or .jsonl file: check the --data path", { file });
    }
    throw new InputError(`cannot read ${file} (${code ?? String(error)})`, "Check the file's permissions and check the --data path", { file });
  }
}

function detectFormat(file: string, text: string): DataFormat {
  const extension = path.extname(file).toLowerCase();
  const header = firstLine(text);
  if (extension === ".jsonl" || extension === ".json" || header.startsWith("{")) return "alpha-vantage-jsonl";
  return isNormalizedHeader(header) ? "normalized-csv" : "csv";
}

/** Reads a data file synchronously and parses it in the given or detected format. */
export function loadDataFile(file: string, options: LoadOptions = {}): DataSet {
  const text = readDataFile(file);
  const format = options.format ?? detectFormat(file, text);
  // The format may come straight from a command line, unchecked by the type system.
  const parse = PARSERS[format] as (typeof PARSERS)[DataFormat] | undefined;
  if (!parse) {
    throw new InputError(`unknown data format "${format}"`, `Use one of: ${Object.keys(PARSERS).join(", ")}`, { field: "format" });
  }
  return parse(text, file, options);
}
