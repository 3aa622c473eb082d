/**
 * One Vega-Lite (or Vega) chart in a webview, shared by the notebook renderer and the report: drawn by
 * vega-embed as SVG in the editor's theme, fitted to the width it is given, with tooltips and small
 * "save as SVG / PNG" buttons. Expressions run through vega-interpreter, so a strict CSP needs no
 * 'unsafe-eval'; vega-embed's and vega-tooltip's own <style> injection is off (the styles are in
 * chart.css), so no inline style is needed either. A spec that cannot be drawn shows why, never a blank.
 */
import embed from "vega-embed";
import type { Result } from "vega-embed";
import { logger as vegaLogger, Warn } from "vega";
import { expressionInterpreter } from "vega-interpreter";
import type { ChartTheme } from "./theme";
import { themedSpec } from "./theme";

export type ChartMode = "vega-lite" | "vega";

/** An exported picture of a chart: SVG text, or a PNG as a data URL. */
export interface ChartImage {
  format: "svg" | "png";
  fileName: string;
  data: string;
}

export interface ChartOptions {
  mode?: ChartMode;
  /** The theme to draw in, read at every render. */
  theme: () => ChartTheme;
  /** Widen charts to the width available, not only narrow the ones too wide for it (the report does). */
  stretch?: boolean;
  /** Where an exported image goes: a download link in a notebook, a message to the extension in the report. */
  save: (image: ChartImage) => void;
}

/** Room the y axis, its title and the padding take beside a concatenated view's plot. */
const AXIS_ALLOWANCE = 110;
const MIN_PLOT_WIDTH = 120;
/** Width assumed while the element is not laid out yet (a hidden tab): re-fitted once it is. */
const UNLAID_WIDTH = 0;

/**
 * Notebooks carry Vega-Lite under the v5 mime type with a v5 $schema, which Vega-Lite 6 draws the same:
 * its "the input spec uses Vega-Lite v5" notice is not worth a warning under every chart.
 */
const VERSION_NOTICE = /uses Vega(-Lite)? v\d+, but the current version/;

const CONCAT = ["vconcat", "hconcat", "concat", "facet", "repeat"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The spec sized for `available` pixels. A single or layered view with width "container", or one too
 * wide (or any, with `stretch`), is made to fit exactly (autosize fit-x, axes included). Each view of
 * a vertical concatenation (candles over volume) gets the width less room for its axis. Anything else
 * is left as it is; CSS scales a still-too-wide SVG down.
 */
export function fitSpec(spec: Record<string, unknown>, available: number, stretch = false): Record<string, unknown> {
  if (available <= UNLAID_WIDTH) return spec;
  const tooWide = (width: unknown, allowance: number) => width === "container" || (typeof width === "number" && (stretch || width + allowance > available));
  if (!CONCAT.some((key) => key in spec)) {
    if (!tooWide(spec.width, AXIS_ALLOWANCE)) return spec;
    const autosize = isObject(spec.autosize) ? spec.autosize : {};
    return { ...spec, width: Math.max(MIN_PLOT_WIDTH, Math.floor(available) - 2), autosize: { ...autosize, type: "fit-x", contains: "padding" } };
  }
  if (Array.isArray(spec.vconcat)) {
    const plot = Math.max(MIN_PLOT_WIDTH, Math.floor(available) - AXIS_ALLOWANCE);
    const fitted = spec.vconcat.map((view: unknown) => (isObject(view) && tooWide(view.width, AXIS_ALLOWANCE) ? { ...view, width: plot } : view));
    return { ...spec, vconcat: fitted };
  }
  return spec;
}

/** A file name from a spec's title: "Equity: sma-cross on AAPL" -> "equity-sma-cross-on-aapl". */
export function chartFileName(spec: unknown): string {
  const title = isObject(spec) ? spec.title : undefined;
  const text = typeof title === "string" ? title : isObject(title) && typeof title.text === "string" ? title.text : "chart";
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "chart"
  );
}

const MARKS = new Set(["arc", "area", "bar", "boxplot", "circle", "errorband", "errorbar", "geoshape", "image", "line", "point", "rect", "rule", "square", "text", "tick", "trail"]);

/**
 * A mistake Vega-Lite reports unclearly, found first: an unknown mark type ("Cannot read properties of
 * undefined" otherwise). Everything else is left to Vega-Lite's own messages.
 */
export function specProblem(spec: Record<string, unknown>): string | undefined {
  const mark = isObject(spec.mark) ? spec.mark.type : spec.mark;
  if (mark !== undefined && (typeof mark !== "string" || !MARKS.has(mark))) return `unknown mark type ${JSON.stringify(mark)} (Vega-Lite has ${[...MARKS].join(", ")})`;
  for (const key of ["layer", "vconcat", "hconcat", "concat"]) {
    const views = spec[key];
    if (!Array.isArray(views)) continue;
    for (const view of views) {
      const problem = isObject(view) ? specProblem(view) : `every view in "${key}" must be an object`;
      if (problem) return problem;
    }
  }
  if (isObject(spec.spec)) return specProblem(spec.spec);
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error);
}

