/**
 * The editor's theme as charts need it, shared by the notebook renderer and the report webview. VS Code
 * marks a webview's body with `vscode-light`, `vscode-dark`, `vscode-high-contrast` or
 * `vscode-high-contrast-light` and sets its colours as CSS variables on the root element; both change
 * in place when the user switches themes, so charts read them at every render and re-render on change.
 */

export type ThemeKind = "light" | "dark" | "high-contrast" | "high-contrast-light";

/** Resolved colours (any CSS colour string) and the font charts are drawn with. */
export interface ChartTheme {
  kind: ThemeKind;
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  domain: string;
  font: string;
}

/** What a theme looks like when VS Code set no variables (a browser outside the editor, a test page). */
const FALLBACK: Record<ThemeKind, Omit<ChartTheme, "kind" | "font">> = {
  light: { background: "#ffffff", foreground: "#333333", muted: "#666666", grid: "#d9d9d9", domain: "#8c8c8c" },
  dark: { background: "#1e1e1e", foreground: "#d4d4d4", muted: "#a6a6a6", grid: "#3c3c3c", domain: "#7a7a7a" },
  "high-contrast": { background: "#000000", foreground: "#ffffff", muted: "#ffffff", grid: "#6f6f6f", domain: "#ffffff" },
  "high-contrast-light": { background: "#ffffff", foreground: "#292929", muted: "#292929", grid: "#8c8c8c", domain: "#292929" },
};

const DEFAULT_FONT = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif";

export function themeKind(body: Element | null = typeof document === "undefined" ? null : document.body): ThemeKind {
  const classes = body?.classList;
  if (classes?.contains("vscode-high-contrast-light")) return "high-contrast-light";
  if (classes?.contains("vscode-high-contrast")) return "high-contrast";
  if (classes?.contains("vscode-light")) return "light";
  if (classes?.contains("vscode-dark")) return "dark";
  // Outside VS Code: follow the system.
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export interface ReadThemeOptions {
  /** CSS variables to take the chart's background from, first set wins (default: the editor's background). */
  background?: string[];
}

/** The current theme: the body's class and VS Code's CSS variables, with per-kind fallbacks. */
export function readTheme(options: ReadThemeOptions = {}): ChartTheme {
  const kind = themeKind();
  const fallback = FALLBACK[kind];
  const style = getComputedStyle(document.documentElement);
  const variable = (...names: string[]) => names.map((name) => style.getPropertyValue(name).trim()).find((value) => value !== "");
  const contrast = kind === "high-contrast" || kind === "high-contrast-light";
  const foreground = variable("--vscode-editor-foreground", "--vscode-foreground") ?? fallback.foreground;
  return {
    kind,
    background: variable(...(options.background ?? ["--vscode-editor-background"])) ?? fallback.background,
    foreground,
    // High contrast themes want every label at full contrast.
    muted: contrast ? foreground : (variable("--vscode-descriptionForeground") ?? fallback.muted),
    grid: (contrast ? variable("--vscode-contrastBorder") : undefined) ?? fallback.grid,
    domain: contrast ? foreground : (variable("--vscode-editorLineNumber-foreground") ?? fallback.domain),
    font: variable("--vscode-font-family") ?? DEFAULT_FONT,
  };
}

/** The Vega(-Lite) config of a theme: text, axes, legends and background; series colours stay the spec's. */
export function themeConfig(theme: ChartTheme): Record<string, unknown> {
  const { foreground, muted, grid, domain, font, background } = theme;
  return {
    background,
    font,
    title: { color: foreground, subtitleColor: muted },
    axis: { labelColor: muted, titleColor: muted, domainColor: domain, tickColor: domain, gridColor: grid },
    legend: { labelColor: foreground, titleColor: muted },
    header: { labelColor: foreground, titleColor: muted },
    text: { color: foreground },
  };
}

/**
 * The spec drawn in a theme: the theme's config over the spec's own (which, from the engine, carries
 * light-theme ink) and its background in place of the spec's, so an exported image reads as shown.
 */
export function themedSpec<T extends object>(spec: T, theme: ChartTheme): T {
  const own = (spec as { config?: unknown }).config;
  const config = deepMerge(isPlainObject(own) ? own : {}, themeConfig(theme));
  return { ...spec, config, background: theme.background };
}

/**
 * Calls back (once per change, after the frame settles) when the body's theme class or the root's
 * CSS variables change. Returns the function that stops watching.
 */
export function watchTheme(onChange: () => void, read: () => ChartTheme = () => readTheme()): () => void {
  let last = JSON.stringify(read());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    timer = undefined;
    const now = JSON.stringify(read());
    if (now === last) return;
    last = now;
    onChange();
  };
  const observer = new MutationObserver(() => {
    if (timer === undefined) timer = setTimeout(check, 30);
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class", "style"] });
  if (document.body) observer.observe(document.body, { attributes: true, attributeFilter: ["class", "style"] });
  return () => {
    observer.disconnect();
    if (timer !== undefined) clearTimeout(timer);
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `over` merged into `base`, objects key by key, anything else replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}
