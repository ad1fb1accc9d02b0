"""The review page (``convert --review-html``, and one per file of ``batch --report-html``):
every cue an editor reads before publishing, one self-contained HTML file.

Each cue is a row: its number, times, duration, reading speed against the preset's limit,
its speakers and turns, its lines with what needs a look marked where it is (the words of a
correction or of the typography pass, a cut inside a fixed expression, a line ending on a weak
word, a turn without its dash, a blank inside a sentence), and the findings themselves.  Buttons
above the table keep only the cues with one kind of finding (``#filter=CODE`` in the address
opens the page filtered).

The page is built the way the batch report is (:mod:`captions.batch.report_html`): no network
and no external file (styles and the small script inline, a Content-Security-Policy forbidding
every fetch); every text from the input goes through :func:`html.escape`; the script reads
only ``data-`` attributes, never text.
"""

from __future__ import annotations

import html
import os
from bisect import bisect_left
from pathlib import Path
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .convert import ConvertResult, LimitMiss, Record, Recorded
from .findings import FindingCode
from .model import Cue
from .quality import Flag, QualityReport
from .timecode import format_clock

__all__ = ["render_review_html", "review_page_name", "review_pages_dir", "CORRECTION", "escape_html", "html_page"]

#: The filter of the cues a correction (or a typography rule) changed.
CORRECTION = "correction"