export class Chart {
  readonly element: HTMLElement;
  private readonly view: HTMLElement;
  private readonly problems: HTMLElement;
  private result: Result | undefined;
  private queue: Promise<void> = Promise.resolve();
  private renderedWidth = -1;
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly resizeObserver: ResizeObserver | undefined;
  private disposed = false;

  constructor(
    host: HTMLElement,
    private readonly spec: unknown,
    private readonly options: ChartOptions,
  ) {
    this.element = document.createElement("div");
    this.element.className = "aibt-chart";
    this.view = document.createElement("div");
    this.view.className = "aibt-chart-view";
    this.problems = document.createElement("div");
    this.problems.className = "aibt-chart-problems";
    this.element.append(this.view, this.actions(), this.problems);
    host.replaceChildren(this.element);
    if (typeof ResizeObserver === "function") {
      this.resizeObserver = new ResizeObserver(() => this.onResize());
      this.resizeObserver.observe(this.element);
    }
  }

  /** Draws (again) in the current theme and width; calls are queued, never overlapping. */
  render(): Promise<void> {
    this.queue = this.queue.then(() => this.draw());
    return this.queue;
  }

  dispose(): void {
    this.disposed = true;
    this.resizeObserver?.disconnect();
    clearTimeout(this.resizeTimer);
    this.result?.finalize();
    this.result = undefined;
  }

  /** The rendered Vega view (for tests and exports), once drawn. */
  get vegaView(): Result["view"] | undefined {
    return this.result?.view;
  }

  private actions(): HTMLElement {
    const bar = document.createElement("div");
    bar.className = "aibt-chart-actions";
    for (const format of ["svg", "png"] as const) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "aibt-chart-action";
      button.dataset.format = format;
      button.textContent = format.toUpperCase();
      button.title = `Save the chart as ${format.toUpperCase()}`;
      button.setAttribute("aria-label", button.title);
      button.addEventListener("click", () => void this.export(format));
      bar.append(button);
    }
    return bar;
  }

  private async export(format: "svg" | "png"): Promise<void> {
    const view = this.result?.view;
    if (!view) return;
    try {
      const data = format === "svg" ? await view.toSVG() : (await view.toCanvas(2)).toDataURL("image/png");
      this.options.save({ format, fileName: `${chartFileName(this.spec)}.${format}`, data });
    } catch (error) {
      this.showProblem("error", `Could not export the chart as ${format.toUpperCase()}: ${messageOf(error)}`);
    }
  }

  private onResize(): void {
    const width = this.element.clientWidth;
    // Only a real change of the width re-fits (a chart's own height change must not loop).
    if (this.renderedWidth < 0 || Math.abs(width - this.renderedWidth) < 8) return;
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => void this.render(), 120);
  }

  private async draw(): Promise<void> {
    if (this.disposed) return;
    this.problems.replaceChildren();
    this.element.classList.remove("has-error");
    if (!isObject(this.spec)) {
      this.fail(`the output is ${Array.isArray(this.spec) ? "an array" : this.spec === null ? "null" : `a ${typeof this.spec}`}, not a ${this.options.mode === "vega" ? "Vega" : "Vega-Lite"} specification object`);
      return;
    }
    const problem = this.options.mode === "vega" ? undefined : specProblem(this.spec);
    if (problem) {
      this.fail(problem);
      return;
    }
    const width = this.element.clientWidth;
    const spec = themedSpec(fitSpec(this.spec, width, this.options.stretch), this.options.theme());
    const errors: string[] = [];
    const warnings: string[] = [];
    const logger = vegaLogger(Warn, undefined, (_method, level, args) => {
      const text = args.map(messageOf).join(" ");
      if (level !== "ERROR" && VERSION_NOTICE.test(text)) return;
      (level === "ERROR" ? errors : warnings).push(text);
    });
    this.result?.finalize();
    this.result = undefined;
    try {
      const result = await embed(this.view, spec as never, {
        mode: this.options.mode ?? "vega-lite",
        renderer: "svg",
        actions: false,
        defaultStyle: false,
        ast: true,
        expr: expressionInterpreter,
        logger,
        tooltip: { theme: "custom", disableDefaultStyle: true },
      });
      if (this.disposed) {
        result.finalize();
        return;
      }
      this.result = result;
      this.renderedWidth = width;
    } catch (error) {
      this.fail(messageOf(error));
      return;
    }
    if (errors.length) this.showProblem("error", `The chart has errors: ${errors.join("; ")}`);
    if (warnings.length) this.showProblem("warning", `Chart warnings: ${warnings.join("; ")}`);
  }

  private fail(message: string): void {
    this.view.replaceChildren();
    this.element.classList.add("has-error");
    this.renderedWidth = -1;
    this.showProblem("error", `This chart cannot be drawn: ${message}`);
  }

  private showProblem(kind: "error" | "warning", text: string): void {
    const line = document.createElement("p");
    line.className = `aibt-chart-${kind}`;
    if (kind === "error") line.setAttribute("role", "alert");
    line.textContent = text;
    this.problems.append(line);
  }
}
