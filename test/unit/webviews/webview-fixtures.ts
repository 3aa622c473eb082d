// Webview pages in a real headless Chromium (playwright-core driving Debian's chromium): the built
// media served over real HTTP on 127.0.0.1, VS Code's theme variables, and a record of every console
// error, page error and CSP violation.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { TestContext } from "vitest";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { buildMedia } from "../../../media/build.mjs";
import { repoRoot } from "../../shared-data";

// page callbacks run in the page: the test program has no DOM types, so the browser globals they use
// are declared here, for this file only.
declare const document: {
  addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number }) => void): void;
  documentElement: { style: { setProperty(name: string, value: string): void } };
  body: { classList: { add(name: string): void; remove(...names: string[]): void } };
};
declare const window: { __cspViolation(text: string): void };

export const resultsDir = path.join(repoRoot, "test-results");

/** test/setup/ensure-chromium.sh installs Debian's chromium when it is missing (as root, as in CI). */
export function chromiumReady(): { ok: boolean; why: string; executable: string } {
  const setup = spawnSync("sh", [path.join(repoRoot, "test/setup/ensure-chromium.sh")], { encoding: "utf8", timeout: 600_000 });
  const found = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" });
  const executable = found.stdout.trim();
  return { ok: found.status === 0 && executable !== "", why: `${setup.stderr ?? ""}${setup.stdout ?? ""}`.trim() || "chromium not found", executable };
}

/** Without a browser: fail in CI, skip on a developer's machine. */
export function requireChromium(chromiumState: { ok: boolean; why: string }, context: TestContext): void {
  if (chromiumState.ok) return;
  if (process.env.CI) throw new Error(`no chromium: ${chromiumState.why}`);
  context.skip();
}

export async function launch(executable: string): Promise<Browser> {
  return chromium.launch({ executablePath: executable, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
}

export interface Served {
  origin: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".ttf": "font/ttf", ".html": "text/html" };

/**
 * Builds the media as esbuild.mjs does, into a folder of the test's own: test files run in parallel and
 * must not serve a bundle another one is rewriting.
 */
export async function builtMedia(): Promise<string> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), "aibt-media-"));
  await buildMedia({ outdir });
  return outdir;
}