_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'")

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.2em;color:#222}
h1{font-size:1.35em;margin:.2em 0}h2{font-size:1.05em;margin:1.2em 0 .3em}
.facts span{display:inline-block;margin-right:1.4em}.bad{color:#b00020;font-weight:bold}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.25em .45em;text-align:left;
vertical-align:top}th{background:#f3f3f3;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.text{font-family:ui-monospace,monospace;white-space:pre}td.over{background:#fde8e8;font-weight:bold}
tr.has td:first-child{border-left:4px solid #e0a000}
mark{background:#fff1a8;border-radius:2px}mark.fix{background:#c8f0c8}mark.cut{background:#ffd0d0}
mark.weak{background:#ffe0b0}mark.turn{background:#d8d0ff}mark.blank{background:#cde}
mark.cut:after{content:"\\2502";color:#b00020;font-weight:bold}
ul.f{margin:0;padding-left:1.1em}ul.f li{margin:0}.code{font-weight:bold}
#filters button{margin:0 .3em .3em 0;padding:.2em .6em;border:1px solid #999;border-radius:3px;background:#fff;
cursor:pointer}#filters button[aria-pressed=true]{background:#224;color:#fff}
table.bars{width:auto}.bars td{border:none;padding:.05em .4em}.bar{display:inline-block;height:.8em;background:#4a8}
.bar.over{background:#d33}dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}dt{font-weight:bold}
dd{margin:0}#errors{color:#b00020}
"""

# Filtering by a finding code: a button per code, the address's #filter=CODE on load; errors are
# written into the page (the tests read them).
_SCRIPT = """
(function(){
  var box=document.getElementById('errors');
  window.addEventListener('error',function(e){box.textContent+=String(e.message)+'\\n';
    document.documentElement.setAttribute('data-errors','1');});
  var rows=Array.prototype.slice.call(document.getElementById('cues').tBodies[0].rows);
  var buttons=Array.prototype.slice.call(document.querySelectorAll('#filters button'));
  var shown=document.getElementById('shown');
  function apply(code){
    var n=0;
    rows.forEach(function(r){
      var codes=' '+(r.getAttribute('data-codes')||'')+' ';
      var keep=code==='all'||(code==='any'?codes.trim()!=='':codes.indexOf(' '+code+' ')>=0);
      r.hidden=!keep;if(keep)n++;
    });
    buttons.forEach(function(b){b.setAttribute('aria-pressed',String(b.getAttribute('data-code')===code));});
    shown.textContent=String(n);
    document.documentElement.setAttribute('data-filter',code);
    document.documentElement.setAttribute('data-shown',String(n));
  }
  buttons.forEach(function(b){b.addEventListener('click',function(){apply(b.getAttribute('data-code'));});});
  var m=/^#filter=([a-z-]+)$/.exec(location.hash);
  var start=m&&buttons.some(function(b){return b.getAttribute('data-code')===m[1];})?m[1]:'all';
  apply(start);
  document.documentElement.setAttribute('data-ready',String(rows.length));
})();
"""

# the mark each finding code gets in the cue's text
_MARK = {
    FindingCode.EXPRESSION_SPLIT: "cut",
    FindingCode.WEAK_LINE_END: "weak",
    FindingCode.UNMARKED_TURN: "turn",
    FindingCode.BLANK_IN_SENTENCE: "blank",
}


def review_page_name(rel: str) -> str:
    """The review page of input ``rel`` of a batch, relative to the folder of pages.

    >>> review_page_name("saison 1/épisode 1.txt")
    'saison 1/épisode 1.txt.html'
    """
    return f"{rel}.html"


def review_pages_dir(report_html: str | os.PathLike[str]) -> Path:
    """The folder of the review pages that go with a batch report page: beside it, named after it.

    >>> review_pages_dir("out/report.html").as_posix()
    'out/report.review'
    """
    path = Path(report_html)
    return path.with_name(f"{path.stem}.review")


def escape_html(value: object) -> str:
    """``value`` as HTML text or attribute; the bytes of a name that is not UTF-8 (lone
    surrogates) are shown as ``\\udcxx``, so the page stays UTF-8."""
    return html.escape(str(value).encode("utf-8", "backslashreplace").decode("utf-8"), quote=True)


_e = escape_html


def html_page(title: str, lang: str, style: str, script: str, body: str) -> str:
    """A self-contained page: no request leaves it (the content security policy allows only
    its own inline style and script), ``title`` as its title and first heading."""
    return f"""<!DOCTYPE html>
<html lang="{_e(lang)}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title><style>{style}</style></head>
<body>
<h1>{_e(title)}</h1>
{body}
<script>{script}</script>
</body></html>
"""


def _clock(ms: int) -> str:
    return format_clock(max(ms, 0), millis=True, hours=True)


@dataclass(slots=True)
class _Row:
    """What one cue's row shows, gathered from the report."""

    misses: list[LimitMiss] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    changes: list[Mapping[str, object]] = field(default_factory=list)
    # (line, start, end, class, title) spans of the cue's text to mark
    spans: list[tuple[int, int, int, str, str]] = field(default_factory=list)

    def codes(self) -> list[str]:
        out = [m.code.value for m in self.misses] + [f.finding.code.value for f in self.flags]
        if self.changes:
            out.append(CORRECTION)
        return sorted(set(out))


def _as_data(record: Record) -> Mapping[str, object]:
    if isinstance(record, Recorded):
        return record.to_dict()
    return record


def render_review_html(result: ConvertResult, *, title: str | None = None) -> str:
    """The review page of a conversion: every cue, with what needs a look marked.

    >>> from captions.model import Fragment, Transcript
    >>> from captions.convert import convert_transcript
    >>> t = Transcript("<b>.txt", (Fragment(0, "Bonsoir <i>à</i> tous, et bienvenue dans cette émission.", 1),
    ...                            Fragment(1000, "Oui.", 2)))
    >>> page = render_review_html(convert_transcript(t))
    >>> page.count("<script"), "&lt;i&gt;à&lt;/i&gt;" in page, 'data-codes="too-fast"' in page
    (1, True, True)
    """
    report = result.report
    cues = result.cues
    rows = [_Row() for _ in cues]
    for miss in report.misses:
        if 1 <= miss.cue <= len(rows):
            rows[miss.cue - 1].misses.append(miss)
    quality = report.quality
    for flag in quality.flags if quality else ():
        k = (flag.finding.cue or 1) - 1
        if 0 <= k < len(rows):
            rows[k].flags.append(flag)
            _mark_flag(rows[k], cues[k], flag)
    _place_changes(rows, cues, result.sources, [_as_data(c) for c in report.changes])
    body = "\n".join(_row_html(k, cue, rows[k], result, quality) for k, cue in enumerate(cues))
    name = title or f"Review of {report.source}"
    return html_page(name, report.lang or "und", _STYLE, _SCRIPT, f"""{_facts(result)}
{_summary(result)}
<pre id="errors"></pre>
<h2>Cues</h2>
<div id="filters">{_filters(rows)}</div>
<p>Showing <b id="shown">{len(cues)}</b> of {len(cues)} cues.</p>
<table id="cues"><thead><tr><th>#</th><th>Start</th><th>End</th><th>Duration</th><th>Speed</th>
<th>Speakers</th><th>Text</th><th>Findings and corrections</th></tr></thead><tbody>
{body}
</tbody></table>""")


# ---- the header ---------------------------------------------------------------------------

def _facts(result: ConvertResult) -> str:
    report = result.report
    chosen = (f"chosen for the text's language ({report.lang})" if report.preset_by_language
              else "asked for")
    span = max((c.end_ms for c in result.cues), default=0)
    facts = [("preset", f"{report.preset} ({chosen})"), ("language", report.lang), ("cues", report.cues),
             ("ends at", _clock(span)), ("limits missed", len(report.misses)), ("corrections", len(report.changes))]
    spans = "".join(f"<span>{_e(k)}: <b>{_e(v)}</b></span>" for k, v in facts)
    return (f'<p class="facts">{spans}</p>\n<p><small>Preset source: {_e(report.preset_source)}</small></p>')


def _summary(result: ConvertResult) -> str:
    """The quality measures as a list, and the reading-speed distribution as bars."""
    quality = result.report.quality
    if quality is None:
        return ""
    rows: list[tuple[str, str, bool]] = []
    if quality.turns is not None:
        rows.append(("Turns marked", f"{quality.turns_marked} of {quality.turns}",
                     quality.turns_marked != quality.turns))
        rows.append(("Cues with more than two speakers", str(quality.cues_over_two_speakers),
                     bool(quality.cues_over_two_speakers)))
    share = 100 * quality.weak_line_ends / quality.lines if quality.lines else 0.0
    rows += [
        ("Cuts inside fixed expressions", f"{quality.expression_splits} ({quality.expressions_known} expressions "
                                          "in the lists)", bool(quality.expression_splits)),
        ("Lines ending on a weak word", f"{quality.weak_line_ends} of {quality.lines} ({share:.1f} %)", share > 2),
        ("Blanks of 1 s or more inside a sentence", f"{quality.blanks_in_sentence} "
                                                    f"({quality.blanks_unmarked} without a continuation mark)",
         bool(quality.blanks_unmarked)),
    ]
    items = "".join(f"<dt>{_e(k)}</dt><dd{' class=bad' if bad else ''}>{_e(v)}</dd>" for k, v, bad in rows)
    return f'<h2>Quality</h2><dl id="quality">{items}</dl>\n{_speed_bars(quality)}'


def _speed_bars(quality: QualityReport) -> str:
    speed = quality.speed
    unit = speed.unit.value
    total = sum(b.cues for b in speed.bands) or 1
    lines = []
    low = 0.0
    for band in speed.bands:
        label = f"{low:g}–{band.up_to:g} {unit}" if band.up_to is not None else f"over {low:g} {unit}"
        over = speed.limit is not None and low >= speed.limit
        width = round(100 * band.cues / total, 1)
        lines.append(f'<tr><td>{_e(label)}</td><td class="n">{band.cues}</td>'
                     f'<td><span class="bar{" over" if over else ""}" style="width:{width * 4}px"></span></td></tr>')
        low = band.up_to if band.up_to is not None else low
    limit = f"limit {speed.limit:g} {unit}" if speed.limit is not None else "limit by duration (stepped table)"
    head = (f"Reading speed: median {speed.median:.1f}, 90 % of cues at most {speed.p90:.1f}, fastest "
            f"{speed.max:.1f} {unit}; {limit}; {speed.over_limit} cues over the limit.")
    return f'<p>{_e(head)}</p><table class="bars" id="speeds">{"".join(lines)}</table>'


def _filters(rows: Sequence[_Row]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        for code in row.codes():
            counts[code] = counts.get(code, 0) + 1
    flagged = sum(1 for r in rows if r.codes())
    buttons = [("all", "all cues", len(rows)), ("any", "with a finding or correction", flagged)]
    buttons += [(code, code, n) for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "".join(f'<button type="button" data-code="{_e(code)}" aria-pressed="false">{_e(label)} <b>{n}</b></button>'
                   for code, label, n in buttons)


# ---- one cue ------------------------------------------------------------------------------

def _row_html(k: int, cue: Cue, row: _Row, result: ConvertResult, quality: QualityReport | None) -> str:
    codes = row.codes()
    duration = cue.end_ms - cue.start_ms
    speed_cell = _speed_cell(cue, row, result)
    speakers = _speakers(k, cue, quality)
    text = "\n".join(_line_html(i, line, row.spans) for i, line in enumerate(cue.lines))
    findings = _findings_html(row)
    over = any(m.code is FindingCode.TOO_FAST for m in row.misses)
    return (f'<tr id="c{k + 1}" data-codes="{_e(" ".join(codes))}"{" class=has" if codes else ""}>'
            f'<td class="n">{k + 1}</td><td class="n">{_e(_clock(cue.start_ms))}</td>'
            f'<td class="n">{_e(_clock(cue.end_ms))}</td><td class="n">{duration / 1000:.2f} s</td>'
            f'<td class="n{" over" if over else ""}">{speed_cell}</td><td>{speakers}</td>'
            f'<td class="text">{text}</td><td>{findings}</td></tr>')


def _speed_cell(cue: Cue, row: _Row, result: ConvertResult) -> str:
    """The cue's reading speed in the preset's unit, and the limit for its duration."""
    preset = result.report.settings
    duration = cue.end_ms - cue.start_ms
    if preset is None or duration <= 0:
        return "-"
    speed = preset.reading_speed(cue.text, duration)
    limit = preset.speed_limit(duration)
    unit = preset.speed_unit.value
    under = f"<br><small>limit {limit:.1f}</small>" if limit is not None else ""
    return f"{speed:.1f} {_e(unit)}{under}"


def _speakers(k: int, cue: Cue, quality: QualityReport | None) -> str:
    parts = []
    if quality is not None and quality.speakers and k < len(quality.speakers):
        names = quality.speakers[k]
        named = [n for n in names if n]
        if len(names) > 1 or named:   # one unnamed speaker: nothing to say
            parts.append(f"{len(names)} speaker{'s' if len(names) > 1 else ''}"
                         + (f": {', '.join(named)}" if named else ""))
        if k in quality.turn_starts:
            parts.append("starts a turn")
    dashes = sum(1 for line in cue.lines if line.lstrip()[:1] in "-–—")
    if dashes:
        parts.append(f"{dashes} dialogue line{'s' if dashes > 1 else ''}")
    return "<br>".join(_e(p) for p in parts)


def _findings_html(row: _Row) -> str:
    items = []
    for miss in row.misses:
        detail = f"{miss.value} (limit {miss.limit})" + (f"; {miss.reason}" if miss.reason else "")
        items.append(f'<li><span class="code">{_e(miss.code.value)}</span>: {_e(detail)}</li>')
    for flag in row.flags:
        items.append(f'<li><span class="code">{_e(flag.finding.code.value)}</span>: {_e(flag.finding.message)}</li>')
    for change in row.changes:
        rule = change.get("rule", "")
        items.append(f'<li><span class="code">{CORRECTION}</span>: {_e(change.get("before", ""))} &rarr; '
                     f'{_e(change.get("after", ""))} <small>({_e(rule)})</small></li>')
    return f'<ul class="f">{"".join(items)}</ul>' if items else ""


# ---- marks in the text ------------------------------------------------------------------------

def _word_span(line: str, word: int) -> tuple[int, int] | None:
    """The character span of word ``word`` of ``line`` (split at spaces; -1: the last)."""
    words = line.split(" ")
    if not words or not -len(words) <= word < len(words):
        return None
    index = word % len(words)
    start = sum(len(w) + 1 for w in words[:index])
    return start, start + len(words[index])


def _mark_flag(row: _Row, cue: Cue, flag: Flag) -> None:
    mark = _MARK.get(flag.finding.code)
    if mark is None or not 0 <= flag.line < len(cue.lines):
        return
    span = _word_span(cue.lines[flag.line], flag.word)
    if span is not None and span[1] > span[0]:
        row.spans.append((flag.line, *span, mark, flag.finding.message))


def _place_changes(rows: Sequence[_Row], cues: Sequence[Cue], sources: Sequence[tuple[int, int]],
                   changes: Sequence[Mapping[str, object]]) -> None:
    """Each change under the cue that holds its fragment (``segment``) and its new text, marked
    where the text is; a change that cannot be placed stays off the rows (the report lists it)."""
    lasts = [last for _, last in sources]
    used: dict[tuple[int, int], int] = {}   # (cue, line) -> where the next search starts
    for change in changes:
        segment, after = change.get("segment"), str(change.get("after", ""))
        if not isinstance(segment, int) or not lasts:
            continue
        k = bisect_left(lasts, segment)
        candidates = [j for j in range(k, len(sources)) if sources[j][0] <= segment <= sources[j][1]]
        if not candidates:
            continue
        placed = False
        for j in candidates:
            for i, line in enumerate(cues[j].lines):
                at = line.find(after, used.get((j, i), 0)) if after else -1
                if at >= 0:
                    used[j, i] = at + len(after)
                    rows[j].changes.append(change)
                    rows[j].spans.append((i, at, at + len(after), "fix",
                                          f"{change.get('before', '')} → {after} ({change.get('rule', '')})"))
                    placed = True
                    break
            if placed:
                break
        if not placed:
            rows[candidates[0]].changes.append(change)


def _line_html(index: int, line: str, spans: Sequence[tuple[int, int, int, str, str]]) -> str:
    """One line of a cue, escaped, with its marks (overlapping marks share their pieces)."""
    mine = [(a, b, cls, title) for i, a, b, cls, title in spans if i == index and b > a]
    if not mine:
        return _e(line)
    cuts = sorted({0, len(line), *(a for a, _, _, _ in mine), *(b for _, b, _, _ in mine)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        over = [(cls, title) for x, y, cls, title in mine if x <= a and b <= y]
        piece = _e(line[a:b])
        if over:
            classes = " ".join(sorted({cls for cls, _ in over}))
            titles = "; ".join(dict.fromkeys(title for _, title in over))
            piece = f'<mark class="{_e(classes)}" title="{_e(titles)}">{piece}</mark>'
        out.append(piece)
    return "".join(out)
