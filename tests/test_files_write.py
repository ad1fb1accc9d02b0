"""Writing outputs: atomic, all or none, keeping what the user set on the files replaced."""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

from captions.cli import main
from captions.errors import OutputError
from captions.files import write_all, write_bytes_atomic

TRANSCRIPT = "00:01Bonsoir à tous.\n00:04Merci d'être là.\n"


def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".captions-"))


def test_all_or_none_when_one_output_cannot_be_written(tmp_path) -> None:
    good = tmp_path / "a.srt"
    with pytest.raises(OutputError, match=r"missing/b\.vtt: cannot write the file: its folder does not exist"):
        write_all([(good, b"1"), (tmp_path / "missing" / "b.vtt", b"2")])
    assert not good.exists() and _leftovers(tmp_path) == []


def test_convert_with_a_bad_output_writes_nothing(tmp_path) -> None:
    src = tmp_path / "s.txt"
    src.write_text(TRANSCRIPT, encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(src), "-o", str(tmp_path / "out.srt"),
                                       "-o", str(tmp_path / "missing" / "x.vtt"),
                                       "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.startswith("captions: error: ") and "missing/x.vtt" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.txt"]


def test_a_replaced_file_keeps_its_permissions(tmp_path) -> None:
    target = tmp_path / "private.srt"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_new_file_honours_the_umask(tmp_path) -> None:
    old = os.umask(0o077)
    try:
        write_bytes_atomic(tmp_path / "new.srt", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.srt").stat().st_mode) == 0o600


def test_a_link_is_written_through_and_stays_a_link(tmp_path) -> None:
    real = tmp_path / "real.srt"
    real.write_bytes(b"old")
    link = tmp_path / "link.srt"
    link.symlink_to(real)
    write_bytes_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_name_near_the_limit_can_be_written(tmp_path) -> None:
    name = "x" * 250 + ".srt"   # 254 bytes: a temporary name built from it would pass 255
    write_bytes_atomic(tmp_path / name, b"ok")
    assert (tmp_path / name).read_bytes() == b"ok" and _leftovers(tmp_path) == []


def test_a_folder_the_system_refuses_is_an_error_not_a_traceback() -> None:
    with pytest.raises(OutputError, match=r"^/sys/a\.srt: cannot write the file: "):
        write_bytes_atomic("/sys/a.srt", b"x")   # sysfs refuses new files, even to root


@pytest.mark.parametrize("special", ["/dev/null", "/dev/full"])
def test_a_device_is_never_replaced(special: str) -> None:
    before = os.stat(special)
    with pytest.raises(OutputError, match="not a regular file"):
        write_bytes_atomic(special, b"x")
    after = os.stat(special)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_folder_is_never_replaced(tmp_path) -> None:
    with pytest.raises(OutputError, match="it is a folder"):
        write_bytes_atomic(tmp_path, b"x")
    assert tmp_path.is_dir()