/** Serves `pages` (path -> HTML) and the built media (`mediaOut`) as /media/out/* on 127.0.0.1; anything else is a 404. */
export async function serve(pages: () => Record<string, string>, mediaOut: string): Promise<Served> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const page = pages()[url.pathname];
    if (page !== undefined) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      response.end(page);
      return;
    }
    const file = url.pathname.startsWith("/media/out/") ? path.join(mediaOut, path.basename(url.pathname)) : "";
    if (file && existsSync(file)) {
      response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      response.end(readFileSync(file));
      return;
    }
    if (url.pathname === "/favicon.ico") {
      // A browser asks for it; a webview never does.
      response.writeHead(204);
      response.end();
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface PageProblems {
  console: string[];
  pageErrors: string[];
  csp: string[];
  failedRequests: string[];
}

/** Records console errors, uncaught errors, CSP violations and failed requests of a page. */
export async function watchProblems(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { console: [], pageErrors: [], csp: [], failedRequests: [] };
  page.on("console", (message) => {
    if (message.type() === "error" || /Content Security Policy/i.test(message.text())) problems.console.push(message.text());
  });
  page.on("pageerror", (error) => problems.pageErrors.push(error.message));
  page.on("requestfailed", (request) => problems.failedRequests.push(`${request.url()} ${request.failure()?.errorText ?? ""}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.failedRequests.push(`${response.url()} ${response.status()}`);
  });
  await page.exposeFunction("__cspViolation", (text: string) => problems.csp.push(text));
  // Init scripts run before the page's own and are not subject to its CSP.
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return problems;
}

/** VS Code's Dark Modern and Light Modern colours, as the editor sets them on a webview's root element. */
export const THEMES = {
  dark: {
    bodyClass: "vscode-dark",
    vars: {
      "--vscode-font-family": "system-ui, 'DejaVu Sans', sans-serif",
      "--vscode-font-size": "13px",
      "--vscode-editor-font-family": "'DejaVu Sans Mono', monospace",
      "--vscode-editor-background": "#1f1f1f",
      "--vscode-editor-foreground": "#cccccc",
      "--vscode-foreground": "#cccccc",
      "--vscode-descriptionForeground": "#9d9d9d",
      "--vscode-editorLineNumber-foreground": "#6e7681",
      "--vscode-errorForeground": "#f85149",
      "--vscode-focusBorder": "#0078d4",
      "--vscode-button-background": "#0078d4",
      "--vscode-button-foreground": "#ffffff",
      "--vscode-button-hoverBackground": "#026ec1",
      "--vscode-button-secondaryBackground": "#313131",
      "--vscode-button-secondaryForeground": "#cccccc",
      "--vscode-button-secondaryHoverBackground": "#3c3c3c",
      "--vscode-badge-background": "#616161",
      "--vscode-badge-foreground": "#f8f8f8",
      "--vscode-panel-border": "#2b2b2b",
      "--vscode-panel-background": "#181818",
      "--vscode-panelTitle-activeBorder": "#0078d4",
      "--vscode-panelTitle-activeForeground": "#cccccc",
      "--vscode-panelTitle-inactiveForeground": "#9d9d9d",
      "--vscode-settings-headerBorder": "#2b2b2b",
      "--vscode-sideBar-background": "#181818",
      "--vscode-sideBarSectionHeader-background": "#181818",
      "--vscode-sideBarTitle-foreground": "#cccccc",
      "--vscode-icon-foreground": "#cccccc",
      "--vscode-editorGroup-border": "rgba(255, 255, 255, 0.09)",
      "--vscode-keybindingTable-rowsBackground": "rgba(204, 204, 204, 0.04)",
      "--vscode-textCodeBlock-background": "#2b2b2b",
      "--vscode-textBlockQuote-background": "#2b2b2b",
      "--vscode-textBlockQuote-border": "#616161",
      "--vscode-testing-iconPassed": "#73c991",
      "--vscode-editorHoverWidget-background": "#202020",
      "--vscode-editorHoverWidget-border": "#454545",
      "--vscode-editorHoverWidget-foreground": "#cccccc",
      "--vscode-notebook-outputContainerBackgroundColor": "#1f1f1f",
    },
  },
  light: {
    bodyClass: "vscode-light",
    vars: {
      "--vscode-font-family": "system-ui, 'DejaVu Sans', sans-serif",
      "--vscode-font-size": "13px",
      "--vscode-editor-font-family": "'DejaVu Sans Mono', monospace",
      "--vscode-editor-background": "#ffffff",
      "--vscode-editor-foreground": "#3b3b3b",
      "--vscode-foreground": "#3b3b3b",
      "--vscode-descriptionForeground": "#3b3b3b",
      "--vscode-editorLineNumber-foreground": "#6e7681",
      "--vscode-errorForeground": "#f85149",
      "--vscode-focusBorder": "#005fb8",
      "--vscode-button-background": "#005fb8",
      "--vscode-button-foreground": "#ffffff",
      "--vscode-button-secondaryBackground": "#e5e5e5",
      "--vscode-button-secondaryForeground": "#3b3b3b",
      "--vscode-badge-background": "#cccccc",
      "--vscode-badge-foreground": "#3b3b3b",
      "--vscode-panel-border": "#e5e5e5",
      "--vscode-panel-background": "#f8f8f8",
      "--vscode-sideBar-background": "#f8f8f8",
      "--vscode-textCodeBlock-background": "#f8f8f8",
      "--vscode-editorHoverWidget-background": "#f8f8f8",
      "--vscode-editorHoverWidget-border": "#c8c8c8",
      "--vscode-editorHoverWidget-foreground": "#3b3b3b",
      "--vscode-notebook-outputContainerBackgroundColor": "#ffffff",
    },
  },
} as const;

export type ThemeName = keyof typeof THEMES;

/** A script (for a nonce'd <script>) that applies a theme the way VS Code does: body class, root variables. */
export function themeScript(name: ThemeName): string {
  const theme = THEMES[name];
  return `(() => {
    const theme = ${JSON.stringify(theme)};
    const apply = () => {
      document.body.classList.remove("vscode-light", "vscode-dark", "vscode-high-contrast", "vscode-high-contrast-light");
      document.body.classList.add(theme.bodyClass);
      for (const [name, value] of Object.entries(theme.vars)) document.documentElement.style.setProperty(name, value);
    };
    if (document.body) apply(); else document.addEventListener("DOMContentLoaded", apply);
  })();`;
}

/** Switches the page's theme as VS Code does (in place, no reload). */
export async function switchTheme(page: Page, name: ThemeName): Promise<void> {
  await page.evaluate((theme) => {
    for (const [name, value] of Object.entries(theme.vars)) document.documentElement.style.setProperty(name, value);
    document.body.classList.remove("vscode-light", "vscode-dark", "vscode-high-contrast", "vscode-high-contrast-light");
    document.body.classList.add(theme.bodyClass);
  }, THEMES[name] as { bodyClass: string; vars: Record<string, string> });
}
