// The aibt package that notebook cells import (`aibt/notebook`, `aibt/engine`) when the notebook's
// folder has none of its own: a user's folder holds no node_modules, so the kernel lends it the package
// this code ships in (the repository, or the extension's installed folder), along with @types/node.
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";

/** The nearest folder at or above `from` whose package.json is named "aibt": the package root (above dist/). */
export function findAibtPackage(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (isAibtPackage(dir)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function isAibtPackage(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown }).name === "aibt";
  } catch {
    return false;
  }
}

let ownPackage: string | null | undefined;

/** The package this code is part of: dist/ once built and bundled, kernel/jupyter/ when run from source. */
export function defaultAibtPackage(): string | undefined {
  if (ownPackage === undefined) ownPackage = findAibtPackage(__dirname) ?? null;
  return ownPackage ?? undefined;
}

/**
 * The @types/node folder for cells' type checking when the notebook's folder has none: the one the
 * aibt package was built against when installed with it (the repository's), else the one tslab
 * depends on, nested in tslab's folder or hoisted beside it (an installed extension has no devDependencies).
 */
export function nodeTypesFor(aibtPackage: string | undefined, tslabFolder: string): string | undefined {
  const candidates = [...(aibtPackage ? [path.join(aibtPackage, "node_modules/@types/node")] : []), ...ancestors(tslabFolder).map((dir) => path.join(dir, "node_modules/@types/node"))];
  return candidates.find((folder) => existsSync(path.join(folder, "package.json")));
}

function ancestors(from: string): string[] {
  const dirs: string[] = [];
  for (let dir = from; ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (path.dirname(dir) === dir) return dirs;
  }
}

/**
 * A node_modules folder inside `dir` holding only `aibt`, a link to the package, for the kernel's
 * NODE_PATH. Node looks in NODE_PATH only after the node_modules of the notebook's folder and every
 * folder above it, so a notebook with its own aibt keeps it; and the link resolves `aibt/notebook`
 * through the package's "exports" with no code of ours in Node's resolver (a Module._resolveFilename
 * hook would have to reimplement them). Removing `dir` removes the link, never the package.
 * Undefined when the link cannot be made.
 */
export function linkAibtPackage(dir: string, aibtPackage: string): string | undefined {
  const modules = path.join(dir, "node_modules");
  try {
    mkdirSync(modules, { recursive: true });
    // A junction on Windows: a directory link that needs no administrator rights (ignored elsewhere).
    symlinkSync(aibtPackage, path.join(modules, "aibt"), "junction");
    return modules;
  } catch {
    // The kernel still starts: only a cell importing aibt fails, with Node's "Cannot find module".
    return undefined;
  }
}
