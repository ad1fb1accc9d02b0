"""The ``captions batch --report-html`` page: one self-contained HTML file.

No network and no external file: styles and the small sorting script are inline, the
timelines are inline SVG, and a Content-Security-Policy forbids every fetch.  Every text
that comes from the inputs (file names, reasons quoting transcript lines, codes) goes
through :func:`html.escape`; the script reads only ``data-`` attributes, never text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from ..timecode import format_clock

__all__ = ["render_report_html"]

_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'")

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin:1.6em 0 .3em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#f3f3f3}th button{all:unset;cursor:pointer;font-weight:bold}th button:after{content:" \\2195";color:#999}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td{background:#fde8e8}tr.warn td.f{background:#fff4d6}
.summary span{display:inline-block;margin-right:1.5em}.bad{color:#b00020;font-weight:bold}
svg{background:#fafafa;border:1px solid #ddd;max-width:100%;height:auto}
.fast{fill:#d33}.ok{fill:#4a8}.limit{stroke:#333;stroke-dasharray:4 3;fill:none}
#errors{color:#b00020}
"""

# Sorting by clicking a column header; errors are written into the page (tests read them).
_SCRIPT = """
(function(){
  var box=document.getElementById('errors');
  window.addEventListener('error',function(e){box.textContent+=String(e.message)+'\\n';
    document.documentElement.setAttribute('data-errors','1');});
  var table=document.getElementById('files'),body=table.tBodies[0];
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,col){
    var b=th.querySelector('button');if(!b)return;
    b.addEventListener('click',function(){
      var num=th.getAttribute('data-type')==='n',dir=th.getAttribute('data-dir')==='desc'?1:-1;
      th.setAttribute('data-dir',dir===1?'asc':'desc');
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){var x=a.cells[col].getAttribute('data-v'),y=b.cells[col].getAttribute('data-v');
        if(num){x=parseFloat(x);y=parseFloat(y);}return x<y?-dir:x>y?dir:0;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  document.documentElement.setAttribute('data-ready',String(body.rows.length));
})();
"""

_W, _H, _PAD = 900, 140, 28


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _clock(ms: int) -> str:
    return format_clock(max(int(ms), 0), hours=True)


def _timeline_svg(rel: str, timeline: Sequence[Sequence], preset: str | None) -> str:
    """Bars of reading speed over the show (red above the limit) and the limit as a dashed line."""
    if not timeline:
        return "<p>No cues.</p>"
    begin = min(p[0] for p in timeline)
    end = max(max(p[1] for p in timeline), begin + 1)
    top = max([p[2] for p in timeline] + [(p[3] or 0) * 1.25 for p in timeline] + [1.0])

    def x(ms: float) -> float:
        return round(_PAD + (_W - 2 * _PAD) * (ms - begin) / (end - begin), 1)

    def y(cps: float) -> float:
        return round(_H - _PAD + (-(_H - 2 * _PAD)) * min(cps, top) / top, 1)

    parts = []
    for start, stop, cps, limit in timeline:
        over = limit is not None and cps > limit
        parts.append(f'<rect class="{"fast" if over else "ok"}" x="{x(start)}" y="{y(cps)}" '
                     f'width="{max(x(stop) - x(start), 1.5)}" height="{round(_H - _PAD - y(cps), 1)}">'
                     f"<title>{_e(_clock(start))} {cps:.1f} cps"
                     f"{'' if limit is None else f' (limit {limit:.1f})'}</title></rect>")
    limits = [(p[0], p[1], p[3]) for p in timeline if p[3] is not None]
    if limits:
        points = " ".join(f"{x(a)},{y(v)} {x(b)},{y(v)}" for a, b, v in limits)
        parts.append(f'<polyline class="limit" points="{points}"/>'
                     f'<text x="{_W - _PAD + 2}" y="{y(limits[-1][2]) + 4}" font-size="11">limit</text>')
    axis = (f'<line x1="{_PAD}" y1="{_H - _PAD}" x2="{_W - _PAD}" y2="{_H - _PAD}" stroke="#999"/>'
            f'<text x="{_PAD}" y="{_H - 8}" font-size="11">{_e(_clock(begin))}</text>'
            f'<text x="{_W - _PAD}" y="{_H - 8}" font-size="11" text-anchor="end">{_e(_clock(end))}</text>'
            f'<text x="4" y="{_PAD - 10}" font-size="11">{top:.0f} cps</text>')
    label = f"Reading speed of {rel} against the {preset or 'preset'} limit"
    return (f'<svg role="img" aria-label="{_e(label)}" viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" '
            f'xmlns="http://www.w3.org/2000/svg">{axis}{"".join(parts)}</svg>')


