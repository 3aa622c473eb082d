/**
 * The report webview's HTML: a strict Content Security Policy with a fresh nonce per render, the page
 * script and stylesheets from the extension's media folder, nothing inline but what carries the nonce,
 * nothing remote. Pure (no vscode import) so it is unit tested; report-panel.ts fills in the URIs.
 */
import { randomBytes } from "node:crypto";

export interface ReportHtmlOptions {
  /** The webview's `cspSource`: the origin its local resources are served from. */
  cspSource: string;
  /** A fresh random value per render (newNonce()). */
  nonce: string;
  /** Webview URIs of media/out/report.js, report.css and codicon.css. */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** The page title, shown while the payload is on its way. */
  title: string;
}

/** 128 random bits, base64url: a CSP nonce. */
export function newNonce(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * Only the media folder's files (script by nonce; styles and fonts by origin) and data: images (a PNG
 * export's preview). vega runs through vega-interpreter, so no 'unsafe-eval'; no inline style either.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escape = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function reportHtml(options: ReportHtmlOptions): string {
  const { cspSource, nonce, scriptUri, styleUri, codiconUri, title } = options;
  if (!/^[A-Za-z0-9+/_=-]{16,}$/.test(nonce)) throw new Error("the CSP nonce must be at least 16 base64 characters");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escape(contentSecurityPolicy(cspSource, nonce))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // vscode-icon finds the codicon stylesheet by this id and loads it into its shadow root too.
    `<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escape(codiconUri)}" nonce="${nonce}">`,
    `<link rel="stylesheet" href="${escape(styleUri)}" nonce="${nonce}">`,
    `<title>${escape(title)}</title>`,
    "</head>",
    "<body>",
    `<main id="app"><p class="loading" role="status">Loading ${escape(title)}…</p></main>`,
    `<script nonce="${nonce}" src="${escape(scriptUri)}"></script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
