"""Read caption files with clients we did not write, to prove what we write is read as meant.

Three clients, each returning the cues as it understood them (start, end, displayed text):

* the W3C WebVTT parser, npm ``webvtt-parser`` (the parser behind the W3C validator), run by
  ``tests/clients/read-webvtt.js`` (install: ``npm ci --prefix tests/clients``);
* ffmpeg (``apt-get install ffmpeg``): the file is decoded and re-encoded as plain-text SRT,
  which is what a player built on libavcodec would show;
* headless Chromium's ``<track>`` element (``apt-get install chromium``): a page served on
  127.0.0.1 loads the file in a hidden text track and writes ``track.cues`` into the DOM,
  which ``--dump-dom`` prints; the text is ``getCueAsHTML().textContent``, what a viewer sees.

A missing client skips the calling test with the command that installs it, unless the
environment sets ``CAPTIONS_REQUIRE_CLIENTS=1`` (``.ci/run`` does): then it fails the test,
so CI can never pass by skipping them.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

CLIENTS_DIR = Path(__file__).resolve().parent / "clients"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
)
TIMEOUT_S = 60


@dataclass(frozen=True)
class ClientCue:
    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class ClientResult:
    """What one client read: its cues and every error or warning it reported."""

    client: str
    cues: tuple[ClientCue, ...]
    errors: tuple[str, ...] = ()


def missing_client(what: str, install: str) -> None:
    """Skip (or, under ``CAPTIONS_REQUIRE_CLIENTS=1``, fail) because a client is not installed."""
    message = f"{what} is not installed; install it with `{install}`"
    if os.environ.get("CAPTIONS_REQUIRE_CLIENTS") == "1":
        pytest.fail(message + " (CAPTIONS_REQUIRE_CLIENTS=1 makes a missing client a failure)")
    pytest.skip(message)


def _require(program: str, install: str) -> str:
    found = shutil.which(program)
    if found is None:
        missing_client(program, install)
    return found


def _run(argv: list[str], *, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess:
    """Run a client in its own process group and kill the whole group when done or late,
    so that no helper process (Chromium's zygote, renderers) outlives the test."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"{argv[0]} did not finish within {timeout} s") from None
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


# --- W3C parser -------------------------------------------------------------------------------

def read_with_webvtt_parser(path: str | os.PathLike) -> ClientResult:
    """Cues of a WebVTT file as the W3C parser (npm ``webvtt-parser``) reads them."""
    node = _require("node", "apt-get install nodejs npm")
    if not (CLIENTS_DIR / "node_modules" / "webvtt-parser").is_dir():
        missing_client("npm package webvtt-parser", "npm ci --prefix tests/clients")
    done = _run([node, str(CLIENTS_DIR / "read-webvtt.js"), str(path)])
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    data = json.loads(done.stdout)
    cues = tuple(ClientCue(c["start_ms"], c["end_ms"], c["text"]) for c in data["cues"])
    errors = tuple(f"line {e['line']}: {e['message']}" for e in data["errors"])
    return ClientResult("webvtt-parser", cues, errors)


# --- ffmpeg -----------------------------------------------------------------------------------

_SRT_BLOCK = re.compile(r"(?:^|\n\n)\d+\n(\d+):(\d\d):(\d\d),(\d\d\d) --> (\d+):(\d\d):(\d\d),(\d\d\d)\n")


def _ms(h: str, m: str, s: str, f: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)


def read_with_ffmpeg(path: str | os.PathLike) -> ClientResult:
    """Cues of an SRT or WebVTT file as ffmpeg decodes them (markup dropped by its ``text`` encoder).

    ffmpeg writes a clean SRT, which is split on its own timing lines (so that a blank line
    ffmpeg puts inside a text cannot be mistaken for the end of a cue).
    """
    ffmpeg = _require("ffmpeg", "apt-get install ffmpeg")
    done = _run([ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "warning", "-i", str(path),
                 "-c:s", "text", "-f", "srt", "-"])
    errors = tuple(line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip())
    if done.returncode != 0:
        return ClientResult("ffmpeg", (), errors or (f"exit status {done.returncode}",))
    out = done.stdout.decode("utf-8").replace("\r\n", "\n")
    matches = list(_SRT_BLOCK.finditer(out))
    cues = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(out)
        text = out[match.end():end].rstrip("\n")
        cues.append(ClientCue(_ms(*match.groups()[:4]), _ms(*match.groups()[4:]), text))
    return ClientResult("ffmpeg", tuple(cues), errors)


# --- headless Chromium ------------------------------------------------------------------------

_PAGE = """<!doctype html><meta charset="utf-8"><title>track</title>
<video id="v"><track id="t" kind="subtitles" srclang="fr" src="captions.vtt" default></video>
<pre id="out">pending</pre>
<script>
const el = document.getElementById("t");
function done(status) {
  const cues = Array.from(el.track.cues || []).map(c => ({
    start_ms: Math.round(c.startTime * 1000), end_ms: Math.round(c.endTime * 1000),
    text: c.getCueAsHTML().textContent}));
  const json = JSON.stringify({status: status, cues: cues});
  document.getElementById("out").textContent = btoa(unescape(encodeURIComponent(json)));
}
el.addEventListener("load", () => done("loaded"));
el.addEventListener("error", () => done("error"));
el.track.mode = "hidden";
</script>
"""
_OUT = re.compile(r'<pre id="out">([A-Za-z0-9+/=]*|pending)</pre>')


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".vtt": "text/vtt"}

    def log_message(self, format, *args):  # noqa: A002 - keep test output clean
        pass


def read_with_chromium(path: str | os.PathLike) -> ClientResult:
    """Cues of a WebVTT file as headless Chromium's ``<track>`` element reads them."""
    chromium = _require("chromium", "apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="captions-chromium-") as tmp:
        site = Path(tmp, "site")
        site.mkdir()
        (site / "index.html").write_text(_PAGE, "utf-8")
        shutil.copyfile(path, site / "captions.vtt")
        handler = functools.partial(_QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
            done = _run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp, 'profile')}",
                         "--virtual-time-budget=10000", "--dump-dom", url])
        finally:
            server.shutdown()
            server.server_close()
    dom = done.stdout.decode("utf-8", "replace")
    match = _OUT.search(dom)
    assert match and match.group(1) != "pending", (
        f"Chromium did not load the track (exit {done.returncode}): "
        f"{done.stderr.decode('utf-8', 'replace')[-2000:]}")
    data = json.loads(base64.b64decode(match.group(1)).decode("utf-8"))
    errors = () if data["status"] == "loaded" else ("the track fired an error event",)
    cues = tuple(ClientCue(c["start_ms"], c["end_ms"], c["text"]) for c in data["cues"])
    return ClientResult("chromium", cues, errors)


def read_with_all(path: str | os.PathLike) -> dict[str, ClientResult]:
    """Every client that reads ``path``'s format: all three for ``.vtt``, ffmpeg for ``.srt``."""
    if Path(path).suffix.lower() == ".vtt":
        return {"webvtt-parser": read_with_webvtt_parser(path), "ffmpeg": read_with_ffmpeg(path),
                "chromium": read_with_chromium(path)}
    return {"ffmpeg": read_with_ffmpeg(path)}
