"""The ``captions batch --report-html`` page: one self-contained HTML file.

No network and no external file: styles and the small sorting script are inline, the
timelines are inline SVG, and a Content-Security-Policy forbids every fetch.  Every text
that comes from the inputs (file names, reasons quoting transcript lines, codes) goes
through :func:`html.escape`; the script reads only ``data-`` attributes, never text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

from ..review_html import escape_html, html_page, review_page_name, review_pages_dir
from ..timecode import format_clock
from .manifest import BatchSummary, ManifestEntry, Status, TimelinePoint

__all__ = ["render_report_html", "review_links"]

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


_e = escape_html


def _clock(ms: int) -> str:
    return format_clock(max(int(ms), 0), hours=True)


def _timeline_svg(rel: str, timeline: Sequence[TimelinePoint], preset: str | None) -> str:
    """Bars of reading speed over the show (red above the limit) and the limit as a dashed line."""
    if not timeline:
        return "<p>No cues.</p>"
    begin = min(p.start_ms for p in timeline)
    end = max(max(p.end_ms for p in timeline), begin + 1)
    top = max([p.cps for p in timeline] + [(p.limit_cps or 0) * 1.25 for p in timeline] + [1.0])

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
    limits = [(p.start_ms, p.end_ms, p.limit_cps) for p in timeline if p.limit_cps is not None]
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


_HEADS = [("File", ""), ("Kind", ""), ("Status", ""), ("Cues", "n"), ("Errors", "n"), ("Warnings", "n"),
          ("Findings", "n"), ("Corrections", "n"), ("Ends at", "n"), ("Codes / reason", "")]


def _by_count(counts: Iterable[tuple[str, int]]) -> str:
    """``code n, code n`` with the most frequent codes first."""
    return ", ".join(f"{code} {n}" for code, n in sorted(counts, key=lambda kv: -kv[1]))


def review_links(summary: BatchSummary, report_html: str | os.PathLike[str]) -> dict[str, str]:
    """The review page of each input that has one (``captions.review_html``), as a link relative
    to the report page ``report_html``."""
    pages = review_pages_dir(report_html)
    return {rel: f"{quote(pages.name)}/{quote(review_page_name(rel))}" for rel in summary.entries
            if (pages / review_page_name(rel)).is_file()}


def _row(rel: str, e: ManifestEntry, anchor: str, review: str | None = None) -> str:
    """The file's row of the table; each cell carries the value it sorts by."""
    detail = e.reason or _by_count(e.findings)
    failed = e.status is Status.FAILED
    cls = "failed" if failed else ("warn" if e.flagged else "")
    link = f' <a class="review" href="{_e(review)}">review</a>' if review else ""
    cells: list[tuple[str, object, str]] = [
        (f'<a href="#{anchor}">{_e(rel)}</a>{link}', rel, ""),
        (_e(e.kind.value), e.kind.value, ""),
        (_e(e.status.value), e.status.value, ""),
        (str(e.cues), e.cues, "n"),
        (str(e.errors), e.errors, "n f"),
        (str(e.warnings), e.warnings, "n f"),
        (str(e.flagged), e.flagged, "n f"),
        (str(e.corrections), e.corrections, "n"),
        (_e(_clock(e.media_ms)), e.media_ms, "n"),
        (_e(detail), detail, ""),
    ]
    tds = "".join(f'<td class="{c}" data-v="{_e(v)}">{text}</td>' for text, v, c in cells)
    return f'<tr class="{cls}" data-file="{_e(rel)}">{tds}</tr>'


def _section(rel: str, e: ManifestEntry, anchor: str, timeline: Sequence[TimelinePoint]) -> str:
    """The file's reading-speed timeline, or why it failed."""
    body = (_timeline_svg(rel, timeline, e.preset) if e.status is not Status.FAILED
            else f'<p class="bad">Failed: {_e(e.reason or "")}</p>')
    return f'<section id="{anchor}" data-file="{_e(rel)}"><h2>{_e(rel)}</h2>{body}</section>'


def _facts(summary: BatchSummary) -> str:
    data = summary.to_dict()
    facts: list[tuple[str, object]] = [
        ("files", data["files"]), ("ok", data["ok"]), ("skipped (unchanged)", data["skipped"]),
        ("failed", data["failed"]), ("errors", data["errors"]), ("warnings", data["warnings"]),
        ("elapsed", f"{data['elapsed_ms'] / 1000:.1f} s"),
    ]
    return "".join(f'<span{" class=bad" if k in ("failed", "errors") and v else ""}>{_e(k)}: <b>{_e(v)}</b></span>'
                   for k, v in facts)


def render_report_html(summary: BatchSummary, timelines: Mapping[str, Sequence[TimelinePoint]] | None = None, *,
                       title: str = "captions batch", reviews: Mapping[str, str] | None = None) -> str:
    """The report page for a run: a row per input, files that need a person first; ``reviews``
    links an input to its review page (:func:`review_links`).

    ``timelines``: the reading-speed timeline of each input (the summary's entries hold none:
    :meth:`Manifest.timeline` reads them back); an entry's own is used where none is given.

    >>> from pathlib import Path
    >>> from captions.batch.manifest import Kind
    >>> failed = ManifestEntry(Status.FAILED, Kind.TRANSCRIPT, reason="<script>")
    >>> page = render_report_html(BatchSummary(Path("in"), Path("out"), {"<b>.txt": failed}))
    >>> page.count("<script"), "&lt;script&gt;" in page, "&lt;b&gt;.txt" in page
    (1, True, True)
    """
    entries = summary.entries
    order = sorted(entries, key=lambda rel: (-(entries[rel].flagged + (1000 if entries[rel].status is Status.FAILED
                                                                        else 0)), rel))
    rows = [_row(rel, entries[rel], f"f{i}", (reviews or {}).get(rel)) for i, rel in enumerate(order)]
    given = timelines or {}
    sections = [_section(rel, entries[rel], f"f{i}", given.get(rel, entries[rel].timeline))
                for i, rel in enumerate(order)]
    thead = "".join(f'<th data-type="{t}"><button type="button">{_e(name)}</button></th>' for name, t in _HEADS)
    totals = _by_count(summary.findings_total().items())
    return html_page(title, "en", _STYLE, _SCRIPT, f"""<p>Input: <code>{_e(summary.input_dir)}</code> &rarr; output: <code>{_e(summary.output_dir)}</code></p>
<p class="summary">{_facts(summary)}</p>
<p>Findings: {_e(totals) or "none"}</p>
<pre id="errors"></pre>
<table id="files"><thead><tr>{thead}</tr></thead><tbody>
{"".join(rows)}
</tbody></table>
<h2>Reading speed per file</h2>
<p>Each bar is the fastest cue of its slice of the show (characters per second, Netflix counting);
red bars are above the preset's limit (dashed line).</p>
{"".join(sections)}""")
