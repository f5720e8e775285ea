/** The report's stylesheet, inlined into the page. */
export const chatColor = '#5b5bd6';
export const responsesColor = '#0f9f8f';

export const reportStyles = `
:root { --ink:#1d2330; --muted:#5d6676; --faint:#8a93a3; --line:#e4e7ee; --panel:#f7f8fb; --page:#ffffff;
  --good:#17803d; --good-bg:#ecfbf1; --warn:#a35a00; --warn-bg:#fff6e5; --bad:#b42323; --bad-bg:#fdeeee;
  --chat:${chatColor}; --responses:${responsesColor}; }
* { box-sizing:border-box; }
html { -webkit-text-size-adjust:100%; }
body { margin:0; background:var(--page); color:var(--ink); font:15px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto,
  "Noto Sans", "Helvetica Neue", Arial, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
main { max-width:1120px; margin:0 auto; padding:32px 28px 64px; }
h1 { font-size:15px; font-weight:600; letter-spacing:.04em; text-transform:uppercase; color:var(--muted); margin:0 0 4px; }
h2 { font-size:20px; margin:40px 0 6px; letter-spacing:-.01em; }
h2 + p.lead { margin-top:0; }
h3 { font-size:15px; margin:0 0 8px; }
h4 { font-size:12px; margin:14px 0 6px; color:var(--muted); text-transform:uppercase; letter-spacing:.05em; }
p.meta { color:var(--faint); margin:0 0 20px; font-size:13px; }
p.meta span { display:block; }
p.lead { color:var(--muted); max-width:760px; }
code, pre, .case-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Noto Sans Mono", monospace; }
.verdict { border-radius:14px; padding:26px 30px; margin:8px 0 18px; border:1px solid transparent; }
.verdict .headline { font-size:34px; font-weight:700; letter-spacing:-.02em; margin:0; line-height:1.2; }
.verdict .detail { margin:8px 0 0; font-size:16px; max-width:820px; }
.verdict.safe { background:var(--good-bg); border-color:#bfe8cd; } .verdict.safe .headline { color:var(--good); }
.verdict.review { background:var(--warn-bg); border-color:#f3d9a6; } .verdict.review .headline { color:var(--warn); }
.verdict.not_ready { background:var(--bad-bg); border-color:#f2c1c1; } .verdict.not_ready .headline { color:var(--bad); }
.tiles { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:12px; margin:0 0 8px; }
.tile { background:var(--panel); border-radius:10px; padding:12px 16px; }
.tile b { display:block; font-size:24px; line-height:1.2; font-variant-numeric:tabular-nums; }
.tile span { color:var(--muted); font-size:13px; }
.tile.bad b { color:var(--bad); } .tile.warn b { color:var(--warn); } .tile.good b { color:var(--good); }
.thresholds { list-style:none; padding:0; margin:8px 0 0; }
.thresholds li { display:inline-block; margin:4px 8px 0 0; padding:3px 10px; border-radius:99px; font-size:13px; background:var(--panel); }
.thresholds li.exceeded { background:var(--bad-bg); color:var(--bad); font-weight:600; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit, minmax(420px, 1fr)); gap:18px 24px; }
.card { border:1px solid var(--line); border-radius:12px; padding:18px 20px; }
figure.chart { margin:0; }
figure.chart figcaption { font-weight:600; margin-bottom:6px; }
svg { width:100%; height:auto; display:block; overflow:visible; }
svg text { font-size:12px; fill:var(--muted); }
svg text.label { fill:var(--ink); font-size:13px; }
svg text.value { fill:var(--ink); font-size:13px; font-variant-numeric:tabular-nums; }
svg text.unit { fill:var(--faint); font-size:11px; }
svg .grid { stroke:var(--line); stroke-width:1; fill:none; }
svg .baseline { stroke:#c9ced8; stroke-width:1; }
svg .whisker { stroke-width:2; fill:none; }
svg .box { fill-opacity:.16; stroke-width:1.5; }
svg .median { stroke-width:3.5; }
svg .dot { fill-opacity:.55; }
svg .bar { fill-opacity:.88; }
svg .marker { stroke:#c27803; stroke-width:1.5; stroke-dasharray:4 3; fill:none; }
svg text.marker-label { fill:#a35a00; font-size:11px; }
svg .rate .track { fill:#eef0f4; }
svg .rate.good .fill { fill:var(--good); } svg .rate.warn .fill { fill:#e0930f; } svg .rate.bad .fill { fill:var(--bad); }
svg .rate.none .value { fill:var(--faint); }
.legend { margin:0 0 4px; font-size:13px; color:var(--muted); }
.legend span { margin-right:16px; white-space:nowrap; }
.legend.figures { margin-top:8px; } .legend.figures span { display:block; }
.legend i { display:inline-block; width:10px; height:10px; border-radius:3px; margin-right:6px; vertical-align:-1px; }
.chart-empty { color:var(--faint); }
.chip { display:inline-block; font-size:12px; line-height:18px; padding:0 8px; border-radius:99px; margin:0 4px 0 0;
  background:var(--warn-bg); color:var(--warn); white-space:nowrap; }
.chip.errors, .chip.tool_calls, .chip.structured_output { background:var(--bad-bg); color:var(--bad); }
.chip.same { background:var(--good-bg); color:var(--good); }
details.case { border:1px solid var(--line); border-radius:12px; margin:10px 0; background:#fff; }
details.case > summary { cursor:pointer; padding:12px 18px; display:flex; flex-wrap:wrap; gap:6px 12px; align-items:center; list-style:none; }
details.case > summary::-webkit-details-marker { display:none; }
details.case > summary::before { content:"▸"; color:var(--faint); width:10px; }
details.case[open] > summary::before { content:"▾"; }
details.case[open] > summary { border-bottom:1px solid var(--line); }
.case-id { font-weight:600; }
.model { color:var(--muted); font-size:13px; }
.similarity { margin-left:auto; color:var(--muted); font-size:13px; font-variant-numeric:tabular-nums; }
.case-body { padding:6px 18px 16px; }
table { border-collapse:collapse; width:100%; font-size:14px; }
th, td { text-align:left; vertical-align:top; padding:6px 10px; border-bottom:1px solid var(--line); }
thead th { color:var(--muted); font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
table.facts tbody th { width:230px; color:var(--muted); font-weight:500; }
table.facts td { width:calc((100% - 230px) / 2); overflow-wrap:anywhere; }
table.facts tr.differs td { background:var(--warn-bg); }
table.facts tr.differs th { color:var(--warn); font-weight:600; }
.pair { display:grid; grid-template-columns:1fr 1fr; gap:16px; }
.answer .text { background:var(--panel); border-radius:8px; padding:10px 12px; white-space:pre-wrap; overflow-wrap:anywhere; min-height:44px; }
.answer .text.failed { background:var(--bad-bg); color:var(--bad); }
details.raw { margin-top:14px; } details.raw > summary { cursor:pointer; color:var(--muted); font-size:14px; }
pre { background:#0f1523; color:#dfe5f1; border-radius:8px; padding:12px 14px; font-size:12.5px; line-height:1.5; overflow:auto; max-height:420px; margin:0; white-space:pre-wrap; overflow-wrap:anywhere; }
table.all td.num, table.all th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
table.all td { font-size:13px; }
.muted { color:var(--muted); }
.tools { margin:8px 0 0; } .tools button { font:inherit; font-size:13px; border:1px solid var(--line); background:#fff;
  border-radius:8px; padding:4px 12px; margin-right:8px; cursor:pointer; color:var(--ink); }
footer { margin-top:48px; color:var(--faint); font-size:13px; }
@media (max-width:720px) { .pair { grid-template-columns:1fr; } .grid2 { grid-template-columns:1fr; } table.facts tbody th { width:auto; } }
@media print { details.case { break-inside:avoid; } pre { max-height:none; } .tools { display:none; } }
`;
