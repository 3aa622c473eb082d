/**
 * The model definitions of a workspace, one file per model at `.aibt/models/<id>.json`. Several
 * processes share them (kernel, extension, MCP server, CLI), so every change is a read-check-write under
 * a lock file with a version check, and every write is an atomic replace: a reader sees the old file
 * or the new one, never half of one. Runs keep their own frozen copy, so nothing here touches runs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";
import { writeFileAtomic } from "../files";
import { withFileLock } from "./lock";
import { isModelId, parseJsonText, parseModelDefinition, parseModelInput } from "./model-definition";
import type { ModelDefinition, ModelInput } from "./model-definition";

/** What `update` may change. The signature is the file name: a new signature is a new model. */
export type ModelPatch = Partial<Pick<ModelInput, "name" | "description" | "allowedTickers" | "initialCash" | "strategy" | "risk">>;
/** Set by the store alone; anything else unknown in a patch is refused by the schema, by name. */
const STORE_FIELDS = ["id", "signature", "version", "createdAt", "updatedAt"];

export interface ModelProblem {
  file: string;
  message: string;
}

/** The model changed between the caller's read and its update: the caller must re-read and re-apply. */
export class VersionConflictError extends InputError {
  constructor(
    readonly id: string,
    readonly file: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `model "${id}" was changed by someone else since version ${expectedVersion} (it is now version ${actualVersion})`,
      "Reload it and apply your change again",
      { file },
    );
  }
}

export class ModelStore {
  readonly folder: string;

  constructor(
    readonly workspaceDir: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    if (!isFolder(workspaceDir)) {
      throw new InputError(`the workspace folder ${workspaceDir} does not exist`, "Give an existing folder (--workspace DIR), or create it first", { file: workspaceDir });
    }
    this.folder = path.join(workspaceDir, ".aibt", "models");
  }

  fileOf(id: string): string {
    return path.join(this.folder, `${id}.json`);
  }

  create(input: ModelInput): ModelDefinition {
    const valid = parseModelInput(input);
    const now = this.clock().toISOString();
    const model = parseModelDefinition({ id: valid.signature, ...valid, createdAt: now, updatedAt: now, version: 1 }, this.fileOf(valid.signature));
    mkdirSync(this.folder, { recursive: true });
    const file = this.fileOf(model.id);
    withFileLock(file, () => {
      if (existsSync(file)) {
        throw new InputError(`a model with the signature "${model.id}" already exists`, `Choose another signature, e.g. ${model.id}-2, or update that model`, { file, field: "signature" });
      }
      this.write(model);
    });
    return model;
  }

  get(id: string): ModelDefinition {
    const file = this.fileOf(this.checkId(id));
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw this.unknown(id);
      throw error;
    }
    const raw = parseJsonText(text, file, "Fix the file by hand or delete it; it was left as it is");
    const model = parseModelDefinition(raw, file);
    if (model.id !== id) {
      throw new InputError(`the file holds the model "${model.id}", not "${id}"`, `Rename the file to ${model.id}.json, or set its id and signature to "${id}"`, { file, field: "id" });
    }
    return model;
  }

  /**
   * Replaces the patched top-level fields (a new strategy replaces the old one whole), if the model is
   * still at `expectedVersion`; otherwise throws VersionConflictError and changes nothing.
   */
  update(id: string, patch: ModelPatch, expectedVersion: number): ModelDefinition {
    const file = this.fileOf(this.checkId(id));
    const frozen = Object.keys(patch ?? {}).find((field) => STORE_FIELDS.includes(field));
    if (frozen !== undefined) {
      const fix = frozen === "id" || frozen === "signature" ? "The signature names the model's file: create a new model instead" : "The store sets it on every update: leave it out";
      throw new InputError(`"${frozen}" cannot be updated`, fix, { file, field: frozen });
    }
    if (!this.exists(id)) throw this.unknown(id);
    return withFileLock(file, () => {
      const current = this.get(id);
      if (current.version !== expectedVersion) throw new VersionConflictError(id, file, expectedVersion, current.version);
      const changed = { ...current, ...patch, version: current.version + 1, updatedAt: this.clock().toISOString() };
      const next = parseModelDefinition(changed, file, "Fix the change and try again; the model was left as it is");
      this.write(next);
      return next;
    });
  }

  delete(id: string): void {
    const file = this.fileOf(this.checkId(id));
    if (!this.exists(id)) throw this.unknown(id);
    withFileLock(file, () => {
      if (!existsSync(file)) throw this.unknown(id); // deleted by another process meanwhile
      rmSync(file);
    });
  }

  /** Every model that loads, sorted by name, and what is wrong with each file that does not. */
  list(): { models: ModelDefinition[]; problems: ModelProblem[] } {
    const models: ModelDefinition[] = [];
    const problems: ModelProblem[] = [];
    for (const name of this.fileNames()) {
      const id = name.slice(0, -".json".length);
      const file = path.join(this.folder, name);
      if (!isModelId(id)) {
        problems.push({ file, message: `${file}: the file name is not a model id (lowercase letters, digits and dashes). Rename the file to its signature` });
        continue;
      }
      try {
        models.push(this.get(id));
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        problems.push({ file, message: error.message });
      }
    }
    models.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { models, problems };
  }

  exists(id: string): boolean {
    return existsSync(this.fileOf(this.checkId(id)));
  }

  private write(model: ModelDefinition): void {
    writeFileAtomic(this.fileOf(model.id), `${JSON.stringify(model, null, 2)}\n`);
  }

  /** Model files only: not the atomic writer's dot-named temp files, nor lock files. */
  private fileNames(): string[] {
    if (!isFolder(this.folder)) return [];
    return readdirSync(this.folder)
      .filter((name) => name.endsWith(".json") && !name.startsWith("."))
      .sort();
  }

  // Ids become file names: anything but a valid signature (e.g. "../x") is refused before touching disk.
  private checkId(id: string): string {
    if (!isModelId(id)) {
      throw new InputError(`${JSON.stringify(id)} is not a model id`, "Ids are signatures: lowercase letters, digits and dashes; `aibt models list` shows them", { field: "id" });
    }
    return id;
  }

  private unknown(id: string): InputError {
    const ids = this.fileNames().map((name) => name.slice(0, -".json".length));
    if (ids.length === 0) return new InputError(`no model "${id}": there are no models in ${this.folder} yet`, "Create one with `aibt models create`");
    const shown = ids.slice(0, 10).join(", ") + (ids.length > 10 ? `, and ${ids.length - 10} more` : "");
    return new InputError(`no model "${id}" in ${this.folder}`, `The models are: ${shown}`);
  }
}

function isFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
