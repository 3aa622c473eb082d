// `aibt report` as a user runs it: the built bundle (dist/cli.js, vega bundled in), a recorded run,
// a file written atomically; mistakes print one line, exit 1 and write nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectInputError, runCli, runOk, tempDir } from "../cli/cli-helpers";
import { RTH } from "../charts/chart-fixtures";

describe("aibt report", () => {
  let scratch: ReturnType<typeof tempDir>;
  let ws: string;
  beforeAll(() => {
    scratch = tempDir("report");
    ws = scratch.dir;
    runOk(["replay", "--data", RTH(), "--symbol", "SPY", "--date", "2013-10-08", "--strategy", "opening-range", "--workspace", ws]);
  });
  afterAll(() => scratch.cleanup());

  it("writes MODEL-run-NNNN.html in the current folder by default, with the charts inline", () => {
    const result = runCli(["report", "opening-range/run-0001", "--workspace", ws], { cwd: ws });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const file = path.join(ws, "opening-range-run-0001.html");
    expect(result.stdout).toMatch(new RegExp(`^wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(\\d+ KB\\)\\n$`));
    const html = readFileSync(file, "utf8");
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html).toContain("<td>bracket stop</td>");
    expect(readdirSync(ws).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("takes --out as a file or a folder, and a run file's path as the run", () => {
    const out = path.join(ws, "out");
    mkdirSync(out);
    runOk(["report", "opening-range/1", "--workspace", ws, "--out", path.join(out, "day.html")]);
    expect(existsSync(path.join(out, "day.html"))).toBe(true);
    runOk(["report", path.join(ws, ".aibt/runs/opening-range/run-0001.sqlite"), "--out", out]);
    expect(existsSync(path.join(out, "opening-range-run-0001.html"))).toBe(true);
  });

  it("a mistake prints one line, exits 1 and writes nothing", () => {
    const before = readdirSync(ws).sort();
    expectInputError(runCli(["report", "opening-range/run-0009", "--workspace", ws], { cwd: ws }), ["no run opening-range/run-0009", "run-0001"]);
    expectInputError(runCli(["report", "nobody/1", "--workspace", ws], { cwd: ws }), ["no run nobody/1"]);
    expectInputError(runCli(["report", "--workspace", ws], { cwd: ws }), ["report needs a run"]);
    expectInputError(runCli(["report", "a/1", "b/2", "--workspace", ws], { cwd: ws }), ["one run"]);
    expectInputError(runCli(["report", "opening-range/1", "--workspace", ws, "--out", path.join(ws, "missing", "x.html")], { cwd: ws }), ["cannot write", "ENOENT"]);
    expectInputError(runCli(["report", "opening-range/1", "--bogus"], { cwd: ws }), ["unknown option --bogus"]);
    expect(readdirSync(ws).sort()).toEqual(before);
    expect(runOk(["help", "report"])).toContain("Usage: aibt report RUN");
    rmSync(path.join(ws, "out"), { recursive: true, force: true });
  });
});
