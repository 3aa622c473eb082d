// Turns what tslab prints for a failing cell into an nbformat error (ename, evalue, traceback) that
// speaks of the cell's own lines. Compile errors already carry cell positions (`2:13 - Cannot find
// name 'nope'.`). Runtime stacks point into the JavaScript tslab compiled the cell to (blank lines
// dropped, types erased, export bookkeeping added), so each frame's line is mapped back to the source
// line it came from by aligning the two texts.
import { CELL_FILE_PREFIX } from "./preload";

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A compiled cell: its TypeScript source and the JavaScript tslab ran, for mapping stack frames. */
export interface CompiledCell {
  source: string;
  compiled: string;
  /** How tracebacks name the cell, e.g. "<cell 3>". */
  label: string;
}

export function compileError(diagnostics: readonly string[]): ErrorContent {
  const lines = diagnostics.flatMap((text) => text.replace(/\n$/, "").split("\n")).filter((line) => line !== "");
  return { ename: "CompileError", evalue: lines.join("\n"), traceback: lines };
}

// Node 20 says "Script execution was interrupted by `SIGINT`" (ERR_SCRIPT_EXECUTION_INTERRUPTED) for a
// synchronous loop; tslab's own rejection of an awaited promise is "Interrupted asynchronously".
const INTERRUPTED = /^Error: (Script execution (was )?interrupted|Interrupted asynchronously)/m;

/** Whether tslab's error text is the one an interrupt (SIGINT) produces. */
export function isInterruption(text: string): boolean {
  return INTERRUPTED.test(text);
}

const FRAME = /^\s+at /;
const CELL_LOCATION = new RegExp(`${escapeRegExp(CELL_FILE_PREFIX)}(\\d+):(\\d+):(\\d+)`);
/** Frames of Node itself, of tslab and of the preload, which say nothing about the cell. */
const INTERNAL_FRAME = /\(node:|^\s+at node:|[\\/]tslab[\\/]dist[\\/]|aibt-kernel-preload\.cjs/;

/**
 * Parses `console.error(error)` output of tslab (util.inspect of the thrown value).
 * `cells` finds a compiled cell by its script name (`tslab-cell-N`) to map frames.
 */
export function runtimeError(text: string, cells: (file: string) => CompiledCell | undefined): ErrorContent {
  let lines = text.replace(/\n+$/, "").split("\n");
  // A synchronous throw carries Node's "file:line / source line / caret / blank" header: drop it.
  if (lines.length > 3 && /^\S+:\d+$/.test(lines[0]!)) {
    const blank = lines.indexOf("");
    if (blank > 0 && blank <= 4) lines = lines.slice(blank + 1);
  }
  const firstFrame = lines.findIndex((line) => FRAME.test(line));
  const head = firstFrame < 0 ? lines : lines.slice(0, firstFrame);
  const rest = firstFrame < 0 ? [] : lines.slice(firstFrame);

  let ename = "Error";
  let evalue = head.join("\n");
  const named = /^([A-Za-z_$][\w$]*)(?: \[[^\]]*\])?(?:: ([\s\S]*))?$/.exec(head.join("\n"));
  const bracketed = /^\[([A-Za-z_$][\w$]*)(?:: ([\s\S]*))?\]$/.exec(head.join("\n"));
  if (named && (firstFrame >= 0 || /(Error|Exception)$/.test(named[1]!))) {
    ename = named[1]!;
    evalue = named[2] ?? "";
  } else if (bracketed) {
    ename = bracketed[1]!;
    evalue = bracketed[2] ?? "";
  }

  const traceback = [...head];
  for (let line of rest) {
    // util.inspect appends own properties as " {" after the last frame, then "  key: value" lines.
    const props = FRAME.test(line) && line.endsWith(" {");
    if (props) line = line.slice(0, -2);
    if (FRAME.test(line)) {
      const mapped = mapFrame(line, cells);
      if (mapped !== null) traceback.push(mapped);
      if (props) traceback.push("{");
    } else {
      traceback.push(line);
    }
  }
  return { ename, evalue, traceback };
}

