"""The report's stylesheet, inlined in every page: screen layout, then print rules."""

from __future__ import annotations

from .palette import STATUS_COLOURS, TONE_COLOURS

__all__ = ["STYLESHEET"]

_BASE = """
:root {
  --text: #1f2933; --muted: #6b7280; --line: #e3e6ea; --page: #f5f6f8; --card: #ffffff;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; padding: 24px 20px 40px; max-width: 1160px;
  font: 14px/1.5 var(--sans); color: var(--text); background: var(--page);
  overflow-wrap: break-word; /* a long name breaks rather than widen the page */
}
h1, h2, h3, h4 { line-height: 1.25; margin: 0; }
h1 { font-size: 22px; font-weight: 650; margin: 4px 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 19px; font-weight: 650; }
h3 { font-size: 15px; font-weight: 650; margin-bottom: 10px; }
h4 { font-size: 13px; font-weight: 600; margin: 16px 0 6px; color: #374151; }
p { margin: 0 0 8px; }
ul { margin: 0; padding-left: 18px; }
.path, .hash { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.hash { color: var(--muted); }

.report-header {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 22px; margin-bottom: 18px;
}
.brand { font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
.header-grid {
  display: grid; grid-template-columns: minmax(0, 1fr) minmax(240px, 340px); gap: 18px;
}
dl.facts {
  display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 16px; margin: 0;
  align-content: start;
}
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.verdict { border-radius: 8px; padding: 12px 16px; border: 1px solid; }
.verdict-label { font-size: 20px; font-weight: 750; letter-spacing: .04em; }
.verdict ul { margin-top: 6px; font-size: 13px; }

nav.contents { margin: 0 0 18px; font-size: 13px; }
nav.contents ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
nav.contents a {
  display: inline-block; padding: 3px 10px; border: 1px solid var(--line); border-radius: 999px;
  background: var(--card); color: var(--text); text-decoration: none;
}
nav.contents a:hover { border-color: #9aa3ad; }

section.tool, section.panel {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px 20px; margin-bottom: 18px;
}
.tool-head {
  display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 12px; margin-bottom: 4px;
}
.badge {
  display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 11.5px;
  font-weight: 700; letter-spacing: .04em; border: 1px solid;
}
.meta-line { color: var(--muted); font-size: 12.5px; margin-bottom: 12px; }
.reasons { font-size: 13px; color: #374151; margin-bottom: 10px; }
section.block { margin-top: 20px; }
.description { color: var(--muted); font-size: 12.5px; }

.kpis {
  display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 150px), 1fr));
  gap: 10px; margin: 10px 0 16px;
}
.kpi {
  border: 1px solid var(--line); border-left: 4px solid; border-radius: 8px; padding: 10px 12px;
  background: var(--card);
}
.kpi-title {
  font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em;
}
.kpi-value { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.kpi-hint { font-size: 12px; color: var(--muted); }

.chart-row {
  display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr));
  gap: 14px; margin: 6px 0 4px;
}
figure.chart {
  margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0;
}
figure.chart figcaption { font-weight: 650; margin-bottom: 8px; overflow-wrap: anywhere; }
.donut-body { display: flex; flex-wrap: wrap; align-items: center; gap: 14px; }
.donut-body > svg { flex: 0 0 auto; width: 180px; height: 180px; }
.bars svg { display: block; max-width: 720px; }
.bars svg.narrow { display: none; }
.donut-total { font-size: 26px; font-weight: 700; fill: var(--text); }
.donut-total.long { font-size: 21px; }
.donut-total.longer { font-size: 17px; }
.donut-caption { font-size: 12px; fill: var(--muted); }
.bar-label { font-size: 12px; fill: #374151; }
.bar-value { font-size: 12px; fill: var(--text); font-variant-numeric: tabular-nums; }
.axis { stroke: #c5cad1; stroke-width: 1; }
table.legend { border-collapse: collapse; font-size: 13px; flex: 1 1 160px; }
table.legend td { padding: 2px 6px; vertical-align: middle; }
table.legend .legend-label { overflow-wrap: anywhere; }
.swatch { display: block; }

.table-wrap { overflow-x: auto; margin: 6px 0; }
table.data { width: 100%; border-collapse: collapse; font-size: 13px; }
table.data th {
  text-align: left; font-weight: 600; background: #f3f4f6; color: #374151;
  border-bottom: 1px solid #d9dde2; padding: 6px 10px;
}
table.data td { border-bottom: 1px solid var(--line); padding: 5px 10px; vertical-align: top; }
table.data tbody tr:nth-child(even) td { background: #fafbfc; }
table.images tbody tr td { background: var(--card); }
table.images tbody { border-top: 2px solid #d9dde2; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.sub { font-size: 11.5px; color: var(--muted); }
.files {
  list-style: none; padding: 0; margin-top: 4px; font: 11.5px/1.4 var(--mono);
  color: var(--muted); overflow-wrap: anywhere;
}
.ready { font-size: 11.5px; color: #2e7d32; font-weight: 600; }
.mark { font-family: var(--sans); font-weight: 700; }
.mark.missing { color: #c62828; }
.mark.extra { color: #b45309; }
.none { color: #9aa3ad; }
.more, .empty { color: var(--muted); font-style: italic; font-size: 13px; margin: 6px 0; }

.notice {
  border: 1px solid; border-left-width: 4px; border-radius: 6px; padding: 8px 12px;
  margin: 8px 0;
}
.notice-title { font-weight: 600; margin: 0; }
.notice ul { margin-top: 4px; font-size: 13px; }

.status {
  display: inline-block; padding: 0 7px; border-radius: 4px; font-size: 11.5px; font-weight: 600;
  white-space: nowrap; border: 1px solid;
}
details { border: 1px solid var(--line); border-radius: 8px; margin: 10px 0; }
details > summary {
  cursor: pointer; padding: 8px 12px; font-weight: 600; background: #fafbfc; border-radius: 8px;
}
details[open] > summary { border-bottom: 1px solid var(--line); border-radius: 8px 8px 0 0; }
.details-body { padding: 4px 12px 8px; }
.count { color: var(--muted); font-weight: 500; }
code {
  font-family: var(--mono); font-size: 12.5px; background: #f3f4f6; border-radius: 4px;
  padding: 0 4px; overflow-wrap: break-word;
}
.convention { font-size: 13px; color: #374151; }

.action details { border-left: 4px solid; margin: 8px 0; }
.action details > summary { font-weight: 500; }
/* A long summary can push the floated tool name to a line of its own: keep it inside. */
.action details > summary::after { content: ""; display: block; clear: both; }
.action-count { font-weight: 700; font-variant-numeric: tabular-nums; }
.action-tool {
  float: right; margin-left: 12px; font-size: 11.5px; color: var(--muted); font-weight: 600;
  text-transform: uppercase; letter-spacing: .04em;
}
.advice { font-size: 13px; margin: 8px 0; color: #374151; }
.status + .action-count { margin-left: 6px; }
.folders { margin: 6px 0; }
.folder-head { margin-top: 8px; }
.folders .count { font-size: 12.5px; margin-left: 2px; }
ul.names {
  list-style: none; padding: 0; margin: 2px 0 0 12px; columns: 16em; column-gap: 20px;
  font: 12.5px/1.5 var(--mono);
}
ul.names li { overflow-wrap: anywhere; break-inside: avoid; }
ul.names li.more { font-family: var(--sans); }
ul.also-in { list-style: none; padding: 0; margin: 2px 0 0 12px; }
ul.also-in li { display: inline-block; margin-right: 16px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
"""

