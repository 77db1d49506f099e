"""``tarjama job run --ray``: the same job on a real Ray cluster, started by these tests.

One local cluster (``ray.init(num_cpus=2)`` in this process) serves the module. Ray's token
authentication is on, as it is by default for local clusters: the test picks the token and
hands it to every driver in ``RAY_AUTH_TOKEN``, which Ray reads before its token file, so the
cluster and the ``tarjama`` subprocesses that join it by address agree without touching
``~/.ray``. Jobs run through the real CLI where the command line is what is tested, and through
the Python API in this process where an actor must really die: its class is then a subclass
whose :meth:`write` SIGKILLs its own process, Ray restarts the actor and retries the task.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import ray
from job_corpus import Run, make_jsonl, make_parquet, make_tree, output_files

from tarjama.cli import EXIT_CONFIG, EXIT_MODEL
from tarjama.jobs import JobSpec, UnitOutcome, run_job, run_on_ray
from tarjama.jobs.ray_actors import TranslateBatches

FIELDS = ("--field", "title", "--id-field", "id", "--shard-size", "10")


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local Ray cluster of 2 CPUs, token authentication on; its address."""
    saved = os.environ.get("RAY_AUTH_TOKEN")
    os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)
    home = tmp_path_factory.mktemp("ray-home")
    context = ray.init(
        num_cpus=2,
        include_dashboard=False,
        configure_logging=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"TARJAMA_HOME": str(home), "TARJAMA_THREADS": "1"}},
    )
    try:
        yield str(context.address_info["gcs_address"])
    finally:
        ray.shutdown()
        if saved is None:
            os.environ.pop("RAY_AUTH_TOKEN", None)
        else:
            os.environ["RAY_AUTH_TOKEN"] = saved