def render_report_html(summary: Mapping, entries: Mapping[str, Mapping], *, title: str = "captions batch") -> str:
    """The report page for a run.

    Args:
        summary: the run summary (``BatchSummary.to_dict()``).
        entries: input relative path -> manifest entry, for every input of the run.

    >>> page = render_report_html({"files": 1}, {"<b>.txt": {"status": "failed", "reason": "<script>"}})
    >>> page.count("<script"), "&lt;script&gt;" in page, "&lt;b&gt;.txt" in page
    (1, True, True)
    """
    order = sorted(entries, key=lambda rel: (-(entries[rel].get("errors", 0) + entries[rel].get("warnings", 0)
                                                 + (1000 if entries[rel].get("status") == "failed" else 0)), rel))
    rows, sections = [], []
    for i, rel in enumerate(order):
        e = entries[rel]
        status = e.get("status", "")
        total = e.get("errors", 0) + e.get("warnings", 0)
        codes = ", ".join(f"{code} {n}" for code, n in sorted(e.get("findings", {}).items(), key=lambda kv: -kv[1]))
        detail = e.get("reason") or codes
        cls = "failed" if status == "failed" else ("warn" if total else "")
        anchor = f"f{i}"
        cells = [
            (f'<a href="#{anchor}">{_e(rel)}</a>', rel, ""),
            (_e(e.get("kind", "")), e.get("kind", ""), ""),
            (_e(status), status, ""),
            (str(e.get("cues", 0)), e.get("cues", 0), "n"),
            (str(e.get("errors", 0)), e.get("errors", 0), "n f"),
            (str(e.get("warnings", 0)), e.get("warnings", 0), "n f"),
            (str(total), total, "n f"),
            (str(e.get("corrections", 0)), e.get("corrections", 0), "n"),
            (_e(_clock(e.get("media_ms", 0))), e.get("media_ms", 0), "n"),
            (_e(detail), detail, ""),
        ]
        tds = "".join(f'<td class="{c}" data-v="{_e(v)}">{text}</td>' for text, v, c in cells)
        rows.append(f'<tr class="{cls}" data-file="{_e(rel)}">{tds}</tr>')
        body = (_timeline_svg(rel, e.get("timeline", ()), e.get("preset")) if status != "failed"
                else f'<p class="bad">Failed: {_e(e.get("reason", ""))}</p>')
        sections.append(f'<section id="{anchor}" data-file="{_e(rel)}"><h2>{_e(rel)}</h2>{body}</section>')
    heads = [("File", ""), ("Kind", ""), ("Status", ""), ("Cues", "n"), ("Errors", "n"), ("Warnings", "n"),
             ("Findings", "n"), ("Corrections", "n"), ("Ends at", "n"), ("Codes / reason", "")]
    thead = "".join(f'<th data-type="{t}"><button type="button">{_e(name)}</button></th>' for name, t in heads)
    facts = [("files", summary.get("files", len(entries))), ("ok", summary.get("ok", 0)),
             ("skipped (unchanged)", summary.get("skipped", 0)), ("failed", summary.get("failed", 0)),
             ("errors", summary.get("errors", 0)), ("warnings", summary.get("warnings", 0)),
             ("elapsed", f"{summary.get('elapsed_ms', 0) / 1000:.1f} s")]
    facts_html = "".join(
        f'<span{" class=bad" if k in ("failed", "errors") and v else ""}>{_e(k)}: <b>{_e(v)}</b></span>'
        for k, v in facts)
    totals = ", ".join(f"{code} {n}" for code, n in sorted(summary.get("findings", {}).items(), key=lambda kv: -kv[1]))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title><style>{_STYLE}</style></head>
<body>
<h1>{_e(title)}</h1>
<p>Input: <code>{_e(summary.get("input_dir", ""))}</code> &rarr; output: <code>{_e(summary.get("output_dir", ""))}</code></p>
<p class="summary">{facts_html}</p>
<p>Findings: {_e(totals) or "none"}</p>
<pre id="errors"></pre>
<table id="files"><thead><tr>{thead}</tr></thead><tbody>
{"".join(rows)}
</tbody></table>
<h2>Reading speed per file</h2>
<p>Each bar is the fastest cue of its slice of the show (characters per second, Netflix counting);
red bars are above the preset's limit (dashed line).</p>
{"".join(sections)}
<script>{_SCRIPT}</script>
</body></html>
"""
