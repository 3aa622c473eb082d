/**
 * The notebook renderer for Vega-Lite (and Vega) outputs: VS Code imports this module into the
 * notebook's webview and calls `activate`. Charts are drawn with vega-embed in the editor's theme (and
 * redrawn when it changes), fitted to the output's width, with tooltips and SVG/PNG export, so a
 * notebook's charts need no other extension. A spec that cannot be drawn shows why.
 */
import { Chart } from "../shared/chart";
import type { ChartImage } from "../shared/chart";
import chartCss from "../shared/chart.css";
import { readTheme, watchTheme } from "../shared/theme";

/** The parts of VS Code's renderer API (`vscode-notebook-renderer`) this renderer uses. */
export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  readonly metadata?: unknown;
  text(): string;
  json(): unknown;
}

export interface RendererContext {
  readonly workspace?: { readonly isTrusted: boolean };
  readonly settings?: Record<string, unknown>;
}

export interface RendererApi {
  renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): Promise<void>;
  disposeOutputItem(id?: string): void;
}

export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";
export const VEGA_MIME = "application/vnd.vega.v5+json";

/** A notebook output sits on the output background when the theme gives one, else the editor's. */
const BACKGROUND = ["--vscode-notebook-outputContainerBackgroundColor", "--vscode-editor-background"];

const styled = new WeakSet<Document | ShadowRoot>();

/** Adds the chart stylesheet to a document or shadow root once, as a constructed sheet: no inline <style> a CSP could refuse. */
function adoptStyles(root: Node): void {
  const target = root instanceof ShadowRoot || root instanceof Document ? root : document;
  if (styled.has(target)) return;
  styled.add(target);
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(chartCss);
    target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement("style");
    style.textContent = chartCss;
    (target instanceof Document ? target.head : target).append(style);
  }
}

/** A download link VS Code's notebook webview turns into a save dialog. */
function download(image: ChartImage): void {
  const link = document.createElement("a");
  link.download = image.fileName;
  link.href = image.format === "svg" ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(image.data)}` : image.data;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
}

function showError(element: HTMLElement, text: string): void {
  const line = document.createElement("p");
  line.className = "aibt-chart-error";
  line.setAttribute("role", "alert");
  line.textContent = text;
  element.replaceChildren(line);
}

/**
 * Charts are drawn one at a time, each after the browser has had a turn: the output frame shares the
 * editor's thread, and twenty charts compiled and drawn back to back when a notebook opens would hold
 * it for seconds.
 */
let drawing: Promise<void> = Promise.resolve();
function drawInTurn(draw: () => Promise<void>, signal?: AbortSignal): Promise<void> {
  const turn = drawing.then(() => new Promise<void>((resolve) => setTimeout(resolve, 0))).then(() => (signal?.aborted ? undefined : draw()));
  drawing = turn.catch(() => undefined);
  return turn;
}

export function activate(_context?: RendererContext): RendererApi {
  adoptStyles(document);
  const charts = new Map<string, Chart>();
  // One watcher for the webview's life: a theme change redraws every chart shown.
  watchTheme(
    () => {
      for (const chart of charts.values()) void chart.render();
    },
    () => readTheme({ background: BACKGROUND }),
  );
  const dispose = (id: string) => {
    charts.get(id)?.dispose();
    charts.delete(id);
  };
  return {
    async renderOutputItem(item, element, signal) {
      dispose(item.id);
      adoptStyles(element.getRootNode());
      let spec: unknown;
      try {
        spec = item.json();
      } catch (error) {
        showError(element, `This chart cannot be drawn: its output is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
        return;
      }
      if (signal?.aborted) return;
      const chart = new Chart(element, spec, {
        mode: item.mime === VEGA_MIME ? "vega" : "vega-lite",
        theme: () => readTheme({ background: BACKGROUND }),
        save: download,
      });
      charts.set(item.id, chart);
      signal?.addEventListener("abort", () => dispose(item.id), { once: true });
      await drawInTurn(() => chart.render(), signal);
    },
    disposeOutputItem(id) {
      if (id === undefined) for (const key of [...charts.keys()]) dispose(key);
      else dispose(id);
    },
  };
}
