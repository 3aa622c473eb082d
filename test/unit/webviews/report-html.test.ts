// The report webview's HTML: a strict CSP with a fresh nonce, nothing inline without it, nothing remote.
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, reportHtml } from "../../../extension/report/report-html";

const CSP_SOURCE = "https://file+.vscode-resource.vscode-cdn.net";
const MEDIA = `${CSP_SOURCE}/ext/media/out`;

function page(nonce = newNonce(), title = "Report: sma-cross run-0003"): string {
  return reportHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: `${MEDIA}/report.js`, styleUri: `${MEDIA}/report.css`, codiconUri: `${MEDIA}/codicon.css`, title });
}

function cspOf(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  expect(match, "a CSP meta tag").not.toBeNull();
  return match![1]!.replace(/&#39;/g, "'");
}

describe("reportHtml", () => {
  it("has a strict CSP: nothing by default, scripts only by nonce, styles and fonts from the webview's origin, no eval", () => {
    const nonce = newNonce();
    const html = page(nonce);
    const csp = cspOf(html);
    expect(csp).toBe(contentSecurityPolicy(CSP_SOURCE, nonce));
    const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives).toEqual({
      "default-src": ["'none'"],
      "img-src": [CSP_SOURCE, "data:"],
      "style-src": [CSP_SOURCE, `'nonce-${nonce}'`],
      "font-src": [CSP_SOURCE],
      "script-src": [`'nonce-${nonce}'`],
    });
    expect(csp).not.toMatch(/unsafe-(eval|inline)|\*/);
    // The CSP comes before anything it governs.
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<link"));
  });

  it("loads the script and stylesheets from the media folder, every script carrying the nonce, nothing inline", () => {
    const nonce = newNonce();
    const html = page(nonce);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts).toEqual([`<script nonce="${nonce}" src="${MEDIA}/report.js">`]);
    expect(html).toMatch(/<script [^>]*><\/script>/); // no inline code
    expect(html).toContain(`<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${MEDIA}/codicon.css" nonce="${nonce}">`);
    expect(html).toContain(`<link rel="stylesheet" href="${MEDIA}/report.css" nonce="${nonce}">`);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    // Every URL is the webview's own.
    const urls = html.match(/(https?:)?\/\/[^\s"'<>]+/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url.startsWith(CSP_SOURCE), url).toBe(true);
    expect(html).toContain('<main id="app">');
  });

  it("uses a fresh 128-bit nonce per render and refuses a weak one", () => {
    const nonces = new Set(Array.from({ length: 50 }, () => newNonce()));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const a = cspOf(page());
    const b = cspOf(page());
    expect(a).not.toBe(b);
    expect(() => page("")).toThrow(/nonce/);
    expect(() => page("abc")).toThrow(/nonce/);
    expect(() => page(`${newNonce()}' 'unsafe-inline`)).toThrow(/nonce/);
  });

  it("escapes the title", () => {
    const html = page(newNonce(), `Report: <img src=x onerror=alert(1)> "run"`);
    expect(html).toContain("<title>Report: &lt;img src=x onerror=alert(1)&gt; &quot;run&quot;</title>");
    expect(html).not.toContain("<img");
  });
});