# A phone: one column, less padding, each table scrolling in its own box (.table-wrap).
_NARROW = """
@media screen and (max-width: 640px) {
  body { padding: 12px 8px 24px; }
  h1 { font-size: 19px; }
  .report-header, section.tool, section.panel { padding: 14px 12px; border-radius: 8px; }
  .header-grid { grid-template-columns: minmax(0, 1fr); }
  .kpis { grid-template-columns: repeat(auto-fit, minmax(min(100%, 130px), 1fr)); gap: 8px; }
  .kpi-value { font-size: 21px; }
  .chart-row { grid-template-columns: minmax(0, 1fr); }
  figure.chart { padding: 10px; }
  .donut-body > svg { width: 150px; height: 150px; }
  .bars svg.wide { display: none; }
  .bars svg.narrow { display: block; }
  table.data th, table.data td { padding: 5px 8px; }
  /* Long names wrap in a column of readable width; a table wider than that scrolls. */
  table.data td { min-width: 7em; overflow-wrap: anywhere; }
  table.data td.num { min-width: 0; }
  .action-tool { float: none; display: block; margin: 0 0 2px; }
  ul.names, ul.also-in { margin-left: 4px; }
}
"""

_PRINT = """
@media print {
  @page { margin: 14mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #ffffff; max-width: none; padding: 0; font-size: 10pt; }
  nav.contents { display: none; }
  .report-header, section.tool, section.panel { border: none; padding: 0; margin-bottom: 10mm; }
  section.tool ~ section.tool { break-before: page; }
  h2, h3, h4, figcaption, summary, .tool-head { break-after: avoid; }
  .kpis, .kpi, figure.chart, .notice, .verdict, table.legend, table.images tbody, table.data tr {
    break-inside: avoid;
  }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  .chart-row { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  details { border: none; }
  /* Closed lists print expanded where the browser lets a stylesheet open them. */
  details::details-content { content-visibility: visible; display: block; }
  details > summary { list-style: none; background: none; padding: 4px 0; }
  details > summary::-webkit-details-marker { display: none; }
  .details-body { padding: 0; }
  a { color: inherit; text-decoration: none; }
}
"""


def _tone_rules() -> str:
    rules = []
    for tone, (accent, tint) in TONE_COLOURS.items():
        rules.append(f".kpi.tone-{tone} {{ border-left-color: {accent}; }}")
        rules.append(f".kpi.tone-{tone} .kpi-value {{ color: {accent}; }}")
        rules.append(
            f".notice.{tone}, .verdict.{tone}, .badge.{tone} "
            f"{{ border-color: {accent}; background: {tint}; }}"
        )
        rules.append(f".verdict.{tone} .verdict-label, .badge.{tone} {{ color: {accent}; }}")
        rules.append(f".action.tone-{tone} details {{ border-left-color: {accent}; }}")
    for status, colour in STATUS_COLOURS.items():
        rules.append(
            f".status-{status.value.lower()} {{ border-color: {colour}; background: {colour}26; }}"
        )
    return "\n".join(rules)


STYLESHEET = _BASE + _tone_rules() + "\n" + _NARROW + _PRINT
