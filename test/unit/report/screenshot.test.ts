// The report opens in a real browser (headless Chromium) and the screenshot shows the charts.
// test/setup/ensure-chromium.sh installs Debian's chromium when it is missing (CI runs as root).
// AIBT_UPDATE_SCREENSHOT=1 also saves the screenshot as media/report-screenshot.png (the README's).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLORS } from "../../../src/charts/theme";
import { runReport } from "../../../src/report/report";
import { replay } from "../../../src/run/replay";
import { RunStore } from "../../../src/store/runs";
import { repoRoot } from "../../shared-data";
import { RTH, tempWorkspace } from "../charts/chart-fixtures";
import { decodePng, inkStatistics, pixelsNear, pngSize } from "./png";

const WIDTH = 1280;
const HEIGHT = 2000;

function chromiumReady(): { ok: boolean; why: string } {
  const setup = spawnSync("sh", [path.join(repoRoot, "test/setup/ensure-chromium.sh")], { encoding: "utf8", timeout: 600_000 });
  const found = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" });
  return { ok: found.status === 0, why: `${setup.stderr}${setup.stdout}`.trim() || "chromium not found" };
}

describe("the report in headless Chromium", () => {
  let workspace: string;
  let chromium: { ok: boolean; why: string };
  beforeAll(() => {
    workspace = tempWorkspace("aibt-screenshot-");
    chromium = chromiumReady();
  }, 600_000);
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it("renders the page with its charts: a large, colourful screenshot, not a blank one", async (context) => {
    if (!chromium.ok) {
      // Without root or apt there is no browser to open: fail in CI, skip on a developer's machine.
      if (process.env.CI) throw new Error(`no chromium: ${chromium.why}`);
      context.skip();
    }
    await replay({ data: RTH(), symbol: "SPY", date: "2013-10-10", strategy: "opening-range", workspace });
    const reader = await new RunStore(workspace).open("opening-range/run-0001");
    const report = path.join(workspace, "report.html");
    try {
      writeFileSync(report, await runReport(reader, { workspace }));
    } finally {
      reader.close();
    }
    const png = path.join(workspace, "report.png");
    const shot = spawnSync(
      "chromium",
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        `--user-data-dir=${path.join(workspace, "chromium-profile")}`,
        `--window-size=${WIDTH},${HEIGHT}`,
        `--screenshot=${png}`,
        `file://${report}`,
      ],
      { encoding: "utf8", timeout: 90_000 },
    );
    expect(existsSync(png), `chromium wrote no screenshot (exit ${shot.status}): ${shot.stderr}`).toBe(true);
    const bytes = readFileSync(png);
    expect(bytes.length).toBeGreaterThan(20 * 1024);
    expect(pngSize(bytes)).toEqual({ width: WIDTH, height: HEIGHT });
    const image = decodePng(bytes);
    const { inkFraction, colors } = inkStatistics(image);
    expect(inkFraction).toBeGreaterThan(0.03);
    expect(colors).toBeGreaterThan(200);
    // The charts are drawn: the strategy's line, the benchmark's, the drawdown's area and the candles.
    for (const color of [COLORS.strategy, COLORS.benchmark, COLORS.drawdown]) expect(pixelsNear(image, color), color).toBeGreaterThan(400);
    if (process.env.AIBT_UPDATE_SCREENSHOT) {
      const asset = path.join(repoRoot, "media/report-screenshot.png");
      copyFileSync(png, asset);
      expect(statSync(asset).size).toBeLessThan(400 * 1024);
    }
  }, 120_000);
});
