"""``captions batch --executor dask --scheduler ADDRESS`` against a local Dask cluster on loopback
(worker processes talking TCP on 127.0.0.1).  Needs the optional extra: ``pip install -e '.[dask]'``;
skipped with that message otherwise."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from captions.cli import main
from captions.batch.manifest import MANIFEST_NAME

from test_batch import BAD, GOOD, build_folder, by_path

distributed = pytest.importorskip("distributed", reason="Dask is optional: pip install -e '.[dask]' to run this")


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_dask_cluster_gives_the_outputs_and_manifest_of_local_workers(scheduler, tmp_path):
    assert scheduler.startswith("tcp://127.0.0.1:")
    src = build_folder(tmp_path)
    local = CliRunner().invoke(main, ["batch", str(src), "-o", str(tmp_path / "local"), "--jobs", "2", "--json"])
    remote = CliRunner().invoke(main, ["batch", str(src), "-o", str(tmp_path / "dask"), "--json",
                                       "--executor", "dask", "--scheduler", scheduler])
    assert remote.exit_code == local.exit_code == 1, remote.output
    files = by_path(remote.stdout)
    assert {rel for rel, f in files.items() if f["status"] == "ok"} == GOOD
    assert {rel for rel, f in files.items() if f["status"] == "failed"} == set(BAD)
    outputs = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("*.[sv][rt][tt]"))
    assert outputs and all((tmp_path / "local" / p).read_bytes() == (tmp_path / "dask" / p).read_bytes()
                           for p in outputs)
    manifest = json.loads((tmp_path / "dask" / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    expected = json.loads((tmp_path / "local" / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    assert {k: {**v, "elapsed_ms": 0} for k, v in manifest.items()} == \
           {k: {**v, "elapsed_ms": 0} for k, v in expected.items()}
    # the same manifest: a local rerun skips what the cluster did
    rerun = by_path(CliRunner().invoke(main, ["batch", str(src), "-o", str(tmp_path / "dask"), "--json"]).stdout)
    assert {rel for rel, f in rerun.items() if f["status"] == "skipped"} == GOOD


def test_unreachable_scheduler_is_a_clear_error():
    from captions.batch import dask_executor
    from captions.errors import ConfigError

    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        with dask_executor("tcp://127.0.0.1:9", timeout_s=1):
            pass


def test_executor_and_scheduler_go_together(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    result = CliRunner().invoke(main, ["batch", str(src), "-o", str(tmp_path / "out"), "--executor", "dask"])
    assert result.exit_code == 2 and "go together" in result.stderr
