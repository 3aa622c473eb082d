// media/build.mjs: the renderer as an ES module, the report page as a classic script, one stylesheet
// with the shared chart styles inlined, and the codicon font beside it, all minified.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtMedia } from "./webview-fixtures";

describe("buildMedia", () => {
  let out = "";
  beforeAll(async () => {
    out = await builtMedia();
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const read = (name: string) => readFileSync(path.join(out, name), "utf8");

  it("bundles the renderer as an ES module exporting activate, and the report as a self-contained script", () => {
    const renderer = read("renderer.js");
    expect(renderer).toMatch(/export\s*\{[^}]*\bactivate\b[^}]*\}/);
    expect(renderer).not.toMatch(/^import\s|[;}]import\s*[{*"]/m);
    const report = read("report.js");
    expect(report).not.toMatch(/\bexport\s*\{|^import\s/m);
    expect(report).toContain("acquireVsCodeApi");
    // Minified (the code on a few long lines, licence comments at the end), no source maps.
    for (const bundle of [renderer, report]) {
      expect(Math.max(...bundle.split("\n").map((line) => line.length))).toBeGreaterThan(100_000);
      expect(bundle.length).toBeLessThan(1_500_000);
      expect(bundle).not.toContain("sourceMappingURL=data:");
    }
    // The production builds of Lit and vega: no dev-mode warnings in the console.
    expect(report).not.toContain("Lit is in dev mode");
  });

  it("writes one stylesheet holding the chart styles, and the codicon stylesheet with its font", () => {
    const css = read("report.css");
    expect(css).not.toContain("@import");
    expect(css).toContain("#vg-tooltip-element");
    expect(css).toContain(".aibt-chart-action");
    expect(read("codicon.css")).toContain('url("./codicon.ttf');
    expect(readFileSync(path.join(out, "codicon.ttf")).subarray(0, 4)).toEqual(Buffer.from([0, 1, 0, 0]));
  });
});