def _manifest(out: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(out / ".tarjama-job" / "manifest.sqlite") as conn:
        return list(conn.execute(sql))


def _spec(sources: list[Path], out: Path, model: Path, max_attempts: int = 3) -> JobSpec:
    return JobSpec(
        sources=tuple(str(s) for s in sources), output=str(out), model=str(model), threads=1,
        fields=("title",), id_field="id", shard_size=10, max_attempts=max_attempts,
    )  # fmt: skip


def _dying(marker: Path, *, after: int = 0, unit: str = "") -> type[TranslateBatches]:
    """An actor class that SIGKILLs its own process: right after writing its ``after``-th
    output, the first time only (``marker`` remembers across lives that it died), or whenever
    it is about to write ``unit``'s output, as a segfault on that document would."""

    def die(key: str) -> None:
        with open(marker, "a", encoding="utf-8") as file:
            file.write(f"{os.getpid()} {key}\n")
        os.kill(os.getpid(), signal.SIGKILL)

    class Dying(TranslateBatches):
        written = 0

        def write(self, outcome: UnitOutcome) -> None:
            if outcome.unit.key == unit:
                die(unit)
            super().write(outcome)
            self.written += 1
            if self.written == after and not marker.exists():
                die(outcome.unit.key)

    return Dying


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_ray_run_writes_what_a_local_run_writes_and_a_rerun_does_nothing(
    job: Run, job_process: Run, ray_cluster: str, tmp_path: Path
) -> None:
    sources = [
        make_tree(tmp_path / "tree", 24),
        make_jsonl(tmp_path / "wire.jsonl", 40),
        make_parquet(tmp_path / "archive.parquet", 40),
    ]
    local = job("run", *sources, "-o", tmp_path / "local", *FIELDS)
    assert local.code == 0, local
    out = tmp_path / "out"

    first = job_process("run", *sources, "-o", out, *FIELDS, "--workers", "2", "--ray", ray_cluster)

    assert first.code == 0, first
    summary = first.summary
    assert (summary["documents"], summary["done"], summary["failed"]) == (104, 104, 0)
    assert (summary["run"]["backend"], summary["run"]["units"]) == ("ray", 32)
    assert output_files(out) == output_files(tmp_path / "local")  # byte for byte
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    again = job_process("run", *sources, "-o", out, *FIELDS, "--ray", ray_cluster)

    assert again.code == 0, again
    run = again.summary["run"]
    assert (run["planned"], run["units"], run["engine_segments"], run["model_opened"]) == (
        0, 0, 0, False,
    )  # fmt: skip
    outputs = {p: s for p, s in stamps.items() if ".tarjama-job" not in p.parts}
    assert {p: p.stat().st_mtime_ns for p in outputs} == outputs


def test_an_actor_killed_in_the_middle_of_a_batch_loses_and_repeats_nothing(
    home: Path, tiny_marian_ct2: Path, ray_cluster: str, tmp_path: Path
) -> None:
    sources = [make_tree(tmp_path / "tree", 20), make_jsonl(tmp_path / "wire.jsonl", 60)]
    reference = run_job(_spec(sources, tmp_path / "local", tiny_marian_ct2))
    assert reference.done == 80
    marker = tmp_path / "died"

    summary = run_on_ray(
        _spec(sources, tmp_path / "out", tiny_marian_ct2),
        workers=2,
        mapper=_dying(marker, after=3),
    )

    pid, key = marker.read_text().split()
    assert _gone(int(pid)), "the actor was meant to be dead"
    assert (tmp_path / "out" / key).is_file()  # written before the kill, and kept
    assert (summary.done, summary.failed, summary.pending) == (80, 0, 0)
    assert (summary.run["planned"], summary.run["units"]) == (26, 26)  # each recorded once
    assert output_files(tmp_path / "out") == output_files(tmp_path / "local")
    ids = [
        json.loads(line)["id"]
        for part in sorted((tmp_path / "out" / "wire").glob("part-*.jsonl"))
        for line in part.read_text(encoding="utf-8").splitlines()
    ]
    assert ids == [f"r{i:04d}" for i in range(60)]  # every record once, in order
    assert not list((tmp_path / "out").rglob(".*.partial"))


def test_a_unit_an_actor_keeps_dying_on_fails_alone_after_max_attempts(
    home: Path, tiny_marian_ct2: Path, ray_cluster: str, tmp_path: Path
) -> None:
    sources = [make_parquet(tmp_path / "archive.parquet", 50)]
    reference = run_job(_spec(sources, tmp_path / "local", tiny_marian_ct2))
    assert reference.done == 50
    poison = "archive/part-00002.parquet"
    marker = tmp_path / "deaths"

    summary = run_on_ray(
        _spec(sources, tmp_path / "out", tiny_marian_ct2, max_attempts=2),
        mapper=_dying(marker, unit=poison),
    )  # one batch of 5 units: the actor dies on the third

    assert len(marker.read_text().splitlines()) == 2  # with its batch, then alone: no third
    assert (summary.done, summary.failed, summary.errors) == (40, 10, {"crash": 1})
    failed = _manifest(tmp_path / "out", "SELECT key, error_kind, error FROM units WHERE failed")
    assert [(key, kind) for key, kind, _ in failed] == [(poison, "crash")]
    assert "died 2 times" in str(failed[0][2])
    expected = output_files(tmp_path / "local")
    del expected[poison]
    assert output_files(tmp_path / "out") == expected
    rows = [
        r["id"]
        for p in sorted((tmp_path / "out").rglob("*.parquet"))
        for r in pq.read_table(p).to_pylist()
    ]
    assert rows == [f"r{i:04d}" for i in range(50) if not 20 <= i < 30]


def test_a_bare_ray_flag_starts_ray_on_this_machine(
    job_process: Run, ray_cluster: str, tmp_path: Path
) -> None:
    source = make_tree(tmp_path / "tree", 4)

    result = job_process("run", source, "-o", tmp_path / "out", "--ray")  # then -m MODEL

    assert result.code == 0, result
    assert (result.summary["done"], result.summary["run"]["backend"]) == (4, "ray")
    assert sorted(output_files(tmp_path / "out")) == sorted(
        p.relative_to(source).as_posix() for p in source.rglob("*.txt")
    )


def test_an_address_nobody_answers_at_is_a_clear_error_at_once(
    job_process: Run, tmp_path: Path
) -> None:
    source = make_tree(tmp_path / "tree", 2)

    result = job_process("run", source, "-o", tmp_path / "out", "--ray", "127.0.0.1:9", timeout=60)

    assert result.code == EXIT_CONFIG, result
    assert "no Ray cluster answers at 127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_model_the_actors_cannot_open_stops_the_job_with_one_line(
    job_process: Run, ray_cluster: str, tiny_marian_ct2: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"  # there for the driver, unreadable for the actors
    shutil.copytree(tiny_marian_ct2, broken)
    (broken / "model.bin").write_bytes((tiny_marian_ct2 / "model.bin").read_bytes()[:1000])
    source = make_tree(tmp_path / "tree", 2)

    result = job_process("run", source, "-o", tmp_path / "out", "-m", broken, "--ray", ray_cluster)

    assert result.code == EXIT_MODEL, result
    assert "error: on the Ray cluster: cannot open CTranslate2 model" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
