/**
 * The `aibt` command's entry: `aibt notebook ...` is handled here (it needs the kernel, which src/ may
 * not import); every other command goes to src/cli/main.ts. User mistakes print one line and exit 1;
 * anything else is a bug and prints its stack with exit 2.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseCommandLine, stringFlag } from "../src/cli/args";
import { main } from "../src/cli/main";
import { InputError, isUserFacing } from "../src/errors";
import { writeFileAtomic } from "../src/files";
import { NOTEBOOK_EXTENSION, newNotebook, parseNotebook, serializeNotebook } from "./notebook-format";

export const NOTEBOOK_SUMMARY = "run a notebook (.aibtnb) and save its outputs, or create a new one";

export const NOTEBOOK_HELP = `Usage: aibt notebook <run | new> FILE [options]

AIBT notebooks (${NOTEBOOK_EXTENSION}) are Jupyter notebooks (nbformat 4) for the tslab TypeScript kernel:
a copy renamed to .ipynb opens in Jupyter.

  aibt notebook run FILE      run every code cell in order in one kernel (started in the notebook's
                              folder) and save the outputs; stops at the first failing cell, and
                              then saves nothing and exits 1 naming the cell
    --out FILE                write the executed notebook there instead (default: FILE itself)
    --allow-errors            keep running after a failing cell and save the notebook with its error
                              output (exit 0)
  aibt notebook new FILE      write a new empty notebook (never overwrites a file)
`;

type Out = (text: string) => void;

/** The whole command line: the engine's commands plus `notebook`, which needs the kernel. */
export function cli(argv: string[], out: Out, signal?: AbortSignal): Promise<number> {
  return main(argv, out, { notebook: { summary: NOTEBOOK_SUMMARY, load: async () => notebookCommand } }, signal);
}

export async function notebookCommand(argv: string[], out: Out, signal?: AbortSignal): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") return out(NOTEBOOK_HELP);
  if (sub === "run") return notebookRun(rest, out, signal);
  if (sub === "new") return notebookNew(rest, out);
  throw new InputError(`no notebook command "${sub}"`, "Use `aibt notebook run FILE` or `aibt notebook new FILE` (see `aibt notebook --help`)");
}

function oneFile(command: string, positionals: string[]): string {
  if (positionals.length === 1) return positionals[0]!;
  throw new InputError(positionals.length === 0 ? `notebook ${command} needs a file` : `notebook ${command} takes one file, got ${positionals.length}`, `e.g. aibt notebook ${command} research${NOTEBOOK_EXTENSION}`);
}

async function notebookRun(argv: string[], out: Out, signal?: AbortSignal): Promise<void> {
  const { flags, positionals } = parseCommandLine("notebook", argv, {
    out: { type: "string" },
    "allow-errors": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) return out(NOTEBOOK_HELP);
  const file = oneFile("run", positionals);
  const target = stringFlag(flags, "out") ?? file;
  const allowErrors = flags["allow-errors"] === true;
  const doc = parseNotebook(readText(file), file);
  checkWritable(target);

  // Loaded only here: `aibt notebook new` and a bad file should not wait for the kernel's code.
  const { runNotebook } = await import("./notebook-runner");
  const started = performance.now();
  const run = await runNotebook(doc, { cwd: path.dirname(path.resolve(file)), allowErrors }, signal);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const codeCells = run.doc.cells.filter((cell) => cell.cell_type === "code").length;
  const cellName = (index: number) => `cell ${index + 1} of ${run.doc.cells.length}`;
  // The message goes inside a sentence: its own final period would double up.
  const errorText = (message: string) => message.replace(/[.\s]+$/, "");

  if (run.cancelled) throw new InputError(`cancelled after ${run.executed} of ${codeCells} code cells`, "Nothing was written", { file });
  const first = run.failed[0];
  if (first && !allowErrors) {
    throw new InputError(`${cellName(first.index)} failed: ${errorText(first.message)}`, "Nothing was written: fix the cell, or run with --allow-errors to save the notebook with the error", { file });
  }
  writeFileAtomic(target, serializeNotebook(run.doc));
  const failures = run.failed.length === 0 ? "" : `, ${run.failed.length} failed (${run.failed.map((f) => `${cellName(f.index)}: ${errorText(f.message)}`).join("; ")})`;
  out(`ran ${run.executed} of ${codeCells} code cells in ${seconds} s${failures}; wrote ${target}\n`);
}

function notebookNew(argv: string[], out: Out): void {
  const { flags, positionals } = parseCommandLine("notebook", argv, { help: { type: "boolean", short: "h" } });
  if (flags.help) return out(NOTEBOOK_HELP);
  const file = oneFile("new", positionals);
  if (existsSync(file)) throw new InputError("it already exists", "Choose another name, or delete the file first (aibt never overwrites it)", { file });
  checkWritable(file);
  writeFileAtomic(file, serializeNotebook(newNotebook()));
  out(`wrote ${file}\n`);
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError("no such file", "Check the path", { file });
    if (code === "EISDIR") throw new InputError("that is a folder, not a notebook file", `Give a ${NOTEBOOK_EXTENSION} file`, { file });
    if (code === "EACCES" || code === "EPERM") throw new InputError(`cannot read it (${code})`, "Check the file's permissions", { file });
    throw error;
  }
}

/** Checked before a run, so a long run does not end in "cannot write". */
function checkWritable(file: string): void {
  const folder = path.dirname(path.resolve(file));
  if (!existsSync(folder)) throw new InputError(`the folder ${folder} does not exist`, "Create it first, or choose another path", { file });
  if (!statSync(folder).isDirectory()) throw new InputError(`${folder} is a file, not a folder`, "Choose another path", { file });
  if (existsSync(file) && statSync(file).isDirectory()) throw new InputError("that is a folder", `Give a file name inside it, e.g. ${path.join(file, `notebook${NOTEBOOK_EXTENSION}`)}`, { file });
}

/** Runs the command line in this process: the bin's body, and what tests call to check exit codes. */
export async function runCli(argv: string[], io: { stdout: Out; stderr: Out }, signal?: AbortSignal): Promise<number> {
  try {
    return await cli(argv, io.stdout, signal);
  } catch (error) {
    if (isUserFacing(error)) {
      // One line, always: a kernel's message may carry the tail of its stderr.
      io.stderr(`aibt: ${error.message.trim().replace(/\s*\n\s*/g, " ")}\n`);
      return 1;
    }
    io.stderr(`aibt: internal error (please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  void runCli(process.argv.slice(2), { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) }, controller.signal).then((code) => {
    process.exitCode = code;
  });
}
