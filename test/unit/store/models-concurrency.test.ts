// Two real processes update one model from the same version at the same moment: exactly one must win,
// the other must get a VersionConflictError, and no update may be lost or half-written.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelStore } from "../../../src/store/models";
import { repoRoot } from "../../shared-data";

let dir: string;
let bundle: string;
let child: string;

// The engine bundle does not export the store, so the test bundles the store's source itself.
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "aibt-models-"));
  bundle = path.join(dir, "models.cjs");
  buildSync({ entryPoints: [path.join(repoRoot, "src/store/models.ts")], bundle: true, platform: "node", target: "node20", format: "cjs", outfile: bundle, logLevel: "error" });
  child = path.join(dir, "update.cjs");
  writeFileSync(
    child,
    `const [bundle, workspace, id, expected, label, startAt] = process.argv.slice(2);
const { ModelStore, VersionConflictError } = require(bundle);
const store = new ModelStore(workspace);
while (Date.now() < Number(startAt)) {} // both processes start the update at the same instant
try {
  const model = store.update(id, { description: label }, Number(expected));
  console.log(JSON.stringify({ outcome: "updated", version: model.version }));
} catch (error) {
  console.log(JSON.stringify({ outcome: error instanceof VersionConflictError ? "conflict" : "error", message: String(error && error.message) }));
}
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  outcome: "updated" | "conflict" | "error";
  version?: number;
  message?: string;
}

function runChild(args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, bundle, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (chunk) => (stdout += chunk));
    proc.stderr.on("data", (chunk) => (stderr += chunk));
    proc.on("error", reject);
    proc.on("close", (code) => {
      if (code !== 0) return reject(new Error(`child exited ${code}: ${stderr}`));
      resolve(JSON.parse(stdout) as Outcome);
    });
  });
}

describe("ModelStore across processes", () => {
  it("two simultaneous updates from the same version: one wins, one conflicts, every round", async () => {
    const workspace = path.join(dir, "workspace");
    mkdirSync(workspace);
    const store = new ModelStore(workspace);
    store.create({ name: "Contested", strategy: { kind: "coded", name: "buy-and-hold" } });
    const rounds = 10;
    for (let round = 1; round <= rounds; round++) {
      const expected = round; // the version every round starts from
      const startAt = String(Date.now() + 400);
      const outcomes = await Promise.all(["A", "B"].map((who) => runChild([workspace, "contested", String(expected), `round ${round} by ${who}`, startAt])));
      const winners = outcomes.filter((o) => o.outcome === "updated");
      const losers = outcomes.filter((o) => o.outcome === "conflict");
      expect(outcomes.filter((o) => o.outcome === "error"), JSON.stringify(outcomes)).toEqual([]);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(winners[0]!.version).toBe(expected + 1);
      expect(losers[0]!.message).toContain(`since version ${expected} (it is now version ${expected + 1})`);
      // The stored description is the winner's: the loser's change did not slip in.
      const who = ["A", "B"][outcomes.indexOf(winners[0]!)];
      expect(store.get("contested").description).toBe(`round ${round} by ${who}`);
    }
    const final = JSON.parse(readFileSync(store.fileOf("contested"), "utf8"));
    expect(store.get("contested")).toEqual(final);
    expect(final.version).toBe(1 + rounds);
    expect(readdirSync(store.folder)).toEqual(["contested.json"]); // no temp files or locks left
  });
});
