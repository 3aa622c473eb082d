/**
 * How every chart looks: the Okabe-Ito palette (distinguishable with the common colour-vision
 * deficiencies), a transparent background, and neutral axes and grid that read on light and dark
 * editor themes alike.
 */

export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A Vega-Lite specification as plain JSON: what the builders return and a notebook displays. */
export interface ChartSpec {
  $schema: string;
  title?: string | { text: string; subtitle?: string };
  [property: string]: unknown;
}

export type ChartTheme = "light" | "dark";

/** Size and theme every builder accepts. */
export interface ChartOptions {
  theme?: ChartTheme;
  /** Plot width in pixels (default 720). */
  width?: number;
  /** Plot height in pixels (default depends on the chart). */
  height?: number;
  title?: string;
}

/** Okabe & Ito (2008), in their order. */
export const OKABE_ITO = {
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
  black: "#000000",
} as const;

/** Series colours, in the order they are handed out (black last: it vanishes on dark themes). */
export const PALETTE: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.vermillion,
  OKABE_ITO.yellow,
];

/** What each thing on a run's charts is drawn with. */
export const COLORS = {
  strategy: OKABE_ITO.blue,
  benchmark: OKABE_ITO.orange,
  drawdown: OKABE_ITO.vermillion,
  exposure: OKABE_ITO.bluishGreen,
  returns: OKABE_ITO.skyBlue,
  candleUp: OKABE_ITO.blue,
  candleDown: OKABE_ITO.orange,
  buy: OKABE_ITO.bluishGreen,
  sell: OKABE_ITO.reddishPurple,
  stop: OKABE_ITO.vermillion,
  target: OKABE_ITO.yellow,
} as const;

const INK: Record<ChartTheme, { text: string; muted: string; grid: string; domain: string }> = {
  light: { text: "#333333", muted: "#666666", grid: "#d9d9d9", domain: "#8c8c8c" },
  dark: { text: "#d4d4d4", muted: "#a6a6a6", grid: "#3c3c3c", domain: "#7a7a7a" },
};

/** Text and outline colours of a theme (e.g. a marker's outline, so it stands off the candles). */
export function inkOf(theme: ChartTheme = "light"): (typeof INK)[ChartTheme] {
  return INK[theme];
}

/** The Vega-Lite `config` of a theme. */
export function chartConfig(theme: ChartTheme = "light"): Record<string, unknown> {
  const ink = INK[theme];
  const font = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif";
  return {
    background: "transparent",
    font,
    view: { stroke: null },
    title: { color: ink.text, subtitleColor: ink.muted, fontSize: 14, fontWeight: 600, anchor: "start", offset: 10 },
    axis: {
      labelColor: ink.muted,
      titleColor: ink.muted,
      domainColor: ink.domain,
      tickColor: ink.domain,
      gridColor: ink.grid,
      gridOpacity: 0.8,
      labelFontSize: 11,
      titleFontSize: 11,
      titleFontWeight: 500,
    },
    // Every chart's plot starts the same distance from its left edge, so stacked charts line up.
    axisY: { minExtent: 76 },
    legend: { labelColor: ink.text, titleColor: ink.muted, labelFontSize: 11, titleFontSize: 11, orient: "top", direction: "horizontal" },
    header: { labelColor: ink.text, titleColor: ink.muted },
    text: { color: ink.text },
    range: { category: [...PALETTE] },
    line: { strokeWidth: 1.6 },
    // No screen-reader label per point (thousands of "t: ..., value: ..." strings); the chart's
    // description and its axes stay accessible.
    mark: { aria: false },
  };
}

/** The parts every spec starts with. */
export function specBase(options: ChartOptions, defaults: { title: string; subtitle?: string; height: number }): ChartSpec {
  const text = options.title ?? defaults.title;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: defaults.subtitle ? { text, subtitle: defaults.subtitle } : text,
    background: "transparent",
    config: chartConfig(options.theme),
    width: options.width ?? 720,
    height: options.height ?? defaults.height,
  };
}

/** The plain-text title of a spec (a mime bundle's text/plain). */
export function titleOf(spec: ChartSpec): string {
  const title = spec.title;
  if (typeof title === "string") return title;
  if (title && typeof title.text === "string") return title.text;
  return "chart";
}

/** A d3 number format whose decimals suit ticks over [min, max] (".1%" rather than ".0%" for a 0.3% range). */
export function tickFormat(min: number, max: number, kind: "percent" | "number", ticks = 6): string {
  const range = Math.abs(max - min) || Math.abs(max) || 1;
  const step = (kind === "percent" ? range * 100 : range) / ticks;
  const digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step))));
  return kind === "percent" ? `.${digits}%` : `,.${digits}f`;
}
