// A disk that fills up while a run is recorded: a clear error, the last good state intact, nothing
// half-written, and the run recoverable once there is room again. Uses a real (tiny) tmpfs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors";
import { backtest } from "../../../src/run/backtest";
import { RunReader } from "../../../src/store/run-reader";
import { RunStore } from "../../../src/store/runs";
import { minuteFile, workspace } from "./store-fixtures";

const mountPoint = mkdtempSync(path.join(os.tmpdir(), "aibt-tinyfs-"));
let mounted = false;
try {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=400k", "tmpfs", mountPoint], { stdio: "ignore" });
  mounted = true;
} catch {
  // Mounting needs root and a kernel that allows it; without it the test says it was skipped.
}

afterAll(() => {
  if (mounted) execFileSync("umount", [mountPoint]);
});

describe.skipIf(!mounted)("a full disk while recording", () => {
  it("fails the run with a clear error, keeps the last good file, and recovers once there is room", async () => {
    const data = minuteFile(workspace(), 50_000, 9);
    const failure = await backtest({ data, workspace: mountPoint, fast: 5, slow: 20 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(InputError);
    expect(String((failure as Error).message)).toMatch(/ENOSPC.*Free some disk space/);
    const dir = path.join(mountPoint, ".aibt/runs/sma-cross");
    expect(readdirSync(dir).filter((name) => name.includes(".tmp"))).toEqual([]);
    // The database on disk is the last complete flush: it opens, and says the run was going.
    const reader = await RunReader.open(path.join(dir, "run-0001.sqlite"));
    expect(reader.card().status).toBe("running");
    reader.close();

    execFileSync("mount", ["-o", "remount,size=64m", mountPoint]);
    // The writer here is this very process, still alive: recovery must wait until the journal's
    // writer is gone, so hand the journal to a pid that cannot exist.
    const journal = path.join(dir, "run-0001.journal");
    writeFileSync(journal, readFileSync(journal, "utf8").replace(`"pid":${process.pid}`, '"pid":2147483646'));
    const { runs } = await new RunStore(mountPoint).list();
    expect(runs[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/interrupted/) });
    expect(runs[0]!.stepsDone).toBeGreaterThan(100);
  });
});