/** A frame with the cell's line and column, or null for a frame that only shows tslab's plumbing. */
function mapFrame(line: string, cells: (file: string) => CompiledCell | undefined): string | null {
  const location = CELL_LOCATION.exec(line);
  if (!location) return INTERNAL_FRAME.test(line) ? null : line;
  const cell = cells(`${CELL_FILE_PREFIX}${location[1]}`);
  if (!cell) return line;
  const position = mapPosition(cell, Number(location[2]), Number(location[3]));
  // The compiled wrapper's own lines (the call of the cell function, export bookkeeping).
  if (!position) return null;
  const where = `${cell.label}:${position.line}${position.column === undefined ? "" : `:${position.column}`}`;
  // Functions of earlier cells are called through tslab's exports proxy: "at Proxy.f" says "at f".
  return line.replace(location[0], where).replace(/^(\s+at )(async )?Proxy\./, "$1$2");
}

const alignments = new WeakMap<CompiledCell, (number | undefined)[]>();

/**
 * Maps a 1-based line and column of the compiled cell to the cell source; undefined for the lines tslab
 * added. A statement that found no counterpart takes the line of the nearest statement before it that
 * did, without a column.
 */
export function mapPosition(cell: CompiledCell, line: number, column: number): { line: number; column?: number } | undefined {
  let alignment = alignments.get(cell);
  if (!alignment) {
    alignment = alignLines(cell.source, cell.compiled);
    alignments.set(cell, alignment);
  }
  const compiledLines = cell.compiled.split("\n");
  const sourceIndex = alignment[line - 1];
  if (sourceIndex === undefined) {
    if (!compiledStatements(compiledLines)[line - 1]) return undefined;
    for (let i = line - 2; i >= 0; i--) if (alignment[i] !== undefined) return { line: alignment[i]! + 1 };
    return undefined;
  }
  const sourceLine = cell.source.split("\n")[sourceIndex] ?? "";
  return { line: sourceIndex + 1, column: mapColumn(compiledLines[line - 1] ?? "", column, sourceLine) };
}

const TOKEN = /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|[^\s\w]/g;

interface Token {
  text: string;
  index: number;
}

function tokens(line: string): Token[] {
  return Array.from(line.matchAll(TOKEN), (match) => ({ text: match[0], index: match.index }));
}

/** The same token in the source line (the same occurrence of its text), as a 1-based column. */
function mapColumn(compiledLine: string, column: number, sourceLine: string): number | undefined {
  const compiledTokens = tokens(compiledLine);
  const at = compiledTokens.find((token) => token.index <= column - 1 && column - 1 < token.index + token.text.length);
  if (!at) return undefined;
  const occurrence = compiledTokens.filter((token) => token.text === at.text && token.index < at.index).length;
  const matches = tokens(sourceLine).filter((token) => token.text === at.text);
  const found = matches[occurrence] ?? (matches.length === 1 ? matches[0] : undefined);
  return found ? found.index + 1 : undefined;
}

const WRAPPER_PREFIX = /^\((async )?function\(exports, require\) \{ /;
/** Lines tslab adds around the cell's own statements. */
const BOOKKEEPING = [
  /^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/,
  /^(exports\.[\w$]+ = )+void 0;$/,
  /^exports\.([\w$]+) = \1;$/,
  /^\}\)\(__tslab__\.exports, __tslab__\.require\)$/,
];

/** The compiled lines that come from the cell (trimmed), undefined for the ones tslab and TypeScript add. */
function compiledStatements(compiledLines: readonly string[]): (string | undefined)[] {
  const texts = compiledLines.map((line, index) => (index === 0 ? line.replace(WRAPPER_PREFIX, "") : line).trim());
  // TypeScript's import helpers (__importStar, ...) come before the first statement, __esModule.
  const firstStatement = Math.max(0, texts.indexOf('Object.defineProperty(exports, "__esModule", { value: true });'));
  return texts.map((text, index) => (index < firstStatement || text === "" || BOOKKEEPING.some((pattern) => pattern.test(text)) ? undefined : text));
}

