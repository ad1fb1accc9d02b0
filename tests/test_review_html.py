"""The review page (captions.review_html): every cue with its times, speed and turns, findings
and corrections marked where they are, filters by finding; self-contained and escaped like the
batch report, loaded in headless Chromium (skips without the browser unless
``CAPTIONS_REQUIRE_CLIENTS=1``)."""

from __future__ import annotations

import functools
import re
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from captions.cli import main
from captions.convert import convert_cues, convert_transcript
from captions.corrections import apply_to_transcript, load_dictionaries
from captions.model import Cue, Fragment, Transcript
from captions.presets import get_preset
from captions.review_html import CORRECTION, render_review_html
from captions.transcript import read_transcript

from test_batch import sample_slice
from test_batch_html import ARTIFACTS, CHROMIUM_FLAGS, chromium

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "techco-2026-03-05.txt"
DICT = REPO / "samples" / "techco.dict.toml"
HOSTILE = '</script><script>alert(1)</script> <img src=x onerror="alert(2)"> & « citations »'


def _hostile_corrector(transcript: Transcript):
    """Replaces ``Open AI`` in the second fragment and records it with a hostile rule name."""
    frags = list(transcript.fragments)
    frags[1] = replace(frags[1], text=frags[1].text.replace("Open AI", "OpenAI"))
    record = {"rule": 'dict"<u>.toml:3', "kind": "word", "key": "Open AI", "before": "Open AI", "after": "OpenAI",
              "segment": 1}
    return replace(transcript, fragments=tuple(frags)), [record]


def _hostile_result():
    frags = (Fragment(0, HOSTILE, 1, speaker='"><i>Anne'),
             Fragment(3000, "Bonjour à Open AI et à tous les auditeurs qui nous écoutent parce", 2,
                      speaker="Bob", turn=True),
             Fragment(9000, "que c'est l'heure de parler de sujets liés à", 3, speaker="Bob"),
             Fragment(16000, "l'intelligence artificielle.", 4, speaker="Bob"))
    t = Transcript('<u>"hostile".txt', frags)
    return convert_transcript(t, get_preset("fr-tv"), lang="fr", corrector=_hostile_corrector)


def test_the_page_is_self_contained_and_escapes_everything():
    page = render_review_html(_hostile_result())
    assert page.count("<script") == 1 and page.count("</script>") == 1   # ours only
    assert "<img" not in page and "<i>" not in page and "<u>" not in page
    assert "&lt;img" in page and "onerror=&quot;alert(2)&quot;&gt; &amp;" in page and "&lt;/script&gt;" in page
    assert "&amp;lt;u&amp;gt;" not in page   # escaped once, not twice
    assert "&lt;u&gt;&quot;hostile&quot;.txt" in page and "dict&quot;&lt;u&gt;.toml:3" in page
    assert "&quot;&gt;&lt;i&gt;Anne" in page   # a speaker name
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert not re.search(r"@import|url\(", page)


def test_every_cue_has_its_row_with_times_duration_speed_and_speakers():
    result = _hostile_result()
    page = render_review_html(result)
    rows = re.findall(r'<tr id="c(\d+)" data-codes="([^"]*)"', page)
    assert [int(n) for n, _ in rows] == list(range(1, len(result.cues) + 1))
    for cue in result.cues:
        assert f"{cue.duration_ms / 1000:.2f} s" in page
    assert "1 speaker: &quot;&gt;&lt;i&gt;Anne" in page and "starts a turn" in page
    assert "cps<br><small>limit 20.0</small>" in page


def test_findings_and_corrections_are_marked_where_they_are_and_filterable():
    result = _hostile_result()
    page = render_review_html(result)
    quality = result.report.quality
    assert quality is not None
    rows = dict(re.findall(r'<tr id="c(\d+)" data-codes="([^"]*)"', page))
    expected: dict[int, set[str]] = {}
    for miss in result.report.misses:
        expected.setdefault(miss.cue, set()).add(miss.code.value)
    for flag in quality.flags:
        expected.setdefault(flag.finding.cue, set()).add(flag.finding.code.value)
    corrected = next(k + 1 for k, cue in enumerate(result.cues) if "OpenAI" in cue.text)
    expected.setdefault(corrected, set()).add(CORRECTION)
    assert {int(k): set(v.split()) for k, v in rows.items() if v} == expected
    # the correction's words are marked in its cue's text, with before, after and rule
    assert re.search(r'<mark class="fix" title="Open AI → OpenAI \(dict&quot;&lt;u&gt;.toml:3\)">OpenAI</mark>', page)
    # a button per code present, each with how many cues have it
    for code in set().union(*expected.values()):
        n = sum(1 for codes in expected.values() if code in codes)
        assert f'data-code="{code}" aria-pressed="false">{code} <b>{n}</b>' in page


