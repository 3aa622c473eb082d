/** The run report's stylesheet, inlined into every report: a light page for reading and printing. */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa; --gain: #0072B2; --loss: #D55E00; --accent: #0072B2; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0; color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 48px; }
header { border-bottom: 1px solid var(--line); padding-bottom: 14px; margin-bottom: 18px; }
.eyebrow { margin: 0; color: var(--accent); font-size: 12px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; }
h1 { margin: 4px 0 6px; font-size: 26px; line-height: 1.2; }
h2 { margin: 32px 0 12px; font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h2 .count { color: var(--muted); font-weight: 400; font-size: 14px; margin-left: 6px; }
.facts { margin: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.facts span { background: var(--soft); border: 1px solid var(--line); border-radius: 999px; padding: 1px 10px; font-size: 12.5px; color: var(--muted); }
.started { margin: 8px 0 0; color: var(--muted); font-size: 12.5px; }
.banner { padding: 10px 14px; border-radius: 6px; border: 1px solid var(--loss); background: #fdf1e9; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px; margin: 18px 0 4px; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: #fff; }
.kpi .label { display: block; color: var(--muted); font-size: 12px; }
.kpi .value { display: block; font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpi .gain { color: var(--gain); }
.kpi .loss { color: var(--loss); }
figure { margin: 0 0 18px; padding: 14px 16px 8px; border: 1px solid var(--line); border-radius: 8px; }
.chart svg { display: block; max-width: 100%; height: auto; }
.note { color: var(--muted); font-size: 12.5px; margin: 6px 0; }
.warning { color: var(--loss); font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
.metrics-columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 0 32px; align-items: start; }
.metrics-columns .aibt-metrics { table-layout: fixed; }
.aibt-metrics th { width: 11em; white-space: nowrap; }
.aibt-metrics td { overflow-wrap: anywhere; }
.aibt-metrics th { font-weight: 500; color: var(--muted); padding-right: 28px; }
.aibt-trades tbody tr:nth-child(even) { background: #fbfcfd; }
code { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; overflow: auto; white-space: pre-wrap; word-break: break-word; font: 12.5px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; }
pre.json { max-height: 480px; }
.decision { border-left: 3px solid var(--line); padding: 2px 0 2px 14px; margin: 0 0 14px; }
.decision.eventful { border-left-color: var(--accent); }
.decision h3 { margin: 0 0 4px; font-size: 13.5px; }
.decision h3 span { color: var(--muted); font-weight: 400; margin-left: 6px; }
.decision .calls { margin: 4px 0; padding-left: 20px; }
.decision .calls li { margin: 2px 0; word-break: break-word; }
.decision .tool { font-weight: 600; margin-right: 6px; }
.decision .arrow { color: var(--muted); }
blockquote { margin: 6px 0 0; padding: 6px 12px; background: var(--soft); border-radius: 6px; white-space: pre-wrap; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 10px; }
@media print { main { padding: 0; } figure { break-inside: avoid; } }
`;