/** `import ... from "m"` (source) and `const x = __importStar(require("m"));` (compiled) look alike only by the module. */
const SOURCE_IMPORT = /^\s*import\s+(?:(["'])(.+?)\1|.*\bfrom\s+(["'])(.+?)\3|[\w$]+\s*=\s*require\((["'])(.+?)\5\))/;
const SOURCE_IMPORT_END = /^\s*\}\s*from\s+(["'])(.+?)\1/;
const COMPILED_REQUIRE = /^(?:(?:const|let|var) [\w$]+ = )?(?:__[\w$]+\()?require\((["'])(.+?)\1\)\)?;$/;

function importSignature(module: string): string[] {
  return ["import", JSON.stringify(module)];
}

function sourceTokens(line: string): string[] {
  const imported = SOURCE_IMPORT.exec(line) ?? SOURCE_IMPORT_END.exec(line);
  if (imported) return importSignature(imported[2] ?? imported[4] ?? imported[6] ?? "");
  return tokens(line.trim()).map((token) => token.text);
}

function normalizedTokens(compiledLine: string): string[] {
  const line = compiledLine
    .trim()
    .replace(/^exports\.tsLastExpr\d* = /, "")
    .replace(/\bexports\.([A-Za-z_$])/g, "$1");
  const required = COMPILED_REQUIRE.exec(line);
  if (required) return importSignature(required[2]!);
  return tokens(line).map((token) => token.text);
}

const WORD = /^[\w$"'`]/;

/**
 * Dice similarity of the lines' words (names, keywords, literals); of all their tokens when neither
 * has a word (`}`, `});`). Punctuation alone says little: `x[i] = [];` is not `a[b["c"] = 0]`.
 */
function similarity(a: readonly string[], b: readonly string[]): number {
  const wordsA = a.filter((token) => WORD.test(token));
  const wordsB = b.filter((token) => WORD.test(token));
  if (wordsA.length > 0 || wordsB.length > 0) return dice(wordsA, wordsB);
  return dice(a, b);
}

function dice(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const token of a) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of b) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  return (2 * common) / (a.length + b.length);
}

const MIN_SIMILARITY = 0.34;
const JUMP_PENALTY = 0.001;
const REPEAT_PENALTY = 0.01;
const SKIPPED = -2;
const FROM_START = -1;
const MAX_CELLS = 4_000_000;

/**
 * For each compiled line (0-based), the source line it came from, or undefined. The compiled code
 * keeps the statements in source order, so this is a monotone alignment maximising the summed token
 * similarity of the matched lines (several compiled lines may map to one source line, e.g. an enum).
 */
export function alignLines(source: string, compiled: string): (number | undefined)[] {
  const compiledLines = compiled.split("\n");
  const sourceLines = source.split("\n").map(sourceTokens);
  const statements = compiledStatements(compiledLines);
  const candidates = statements.map((text) => (text === undefined ? [] : normalizedTokens(text)));
  const n = compiledLines.length;
  const m = sourceLines.length;
  const result: (number | undefined)[] = new Array(n).fill(undefined);
  if (m === 0 || n * m > MAX_CELLS) return result;

  // best[j]: the best score so far with compiled lines matched up to source line j (the last match).
  // Moving on costs JUMP_PENALTY a line and staying on a line REPEAT_PENALTY, so that of equal
  // candidates (`}`) the next line wins, while a statement split over two lines still maps twice.
  let best = new Float64Array(m).fill(-Infinity);
  const choice: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const line = candidates[i]!;
    const next = Float64Array.from(best);
    // SKIPPED: the line maps nowhere; FROM_START: its first match; otherwise the previous match.
    const picked = new Int32Array(m).fill(SKIPPED);
    if (line.length > 0) {
      let prefixBest = -Infinity;
      let prefixArg = FROM_START;
      for (let k = 0; k < m; k++) {
        const score = similarity(line, sourceLines[k]!);
        if (score >= MIN_SIMILARITY) {
          let total = 0;
          let from = FROM_START;
          if (prefixBest - JUMP_PENALTY * k > total) {
            total = prefixBest - JUMP_PENALTY * k;
            from = prefixArg;
          }
          if (best[k]! - REPEAT_PENALTY > total) {
            total = best[k]! - REPEAT_PENALTY;
            from = k;
          }
          if (total + score > next[k]!) {
            next[k] = total + score;
            picked[k] = from;
          }
        }
        if (best[k]! + JUMP_PENALTY * k > prefixBest) {
          prefixBest = best[k]! + JUMP_PENALTY * k;
          prefixArg = k;
        }
      }
    }
    choice.push(picked);
    best = next;
  }
  let j = 0;
  for (let k = 1; k < m; k++) if (best[k]! > best[j]!) j = k;
  if (!(best[j]! > 0)) return result;
  for (let i = n - 1; i >= 0; i--) {
    const from = choice[i]![j]!;
    if (from === SKIPPED) continue;
    result[i] = j;
    if (from === FROM_START) break;
    j = from;
  }
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
