"""``captions batch --report-html``: one self-contained page, escaped, loaded in headless Chromium.

The Chromium test skips with an install message when the browser is missing, unless
``CAPTIONS_REQUIRE_CLIENTS=1`` (CI), where a missing browser fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from captions.cli import main
from captions.batch import BatchSummary
from captions.batch.report_html import render_report_html

from test_batch import SRT_OK, sample_slice

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic"]
HOSTILE = '<img src=x onerror="alert(1)">&amp;.txt'


def chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("CAPTIONS_REQUIRE_CLIENTS") == "1":
            pytest.fail("chromium is required (CAPTIONS_REQUIRE_CLIENTS=1): apt-get install chromium")
        pytest.skip("headless Chromium not found; install it with `apt-get install chromium`")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, set[str], str]:
    root = tmp_path_factory.mktemp("html")
    src = root / "in"
    (src / "saison 1").mkdir(parents=True)
    (src / "saison 1" / "épisode 1.txt").write_text(sample_slice(6, 80), encoding="utf-8")
    (src / "saison 1" / "épisode 2.txt").write_text(sample_slice(300, 60), encoding="utf-8")
    (src / HOSTILE).write_text("</script><script>alert(2)</script> no stamp here\n", encoding="utf-8")
    (src / "clip.srt").write_text(SRT_OK, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    page = root / "report.html"
    result = CliRunner().invoke(main, ["batch", str(src), "-o", str(root / "out"), "--jobs", "1",
                                       "--report-html", str(page)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    files = {"saison 1/épisode 1.txt", "saison 1/épisode 2.txt", HOSTILE, "clip.srt", "empty.txt"}
    return page, files, page.read_text(encoding="utf-8")


def test_page_is_self_contained_and_escaped(report):
    _, files, text = report
    assert text.count("<script") == 1  # ours only, inline
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing fetched
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "<img" not in text and "alert(2)</script>" not in text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;.txt" in text
    for rel in files - {HOSTILE}:
        assert f'data-file="{rel}"' in text
    assert text.count("<svg") == 3  # a timeline per file that has cues (the two episodes, the clip)


def test_rows_sorted_by_findings_needing_a_human_first(report):
    _, _, text = report
    rows = re.findall(r'<tr class="([^"]*)" data-file="([^"]*)"', text)
    assert [cls for cls, _ in rows[:2]] == ["failed", "failed"]


def test_render_without_entries_is_a_valid_page():
    page = render_report_html(BatchSummary(Path("in"), Path("out")))
    assert "<tbody>\n\n</tbody>" in page and page.rstrip().endswith("</html>")


def test_loads_in_headless_chromium_without_console_errors(report):
    browser = chromium()
    page, files, _ = report
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr",
                               "--v=0", "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []  # no script error, no blocked fetch (the CSP would log one)
    dom = proc.stdout
    assert f'data-ready="{len(files)}"' in dom  # the script ran to its end over every row
    assert not re.search(r"<html[^>]*data-errors", dom) and '<pre id="errors"></pre>' in dom
    shown = set(re.findall(r'<tr class="[^"]*" data-file="([^"]*)"', dom))
    assert len(shown) == len(files)
    assert shown - {s for s in shown if "onerror" in s} == files - {HOSTILE}
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "batch-report.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1200,1400",
                        f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=90, check=True)
    assert shot.stat().st_size > 10_000
