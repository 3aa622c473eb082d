/**
 * Headless rendering of a Vega-Lite spec to SVG with vega, for static outputs (reports, a notebook's
 * SVG fallback). Vega and Vega-Lite are ESM-only and take ~200 ms to load, so they are imported on
 * first use: loading the engine stays fast, and the CommonJS bundles load them lazily (see esbuild.mjs
 * for the vega-canvas alias that makes them bundle).
 */
import type { ChartSpec } from "./theme";

/** A spec that Vega-Lite or Vega could not compile, parse or render cleanly. */
export class ChartRenderError extends Error {
  override readonly name = "ChartRenderError";
  constructor(
    message: string,
    readonly warnings: string[],
  ) {
    super(message);
  }
}

export interface RenderedChart {
  svg: string;
  /** Everything Vega-Lite and Vega warned about (or logged as an error) while compiling and rendering. */
  warnings: string[];
}

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");

let modules: Promise<[VegaModule, VegaLiteModule]> | undefined;

function loadVega(): Promise<[VegaModule, VegaLiteModule]> {
  modules ??= Promise.all([import("vega"), import("vega-lite")]);
  return modules;
}

/** A vega logger that keeps warnings and errors instead of printing them. */
function collectingLogger(into: string[]) {
  let level = 2;
  const text = (args: unknown[]) => args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === "string" ? arg : JSON.stringify(arg))).join(" ");
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      into.push(`error: ${text(args)}`);
      return logger;
    },
    warn(...args: unknown[]) {
      into.push(`warning: ${text(args)}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** Compiles and renders a spec, returning the SVG and every warning on the way. */
export async function renderChart(spec: ChartSpec): Promise<RenderedChart> {
  const [vega, vegaLite] = await loadVega();
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  let view: InstanceType<VegaModule["View"]> | undefined;
  try {
    // A copy: vega tags the data rows it ingests, and the caller's spec stays plain JSON.
    const compiled = vegaLite.compile(structuredClone(spec) as unknown as Parameters<VegaLiteModule["compile"]>[0], { logger });
    view = new vega.View(vega.parse(compiled.spec), { renderer: "none", logger, logLevel: vega.Warn });
    const svg = compactSvg(await view.toSVG());
    return { svg, warnings };
  } catch (error) {
    throw new ChartRenderError(`the chart could not be rendered: ${error instanceof Error ? error.message : String(error)}`, warnings);
  } finally {
    view?.finalize();
  }
}

/** The chart as SVG. Fails loudly: any Vega-Lite or Vega warning is an error here. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const { svg, warnings } = await renderChart(spec);
  if (warnings.length > 0) {
    throw new ChartRenderError(`the chart rendered with ${warnings.length} warning${warnings.length === 1 ? "" : "s"}: ${warnings.join("; ")}`, warnings);
  }
  return svg;
}

const GEOMETRY = /\s(d|transform|x|y|x1|x2|y1|y2|width|height|r|cx|cy|viewBox|points)="([^"]*)"/g;

/** A mark drawn fully transparent: a hover target for tooltips, which a static image has no use for. */
const INVISIBLE_MARK = /<(?:path|rect|circle|line)\b[^>]*\sopacity="0"[^>]*\/>/g;

/**
 * Vega writes coordinates with every float digit (33.95320197044335); two decimals of a pixel are
 * plenty, and a candle chart's SVG shrinks by about half. Only geometry attributes are touched, never
 * text. The invisible hover points along a line go too: they were most of an equity chart's bytes.
 */
export function compactSvg(svg: string): string {
  return svg
    .replace(INVISIBLE_MARK, "")
    .replace(/<[^>]+>/g, (tag) => tag.replace(GEOMETRY, (_match, name: string, value: string) => ` ${name}="${value.replace(/(\d\.\d{2})\d+/g, "$1")}"`));
}