def test_a_weak_line_end_and_a_blank_are_marked_on_their_words():
    # caption input keeps its cues and times (the builder would mark the blank "liés à…")
    cues = (Cue(164_000, 167_310, ("Nous allons parler avec pas mal de sujets liés à",), line=1),
            Cue(171_500, 174_000, ("l'intelligence artificielle.",), line=4))
    result = convert_cues(cues, get_preset("fr-tv"), lang="fr")
    page = render_review_html(result)
    assert re.search(r'<mark class="blank weak" title="[^"]*">à</mark>', page), page[-3000:]


def test_convert_writes_the_page_with_the_other_outputs_or_nothing(tmp_path):
    src = tmp_path / "show.txt"
    src.write_text(sample_slice(6, 40), encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(main, ["convert", str(src), "-o", str(tmp_path / "show.srt"), "--review-html",
                              str(tmp_path / "show.html"), "--dict", str(DICT)])
    assert ok.exit_code == 0, ok.output
    page = (tmp_path / "show.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'class="fix"' in page
    refused = runner.invoke(main, ["convert", str(src), "-o", str(tmp_path / "other.srt"), "--review-html", str(src)])
    assert refused.exit_code == 2 and "refusing to write over the input" in refused.stderr
    assert not (tmp_path / "other.srt").exists()


def _dom(page: Path, fragment: str = "") -> str:
    browser = chromium()
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr",
                               "--v=0", "--dump-dom", page.as_uri() + fragment],
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []   # no script error, no blocked fetch (the CSP would log one)
    return proc.stdout


@functools.cache
def _sample_page(folder: str) -> tuple[Path, str]:
    corrector = functools.partial(apply_to_transcript, dictionary=load_dictionaries([DICT]))
    result = convert_transcript(read_transcript(SAMPLE), corrector=corrector)
    page = Path(folder) / "review.html"
    text = render_review_html(result)
    page.write_text(text, encoding="utf-8")
    return page, text


def test_loads_in_headless_chromium_and_filters_by_finding(tmp_path_factory):
    page, text = _sample_page(str(tmp_path_factory.mktemp("review")))
    rows = re.findall(r'<tr id="c\d+" data-codes="([^"]*)"', text)
    dom = _dom(page)
    assert f'data-ready="{len(rows)}"' in dom and f'data-shown="{len(rows)}"' in dom
    assert not re.search(r"<html[^>]*data-errors", dom) and '<pre id="errors"></pre>' in dom
    for code in ("weak-line-end", CORRECTION, "too-fast"):
        having = sum(1 for codes in rows if code in codes.split())
        assert having, code
        filtered = _dom(page, f"#filter={code}")
        assert f'data-filter="{code}"' in filtered and f'data-shown="{having}"' in filtered
        tags = re.findall(r'<tr id="c\d+" data-codes="([^"]*)"([^>]*)>', filtered)
        shown = [codes for codes, rest in tags if "hidden" not in rest]
        hidden = [codes for codes, rest in tags if "hidden" in rest]
        assert len(shown) == having and len(hidden) == len(rows) - having
        assert all(code in codes.split() for codes in shown)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "review.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1400,1800",
                        f"--screenshot={shot}", page.as_uri() + "#filter=weak-line-end"],
                       capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10_000


def test_batch_writes_a_page_per_transcript_linked_from_its_row(tmp_path):
    src = tmp_path / "in"
    (src / "saison 1").mkdir(parents=True)
    (src / "saison 1" / "épisode 1.txt").write_text(sample_slice(6, 60), encoding="utf-8")
    (src / 'x"<u>.txt').write_text(sample_slice(100, 30), encoding="utf-8")
    report = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["batch", str(src), "-o", str(tmp_path / "out"), "--jobs", "1",
                                       "--report-html", str(report)])
    assert result.exit_code in (0, 1), result.output
    text = report.read_text(encoding="utf-8")
    links = re.findall(r'<a class="review" href="([^"]+)">review</a>', text)
    assert len(links) == 2
    from urllib.parse import unquote
    import html
    for link in links:
        target = tmp_path / unquote(html.unescape(link))
        assert target.is_file() and target.parent.is_relative_to(tmp_path / "report.review")
        page = target.read_text(encoding="utf-8")
        assert page.count("<script") == 1 and "<u>" not in page
    assert (tmp_path / "report.review" / "saison 1" / "épisode 1.txt.html").is_file()
